using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using FlowTracker.Serialization;
using FlowTracker.Tests.Support;

namespace FlowTracker.Tests.Serialization;

// Any trace the model can hold, against GoReference's rune-by-rune statement of Go's rules.
public sealed class TraceEncoderPropertyTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void AnyString_Written_IsGosEscapingOfItsGoString()
    {
        GoTraces.NullableText.Sample(text =>
        {
            var buffer = new ArrayBufferWriter<byte>(1);
            var output = new Utf8Output(buffer);
            GoString.Write(ref output, text);
            output.Flush();

            Assert.Equal(GoReference.Quote(text), buffer.WrittenSpan.ToArray());
        });
    }

    [Fact]
    public void AnyTwoKeys_Compared_AreInTheOrderOfTheirUtf8Bytes()
    {
        Gen.Select(GoTraces.NullableText, GoTraces.NullableText).Sample((a, b) =>
        {
            Assert.Equal(Math.Sign(GoReference.CompareKeys(a, b)), Math.Sign(GoKeyOrder.Compare(a, b)));
            Assert.Equal(Math.Sign(GoReference.CompareKeys(b, a)), Math.Sign(GoKeyOrder.Compare(b, a)));
        });
    }

    [Fact]
    public void AnyTime_Written_IsGosRfc3339Nano()
    {
        GoTraces.Time.Sample(time =>
        {
            Span<byte> buffer = stackalloc byte[GoTime.MaxQuotedLength];
            var written = GoTime.WriteQuoted(time, buffer);

            Assert.Equal($"\"{GoReference.Time(time)}\"", Encoding.ASCII.GetString(buffer[..written]));
        });
    }

    [Fact]
    public void AnyTrace_Written_IsWhatTheReferenceWrites()
    {
        GoTraces.Trace.Sample(trace => Assert.Equal(GoReference.Trace(trace), TraceJson.SerializeToUtf8Bytes(trace)), iter: 300);
    }

    [Fact]
    public void AnyTrace_Written_IsStrictUtf8JsonThatReadsBackIntoTheSameBytes()
    {
        GoTraces.Trace.Sample(
            trace =>
            {
                var bytes = TraceJson.SerializeToUtf8Bytes(trace);

                StrictUtf8.GetString(bytes);
                using (JsonDocument.Parse(bytes))
                {
                }

                var read = TraceJson.Deserialize(bytes);
                Assert.Equal(trace.Spans.Count, read.Spans.Count);
                Assert.Equal(bytes, TraceJson.SerializeToUtf8Bytes(read));
            },
            iter: 300);
    }

    [Fact]
    public void AnyTrace_WrittenIntoASmallOrReusedBuffer_IsTheSameBytes()
    {
        // Sample runs on several threads: a buffer reused by each.
        using var buffers = new ThreadLocal<ArrayBufferWriter<byte>>(() => new ArrayBufferWriter<byte>());
        GoTraces.Trace.Sample(
            trace =>
            {
                var expected = TraceJson.SerializeToUtf8Bytes(trace);
                var small = new ArrayBufferWriter<byte>(1);
                var reused = buffers.Value!;
                reused.ResetWrittenCount();

                TraceJson.Serialize(small, trace);
                TraceJson.Serialize(reused, trace);

                Assert.Equal(expected, small.WrittenSpan.ToArray());
                Assert.Equal(expected, reused.WrittenSpan.ToArray());
            },
            iter: 200);
    }
}
