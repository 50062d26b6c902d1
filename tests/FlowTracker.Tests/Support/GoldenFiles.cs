using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FlowTracker.Tests.Support;

/// <summary>
/// The golden files of tests/golden: each case's trace, built from its description without any JSON
/// decoder, and the bytes Go's encoding/json writes for it.
/// </summary>
public static class GoldenFiles
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "golden");

    public static IReadOnlyList<string> Cases() =>
        Directory.GetFiles(Folder, "*.trace*")
            .Select(path => Path.GetFileName(path).Split('.')[0])
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static byte[] GoBytes(string name) => Read(name, "json");

    public static Trace Trace(string name)
    {
        var lines = Encoding.ASCII.GetString(Read(name, "trace")).Split('\n');
        var reader = new LineReader(lines);
        reader.Expect("flowtracker-golden-input", "1");
        var traceId = reader.String("trace_id");
        var spansCount = reader.Field("spans");
        if (spansCount == "null")
        {
            return new Trace { TraceId = traceId!, Spans = null! };
        }

        var spans = new Span[int.Parse(spansCount, CultureInfo.InvariantCulture)];
        for (var i = 0; i < spans.Length; i++)
        {
            spans[i] = reader.Field("span") == "null" ? null! : ReadSpan(reader);
        }

        return new Trace { TraceId = traceId!, Spans = spans };
    }

    private static Span ReadSpan(LineReader reader)
    {
        var span = new Span
        {
            SpanId = reader.String("span_id")!,
            ParentId = reader.String("parent_id"),
            Name = reader.String("name")!,
            StartTime = reader.Time("start_time"),
            EndTime = reader.Time("end_time"),
            DurationMs = long.Parse(reader.Field("duration_ms"), CultureInfo.InvariantCulture),
        };
        var tagsCount = reader.Field("tags");
        if (tagsCount == "null")
        {
            return span;
        }

        // Inserted in the file's order, which the cases choose to differ from Go's.
        var tags = new List<KeyValuePair<string, string>>();
        for (var i = int.Parse(tagsCount, CultureInfo.InvariantCulture); i > 0; i--)
        {
            var strings = LineReader.Strings(reader.Field("tag"));
            tags.Add(new(strings[0]!, strings[1]!));
        }

        // A null key cannot be in a Dictionary: such a case gets a dictionary that enumerates it.
        return span with
        {
            Tags = tags.Any(t => t.Key is null) ? new ListedTags([.. tags]) : tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
        };
    }

    private static byte[] Read(string name, string kind)
    {
        var plain = Path.Combine(Folder, $"{name}.{kind}");
        if (File.Exists(plain))
        {
            return File.ReadAllBytes(plain);
        }

        using var gzip = new GZipStream(File.OpenRead(plain + ".gz"), CompressionMode.Decompress);
        using var content = new MemoryStream();
        gzip.CopyTo(content);
        return content.ToArray();
    }

    private sealed class LineReader(string[] lines)
    {
        private int _next;

        public void Expect(string name, string value) => Assert.Equal(value, Field(name));

        public string Field(string name)
        {
            var line = lines[_next++].TrimEnd('\r');
            if (line == name)
            {
                return string.Empty;
            }

            Assert.StartsWith(name + " ", line, StringComparison.Ordinal);
            return line[(name.Length + 1)..];
        }

        public string? String(string name) => Strings(Field(name)).Single();

        public DateTimeOffset Time(string name)
        {
            var parts = Field(name).Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            var offset = TimeSpan.FromSeconds(parts[2]);

            // Nanoseconds beyond .NET's 100 ns ticks are truncated, as the reader truncates them.
            var utcTicks = DateTime.UnixEpoch.Ticks + (parts[0] * TimeSpan.TicksPerSecond) + (parts[1] / 100);
            return new DateTimeOffset(utcTicks + offset.Ticks, offset);
        }

        // "…" with \uXXXX for every code unit that is not printable ASCII, or null; space separated.
        public static string?[] Strings(string text)
        {
            var result = new List<string?>();
            var i = 0;
            while (i < text.Length)
            {
                if (text.AsSpan(i).StartsWith("null"))
                {
                    result.Add(null);
                    i += 4;
                }
                else
                {
                    Assert.Equal('"', text[i++]);
                    var value = new StringBuilder();
                    while (text[i] != '"')
                    {
                        value.Append(text[i] == '\\' ? (char)Convert.ToUInt16(text.Substring(i + 2, 4), 16) : text[i]);
                        i += text[i] == '\\' ? 6 : 1;
                    }

                    result.Add(value.ToString());
                    i++;
                }

                i++;
            }

            return result.ToArray();
        }
    }
}
