using System.Text;
using CsCheck;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// Every record the encoder makes is within max-message-bytes as librdkafka counts it at Produce (key, value, headers with
/// their varint lengths, and 36 B of framing): a record over it is refused there (MsgSizeTooLarge), and a split trace
/// refused part by part reached the topic in pieces.
/// </summary>
public sealed class RecordEncoderLimitTests
{
    /// <summary>Characters that cost 1 to 6 bytes once written: plain, escaped as \u00XX or \u2028, two- and four-byte UTF-8.</summary>
    private static readonly string[] Pieces = ["a", "z", "<", "&", "\u0001", "\"", "é", "😀", "\u2028", "\u007f"];

    private static readonly Gen<string> Text = Gen.Int[0, Pieces.Length - 1].Array[0, 300].Select(ix => string.Concat(ix.Select(i => Pieces[i])));

    private static readonly Gen<Span> SpanGen =
        Gen.Select(Gen.Int[0, 99_999], Text, Gen.Int[0, 3].SelectMany(n => Gen.Select(Text, Text).Array[n, n]), (id, name, tags) => new Span
        {
            SpanId = $"s{id}",
            Name = name,
            StartTime = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
            Tags = tags.GroupBy(t => t.Item1, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal),
        });

    private static readonly Gen<Trace> TraceGen = Gen.Select(Gen.Int[1, 9_999], SpanGen.Array[1, 60], (id, spans) => new Trace { TraceId = $"trace-{id}", Spans = spans });

    [Fact]
    public void AnyTraceAndLimit_EveryRecordWithinTheLimitAsLibrdkafkaCountsIt_PartsHoldEverySpanInOrder()
    {
        Gen.Select(TraceGen, Gen.Int[1_000, 12_000]).Sample(
            sample =>
            {
                var (trace, limit) = sample;
                var encoder = new RecordEncoder(limit, OversizedTraces.Split);
                if (!encoder.TryEncode(trace, out var record, out var parts, out var reason, out _, out _))
                {
                    // Only a span that alone cannot fit a part drops the trace.
                    Assert.Equal(DropReason.TooLarge, reason);
                    Assert.Contains(trace.Spans, s => RecordHeaders.LibrdkafkaFraming + TraceJson.SerializeToUtf8Bytes(trace with { Spans = [s] }).Length > limit - 200);
                    return;
                }

                var records = record is null ? parts! : [record];
                Assert.All(records, r => Assert.InRange(RecordHeaders.WireSize(r), 1, limit));
                var sent = records.SelectMany(r => TraceJson.Deserialize(r.Value.Span).Spans!).ToList();
                Assert.Equal(TraceJson.SerializeToUtf8Bytes(trace), TraceJson.SerializeToUtf8Bytes(trace with { Spans = sent }));
            },
            iter: 2_000);
    }

    [Fact]
    public void OneSpanTraceAtTheLimit_SentWhole_OneByteOver_Split()
    {
        // The limit that exactly holds this trace as one record, found from its wire size.
        var trace = new Trace { TraceId = "edge", Spans = [new Span { SpanId = "a", Name = new string('x', 900) }, new Span { SpanId = "b", Name = "y" }] };
        var exact = RecordHeaders.Size + Encoding.UTF8.GetByteCount(trace.TraceId) + TraceJson.SerializeToUtf8Bytes(trace).Length;

        Assert.True(new RecordEncoder(exact, OversizedTraces.Split).TryEncode(trace, out var whole, out _, out _, out _, out _));
        Assert.Equal(exact, RecordHeaders.WireSize(whole!));

        Assert.True(new RecordEncoder(exact - 1, OversizedTraces.Split).TryEncode(trace, out var none, out var parts, out _, out _, out _));
        Assert.Null(none);
        Assert.Equal(2, parts!.Length);
        Assert.All(parts, p => Assert.InRange(RecordHeaders.WireSize(p), 1, exact - 1));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(99, 2)]
    [InlineData(100, 3)]
    [InlineData(999, 3)]
    [InlineData(1_000, 4)]
    [InlineData(1_000_000, 7)]
    [InlineData(int.MaxValue, 10)]
    public void PartCount_DigitsAsWrittenInItsHeader(int parts, int digits)
    {
        Assert.Equal(digits, RecordHeaders.Digits(parts));
        Assert.Equal(parts.ToString(System.Globalization.CultureInfo.InvariantCulture).Length, RecordHeaders.Digits(parts));
    }

    [Fact]
    public void SplitTrace_PartHeadersCountedAtTheirDigits_APartThatFitsWithThemIsSent()
    {
        // Two spans: the first alone, with the part headers "1" and "2", exactly at the limit.
        var trace = new Trace { TraceId = "digits", Spans = [new Span { SpanId = "a", Name = "" }, new Span { SpanId = "b", Name = "y" }] };
        var first = trace with { Spans = [trace.Spans[0]] };
        var limit = 3_000;
        var padding = limit - (RecordHeaders.Size + RecordHeaders.PartsSizeFor(2) + Encoding.UTF8.GetByteCount(trace.TraceId) + TraceJson.SerializeToUtf8Bytes(first).Length);
        trace = trace with { Spans = [new Span { SpanId = "a", Name = new string('x', padding) }, trace.Spans[1]] };

        Assert.True(new RecordEncoder(limit, OversizedTraces.Split).TryEncode(trace, out _, out var parts, out _, out _, out _));

        Assert.Equal(2, parts!.Length);
        Assert.Equal(limit, RecordHeaders.WireSize(parts[0]));
    }

    [Theory]
    [InlineData("😀")]
    [InlineData("\u0001")]
    [InlineData("<")]
    [InlineData("é")]
    [InlineData("a")]
    public void TruncateMode_TagOfWideCharacters_CutToTheMostThatFits_NotToTheMarkerAlone(string character)
    {
        const int Limit = 2_000;
        var original = string.Concat(Enumerable.Repeat(character, 2_000));
        var trace = new Trace { TraceId = "wide", Spans = [new Span { SpanId = "s", Name = "n", Tags = new Dictionary<string, string> { ["payload"] = original } }] };

        Assert.True(new RecordEncoder(Limit, OversizedTraces.Truncate).TryEncode(trace, out var record, out _, out _, out _, out var truncated));

        Assert.Equal(1, truncated);
        var cut = TraceJson.Deserialize(record!.Value.Span).Spans![0].Tags!["payload"];
        Assert.EndsWith(RecordEncoder.TruncationMarker, cut, StringComparison.Ordinal);
        Assert.StartsWith(cut[..^RecordEncoder.TruncationMarker.Length], original, StringComparison.Ordinal);

        // Less than one more character is left unused: 6 bytes at most once escaped.
        Assert.InRange(RecordHeaders.WireSize(record), Limit - 6, Limit);
    }
}
