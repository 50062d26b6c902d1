using System.Buffers;
using System.Text.Json;
using FlowTracker.Tests.Support;

namespace FlowTracker.Tests.Serialization;

public sealed class TraceJsonPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 0; seed < 300; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomTrace_RoundTripped_KeepsEveryFieldAndWritesTheSameBytes(int seed)
    {
        var original = RandomTraces.Create(seed);

        var bytes = TraceJson.SerializeToUtf8Bytes(original);
        var read = TraceJson.Deserialize(bytes);

        Assert.Equal(original.TraceId, read.TraceId);
        Assert.Equal(original.Spans.Count, read.Spans.Count);
        for (var i = 0; i < original.Spans.Count; i++)
        {
            var expected = original.Spans[i];
            var actual = read.Spans[i];
            Assert.Equal(expected with { Tags = null }, actual with { Tags = null });
            Assert.Equal(expected.Tags?.OrderBy(t => t.Key, StringComparer.Ordinal), actual.Tags?.OrderBy(t => t.Key, StringComparer.Ordinal));
        }

        Assert.Equal(bytes, TraceJson.SerializeToUtf8Bytes(read));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomTrace_WrittenIntoBufferWriter_EqualsTheByteArrayForm(int seed)
    {
        var trace = RandomTraces.Create(seed);
        var buffer = new ArrayBufferWriter<byte>(16);

        TraceJson.Serialize(buffer, trace);

        Assert.Equal(TraceJson.SerializeToUtf8Bytes(trace), buffer.WrittenSpan.ToArray());
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Fact]
    public void BufferWriter_ReusedAcrossCallsOnOneThread_AppendsEachTraceIntact()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var first = RandomTraces.Create(1);
        var second = RandomTraces.Create(2);

        TraceJson.Serialize(buffer, first);
        var firstLength = buffer.WrittenCount;
        TraceJson.Serialize(new ArrayBufferWriter<byte>(), RandomTraces.Create(3));
        TraceJson.Serialize(buffer, second);

        Assert.Equal(TraceJson.SerializeToUtf8Bytes(first), buffer.WrittenSpan[..firstLength].ToArray());
        Assert.Equal(TraceJson.SerializeToUtf8Bytes(second), buffer.WrittenSpan[firstLength..].ToArray());
    }
}
