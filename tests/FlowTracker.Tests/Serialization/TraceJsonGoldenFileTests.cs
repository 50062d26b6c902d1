using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowTracker.Tests.Support;

namespace FlowTracker.Tests.Serialization;

// Byte equality with what Go's encoding/json writes (tests/golden/README.md says how the files are
// made). A mismatch is reported at its first differing byte, with the text around it.
public sealed class TraceJsonGoldenFileTests
{
    // Eight and nine fraction digits: .NET's 100 ns ticks cannot hold the trace Go wrote.
    private const string Nanoseconds = "times-nanoseconds";

    public static TheoryData<string> Cases() => [.. GoldenFiles.Cases().Where(name => name != Nanoseconds)];

    public static TheoryData<string> ReadableCases() =>
        [.. GoldenFiles.Cases().Where(name => name is not (Nanoseconds or "nil-spans" or "nil-span-elements"))];

    [Fact]
    public void GoldenFiles_AreAllThere()
    {
        Assert.True(GoldenFiles.Cases().Count >= 20, string.Join(", ", GoldenFiles.Cases()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenTrace_Written_IsGosBytes(string name)
    {
        AssertSameBytes(GoldenFiles.GoBytes(name), TraceJson.SerializeToUtf8Bytes(GoldenFiles.Trace(name)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenTrace_WrittenThroughEveryOverload_IsGosBytes(string name)
    {
        var trace = GoldenFiles.Trace(name);
        var expected = GoldenFiles.GoBytes(name);

        var reused = new ArrayBufferWriter<byte>(1);
        reused.Write("prefix"u8);
        TraceJson.Serialize(reused, trace);
        var composed = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(composed, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, trace, TraceJson.TypeInfo);
        }

        AssertSameBytes(expected, reused.WrittenSpan[6..].ToArray());
        AssertSameBytes(expected, composed.WrittenSpan.ToArray());
        AssertSameBytes(expected, Encoding.UTF8.GetBytes(TraceJson.SerializeToString(trace)));
    }

    [Theory]
    [MemberData(nameof(ReadableCases))]
    public void GoBytes_ReadAndWrittenBack_AreTheSameBytes(string name)
    {
        var goBytes = GoldenFiles.GoBytes(name);

        AssertSameBytes(goBytes, TraceJson.SerializeToUtf8Bytes(TraceJson.Deserialize(goBytes)));
    }

    [Fact]
    public void GoNanoseconds_ReadAndWrittenBack_AreTruncatedTo100NanosecondsAsGoWritesThem()
    {
        var read = TraceJson.Deserialize(GoldenFiles.GoBytes(Nanoseconds));

        Assert.Equal(GoldenFiles.Trace(Nanoseconds).Spans, read.Spans);
        AssertSameBytes(GoldenFiles.GoBytes(Nanoseconds + "-truncated"), TraceJson.SerializeToUtf8Bytes(read));
    }

    [Fact]
    public void GoNilSpansAndNilSpanElements_Read_AreLeftOut()
    {
        Assert.Empty(TraceJson.Deserialize(GoldenFiles.GoBytes("nil-spans")).Spans);
        Assert.Equal(["a"], TraceJson.Deserialize(GoldenFiles.GoBytes("nil-span-elements")).Spans.Select(s => s.SpanId));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenTrace_Read_EqualsTheDescribedTrace(string name)
    {
        var described = GoldenFiles.Trace(name);
        var read = TraceJson.Deserialize(GoldenFiles.GoBytes(name));

        Assert.Equal((described.TraceId ?? string.Empty).Replace('\uD800', '\uFFFD'), read.TraceId.Replace('\uD800', '\uFFFD'));
        var spans = described.Spans?.Where(s => s is not null).ToArray() ?? [];
        Assert.Equal(spans.Length, read.Spans.Count);
        for (var i = 0; i < spans.Length; i++)
        {
            Assert.Equal(spans[i].StartTime, read.Spans[i].StartTime);
            Assert.Equal(spans[i].StartTime.Offset, read.Spans[i].StartTime.Offset);
            Assert.Equal(spans[i].EndTime.Offset, read.Spans[i].EndTime.Offset);
            Assert.Equal(spans[i].DurationMs, read.Spans[i].DurationMs);
            Assert.Equal(spans[i].Tags?.Count ?? 0, read.Spans[i].Tags?.Count ?? 0);
        }
    }

    internal static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        var common = expected.AsSpan().CommonPrefixLength(actual);
        if (common == expected.Length && common == actual.Length)
        {
            return;
        }

        string Around(byte[] bytes) => Encoding.UTF8.GetString(bytes.AsSpan(Math.Max(0, common - 60), Math.Min(bytes.Length, common + 60) - Math.Max(0, common - 60)));
        Assert.Fail($"The bytes differ at {common} (lengths {expected.Length} and {actual.Length}).\nGo:   {Around(expected)}\n.NET: {Around(actual)}");
    }
}
