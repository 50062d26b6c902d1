using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using FlowTracker.Serialization;
using FlowTracker.Tests.Support;

namespace FlowTracker.Tests.Serialization;

// The encodings an exporter uses to pack a large trace's spans into records under a byte limit.
public sealed class TraceEncoderTests
{
    [Fact]
    public void AnyTrace_EncodedWithSpanEnds_IsTheWholeEncodingAndEachSpanLiesBetweenItsBounds()
    {
        GoTraces.Trace.Sample(
            trace =>
            {
                var buffer = new ArrayBufferWriter<byte>();
                var ends = new int[trace.Spans.Count + 3];

                var length = TraceEncoder.EncodeWithSpanEnds(buffer, trace, ends, out var spansStart);

                var bytes = buffer.WrittenSpan.ToArray();
                Assert.Equal(TraceJson.SerializeToUtf8Bytes(trace), bytes);
                Assert.Equal(bytes.Length, length);
                Assert.Equal("]}"u8.ToArray(), bytes[^2..]);
                for (var i = 0; i < trace.Spans.Count; i++)
                {
                    var start = i == 0 ? spansStart : ends[i - 1] + 1;
                    Assert.Equal(i == trace.Spans.Count - 1 ? bytes.Length - 2 : ends[i], ends[i]);
                    Assert.Equal((byte)(i == trace.Spans.Count - 1 ? ']' : ','), bytes[ends[i]]);
                    Assert.Equal(SpanAlone(trace, i), bytes[start..ends[i]]);
                }
            },
            iter: 200);
    }

    [Fact]
    public void AnyRangeOfSpans_Encoded_IsTheTraceWithThoseSpansAndTheWholeEncodingCutAtTheBounds()
    {
        Gen.Select(GoTraces.Trace, Gen.Int[0, 100], Gen.Int[0, 100]).Sample(
            (trace, a, b) =>
            {
                var start = a % (trace.Spans.Count + 1);
                var count = b % (trace.Spans.Count - start + 1);
                var whole = new ArrayBufferWriter<byte>();
                var ends = new int[trace.Spans.Count];
                TraceEncoder.EncodeWithSpanEnds(whole, trace, ends, out var spansStart);
                var range = new ArrayBufferWriter<byte>();

                var length = TraceEncoder.EncodeSpans(range, trace, start, count);

                var subset = trace with { Spans = trace.Spans.Skip(start).Take(count).ToArray() };
                Assert.Equal(GoReference.Trace(subset), range.WrittenSpan.ToArray());
                Assert.Equal(range.WrittenCount, length);
                var cut = count == 0
                    ? whole.WrittenSpan[..spansStart].ToArray().Concat("]}"u8.ToArray())
                    : whole.WrittenSpan[..spansStart].ToArray()
                        .Concat(whole.WrittenSpan[(start == 0 ? spansStart : ends[start - 1] + 1)..ends[start + count - 1]].ToArray())
                        .Concat("]}"u8.ToArray());
                Assert.Equal(cut, range.WrittenSpan.ToArray());
            },
            iter: 200);
    }

    [Fact]
    public void GoldenTrace_SpanRanges_AreGosBytesForTheTraceWithThoseSpans()
    {
        var trace = GoldenFiles.Trace("checkout");
        var buffer = new ArrayBufferWriter<byte>();

        TraceEncoder.EncodeSpans(buffer, trace, 1, 3);

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        Assert.Equal(["53995c3f42cd8ad8", "a2fb4a1d1a96d312", "b7ad6b7169203331"], document.RootElement.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("span_id").GetString()));
        Assert.StartsWith("""{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[{"span_id":"53995c3f42cd8ad8",""", Encoding.UTF8.GetString(buffer.WrittenSpan), StringComparison.Ordinal);
    }

    [Fact]
    public void NullSpans_EncodedWithSpanEnds_AreGosNilSliceWithNoSpansStart()
    {
        var buffer = new ArrayBufferWriter<byte>();

        TraceEncoder.EncodeWithSpanEnds(buffer, new Trace { TraceId = "t", Spans = null! }, [], out var spansStart);

        Assert.Equal(-1, spansStart);
        Assert.Equal("""{"trace_id":"t","spans":null}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void BadArguments_Encoded_Throw()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span(), new Span()] };
        var buffer = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentOutOfRangeException>(() => TraceEncoder.EncodeSpans(buffer, trace, 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TraceEncoder.EncodeSpans(buffer, trace, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TraceEncoder.EncodeSpans(buffer, trace, 3, 0));
        Assert.Throws<ArgumentException>(() => TraceEncoder.EncodeSpans(buffer, trace with { Spans = null! }, 0, 0));
        Assert.Throws<ArgumentException>(() => TraceEncoder.EncodeWithSpanEnds(buffer, trace, new int[1], out _));
        Assert.Equal(0, buffer.WrittenCount);
    }

    // Deterministic, not timed: the allocation counter of this thread over many encodes.
    [Theory]
    [InlineData("checkout")]
    [InlineData("tag-keys-utf8-order")]
    [InlineData("escaping-classes")]
    [InlineData("long-strings")]
    public void GoldenTrace_EncodedIntoAReusedBuffer_AllocatesNothing(string name)
    {
        var trace = GoldenFiles.Trace(name);
        var buffer = new ArrayBufferWriter<byte>();
        var ends = new int[trace.Spans.Count];
        void EncodeAllWays()
        {
            buffer.ResetWrittenCount();
            TraceJson.Serialize(buffer, trace);
            TraceEncoder.EncodeSpans(buffer, trace, 1, trace.Spans.Count - 1);
            TraceEncoder.EncodeWithSpanEnds(buffer, trace, ends, out _);
        }

        EncodeAllWays();

        // Something the runtime does once on this thread (a method's tier-up, under load in CI: 3,184 B in one run of
        // 200 calls) is not the encoder's; an allocation per call shows in every attempt. The least of five attempts.
        var least = long.MaxValue;
        for (var attempt = 0; attempt < 5 && least > 0; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                EncodeAllWays();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
    }

    private static byte[] SpanAlone(Trace trace, int index)
    {
        var buffer = new ArrayBufferWriter<byte>();
        TraceEncoder.EncodeSpans(buffer, trace, index, 1);
        var header = new ArrayBufferWriter<byte>();
        TraceEncoder.EncodeSpans(header, trace, 0, 0);
        return buffer.WrittenSpan[(header.WrittenCount - 2)..^2].ToArray();
    }
}
