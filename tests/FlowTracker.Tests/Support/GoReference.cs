using System.Globalization;
using System.Text;

namespace FlowTracker.Tests.Support;

/// <summary>
/// A slow, obviously right statement of what Go's json.Marshal writes, rune by rune, to test the
/// encoder's fast paths against: the same rules as Go's encoding/json (1.22+) spelled out one by one.
/// </summary>
public static class GoReference
{
    public static byte[] Quote(string? text)
    {
        var output = new List<byte> { (byte)'"' };
        Span<byte> utf8 = stackalloc byte[4];

        // EnumerateRunes yields U+FFFD for a lone surrogate, as Go's utf16.Decode does.
        foreach (var rune in (text ?? string.Empty).EnumerateRunes())
        {
            var value = rune.Value;
            var escaped = value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < 0x20 or '<' or '>' or '&' or 0x2028 or 0x2029 => "\\u" + value.ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };

            output.AddRange(escaped is null ? utf8[..rune.EncodeToUtf8(utf8)].ToArray() : Encoding.ASCII.GetBytes(escaped));
        }

        output.Add((byte)'"');
        return output.ToArray();
    }

    /// <summary>Go sorts map keys by their bytes: the UTF-8 of the key, a lone surrogate as U+FFFD.</summary>
    public static int CompareKeys(string? a, string? b) =>
        Encoding.UTF8.GetBytes(a ?? string.Empty).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b ?? string.Empty));

    /// <summary>time.Time's MarshalJSON for a time .NET can hold.</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF", CultureInfo.InvariantCulture)
        + (time.Offset == TimeSpan.Zero ? "Z" : time.ToString("zzz", CultureInfo.InvariantCulture));

    public static byte[] Trace(Trace trace)
    {
        var output = new List<byte>();
        void Raw(string ascii) => output.AddRange(Encoding.ASCII.GetBytes(ascii));

        Raw("{\"trace_id\":");
        output.AddRange(Quote(trace.TraceId));
        Raw(",\"spans\":");
        if (trace.Spans is null)
        {
            Raw("null}");
            return output.ToArray();
        }

        Raw("[");
        for (var i = 0; i < trace.Spans.Count; i++)
        {
            Raw(i > 0 ? "," : string.Empty);
            var span = trace.Spans[i];
            if (span is null)
            {
                Raw("null");
                continue;
            }

            Raw("{\"span_id\":");
            output.AddRange(Quote(span.SpanId));
            if (!string.IsNullOrEmpty(span.ParentId))
            {
                Raw(",\"parent_id\":");
                output.AddRange(Quote(span.ParentId));
            }

            Raw(",\"name\":");
            output.AddRange(Quote(span.Name));
            Raw($",\"start_time\":\"{Time(span.StartTime)}\",\"end_time\":\"{Time(span.EndTime)}\"");
            Raw(string.Create(CultureInfo.InvariantCulture, $",\"duration_ms\":{span.DurationMs}"));
            if (span.Tags is { Count: > 0 } tags)
            {
                Raw(",\"tags\":{");
                var first = true;
                foreach (var (key, value) in tags.Order(Comparer<KeyValuePair<string, string>>.Create((x, y) => CompareKeys(x.Key, y.Key))))
                {
                    Raw(first ? string.Empty : ",");
                    first = false;
                    output.AddRange(Quote(key));
                    Raw(":");
                    output.AddRange(Quote(value));
                }

                Raw("}");
            }

            Raw("}");
        }

        Raw("]}");
        return output.ToArray();
    }
}
