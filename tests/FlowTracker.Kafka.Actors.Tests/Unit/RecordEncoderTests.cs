using System.Text;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>Issue 14: a trace over the record limit becomes parts that fit, each a valid trace of a run of its spans, in order.</summary>
public sealed class RecordEncoderTests
{
    private const int Limit = 4_000;

    [Theory]
    [InlineData(OversizedTraces.Split)]
    [InlineData(OversizedTraces.Truncate)]
    public void LargeTrace_SplitIntoPartsUnderTheLimit_EachGosBytesForItsRun_TogetherTheWholeTrace(OversizedTraces mode)
    {
        var trace = Trace("big", spans: 120);
        var encoder = new RecordEncoder(Limit, mode);

        Assert.True(encoder.TryEncode(trace, out var record, out var parts, out _, out _, out var truncated));

        Assert.Null(record);
        Assert.Equal(0, truncated);
        Assert.NotNull(parts);
        Assert.True(parts.Length > 1, $"{parts.Length} part(s)");
        var spansSoFar = 0;
        foreach (var part in parts)
        {
            Assert.InRange(part.ReservedBytes - OutgoingRecord.BookkeepingBytes, 1, Limit);
            Assert.Equal(part.Key.Length + part.Value.Length + RecordHeaders.Size + RecordHeaders.PartsSizeFor(parts.Length) + OutgoingRecord.BookkeepingBytes, part.ReservedBytes);
            var decoded = TraceJson.Deserialize(part.Value.Span);
            Assert.Equal("big", decoded.TraceId);
            Assert.Equal(Go(trace, spansSoFar, decoded.Spans!.Count), part.Value.ToArray());
            spansSoFar += decoded.Spans.Count;
        }

        Assert.Equal(trace.Spans!.Count, spansSoFar);
        Assert.Equal(Enumerable.Range(0, parts.Length), parts.Select(p => p.PartIndex));
        Assert.All(parts, p => Assert.Same(parts[0].Parts, p.Parts));
        Assert.Equal(parts.Sum(p => p.ReservedBytes), parts[0].Parts!.Bytes);
    }

    [Fact]
    public void PartHeaders_SayWhichPartOfHowMany_FromOne()
    {
        Assert.True(new RecordEncoder(Limit, OversizedTraces.Split).TryEncode(Trace("h", spans: 120), out _, out var parts, out _, out _, out _));

        Assert.NotNull(parts);
        var headers = parts.Select(p => RecordHeaders.For(p)).ToList();

        Assert.All(headers.Select((h, i) => (h, i)), x =>
        {
            Assert.Equal($"{x.i + 1}", Encoding.UTF8.GetString(x.h.GetLastBytes(RecordHeaders.PartName)));
            Assert.Equal($"{parts.Length}", Encoding.UTF8.GetString(x.h.GetLastBytes(RecordHeaders.PartsName)));
        });
    }

    [Fact]
    public void SmallTrace_OneRecord_WithoutPartHeaders()
    {
        Assert.True(new RecordEncoder(Limit, OversizedTraces.Split).TryEncode(Trace("small", spans: 3), out var record, out var parts, out _, out _, out _));

        Assert.Null(parts);
        Assert.Equal(Go(Trace("small", spans: 3), 0, 3), record!.Value.ToArray());
        Assert.False(RecordHeaders.For(record).TryGetLastBytes(RecordHeaders.PartName, out _));
    }

    [Fact]
    public void DropMode_LargeTrace_DroppedTooLarge()
    {
        Assert.False(new RecordEncoder(Limit, OversizedTraces.Drop).TryEncode(Trace("big", spans: 120), out _, out _, out var reason, out _, out _));

        Assert.Equal(DropReason.TooLarge, reason);
    }

    [Fact]
    public void SplitMode_OneSpanAloneOverTheLimit_TraceDroppedTooLarge()
    {
        var trace = WithHugeTag(Trace("huge", spans: 3), span: 1);

        Assert.False(new RecordEncoder(Limit, OversizedTraces.Split).TryEncode(trace, out _, out _, out var reason, out _, out _));

        Assert.Equal(DropReason.TooLarge, reason);
    }

    [Fact]
    public void TruncateMode_OneSpanAloneOverTheLimit_ItsLongestTagCutWithTheMarker_TraceSentWhole()
    {
        var trace = WithHugeTag(Trace("cut", spans: 3), span: 1);

        Assert.True(new RecordEncoder(Limit, OversizedTraces.Truncate).TryEncode(trace, out var record, out var parts, out _, out _, out var truncated));

        Assert.Equal(1, truncated);
        var sent = parts?.SelectMany(p => TraceJson.Deserialize(p.Value.Span).Spans!).ToList() ?? [.. TraceJson.Deserialize(record!.Value.Span).Spans!];
        Assert.Equal(3, sent.Count);
        var cut = sent[1].Tags!["payload"];
        Assert.EndsWith(RecordEncoder.TruncationMarker, cut, StringComparison.Ordinal);
        Assert.StartsWith("xxxx", cut, StringComparison.Ordinal);
        Assert.Equal(trace.Spans![1].Tags!["db"], sent[1].Tags!["db"]);
        Assert.Equal(trace.Spans[0].Tags, sent[0].Tags);
        Assert.Equal(trace.Spans[2].Tags, sent[2].Tags);
    }

    [Fact]
    public void TruncateMode_TraceFitsOneRecordOnceCut_SentWholeWithoutPartHeaders()
    {
        var trace = WithHugeTag(Trace("one", spans: 1), span: 0);

        Assert.True(new RecordEncoder(Limit, OversizedTraces.Truncate).TryEncode(trace, out var record, out var parts, out _, out _, out var truncated));

        Assert.Equal(1, truncated);
        Assert.Null(parts);
        Assert.NotNull(record);
        Assert.Null(record.Parts);
        Assert.InRange(record.ReservedBytes - OutgoingRecord.BookkeepingBytes, 1, Limit);
        Assert.EndsWith(RecordEncoder.TruncationMarker, TraceJson.Deserialize(record.Value.Span).Spans![0].Tags!["payload"], StringComparison.Ordinal);
    }

    [Fact]
    public void TruncateMode_SpanTooLargeWithoutTags_TraceDroppedTooLarge()
    {
        var trace = new Trace { TraceId = "name", Spans = [new Span { SpanId = "s", Name = new string('n', Limit) }] };

        Assert.False(new RecordEncoder(Limit, OversizedTraces.Truncate).TryEncode(trace, out _, out _, out var reason, out _, out _));

        Assert.Equal(DropReason.TooLarge, reason);
    }

    [Theory]
    [InlineData(4_000, 10)]
    [InlineData(10, 4_000)]
    [InlineData(4_000, 4_000)]
    public void TruncateMode_SpanTooLargeWithTagsThatCannotHelp_TraceDroppedTooLarge(int nameLength, int tagLength)
    {
        var trace = new Trace { TraceId = "hopeless", Spans = [new Span { SpanId = "s", Name = new string('n', nameLength), Tags = new Dictionary<string, string> { [new string('k', tagLength)] = "v" } }] };

        Assert.False(new RecordEncoder(Limit, OversizedTraces.Truncate).TryEncode(trace, out _, out _, out var reason, out var error, out _));

        Assert.Equal((DropReason.TooLarge, null), (reason, error));
    }

    [Fact]
    public void EncodingIntoTheReusedBuffer_ManyTraces_EachRecordItsOwnBytes()
    {
        var encoder = new RecordEncoder(1_000_000, OversizedTraces.Split);

        var values = Enumerable.Range(0, 50).Select(i => { encoder.TryEncode(Trace($"t{i}", spans: 1 + (i % 7)), out var r, out _, out _, out _, out _); return r!.Value; }).ToList();

        Assert.All(values.Select((v, i) => (v, i)), x => Assert.Equal(Go(Trace($"t{x.i}", spans: 1 + (x.i % 7)), 0, 1 + (x.i % 7)), x.v.ToArray()));
    }

    private static byte[] Go(Trace trace, int start, int count)
    {
        // What Go writes for the same trace holding only that run of spans.
        return TraceJson.SerializeToUtf8Bytes(trace with { Spans = [.. trace.Spans!.Skip(start).Take(count)] });
    }

    private static Trace WithHugeTag(Trace trace, int span)
    {
        var spans = trace.Spans!.ToArray();
        spans[span] = spans[span] with { Tags = new Dictionary<string, string> { ["db"] = "orders", ["payload"] = new string('x', 3 * Limit) } };
        return trace with { Spans = spans };
    }

    private static Trace Trace(string id, int spans)
    {
        var start = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        return new Trace
        {
            TraceId = id,
            Spans = [.. Enumerable.Range(0, spans).Select(i => new Span
            {
                SpanId = $"{id}-{i}",
                ParentId = i == 0 ? null : $"{id}-0",
                Name = $"step {i} <&>",
                StartTime = start.AddMilliseconds(i),
                EndTime = start.AddMilliseconds(i + 3),
                DurationMs = 3,
                Tags = new Dictionary<string, string> { ["url"] = $"/api/orders?id={i}&x=1", ["é"] = "😀" },
            })],
        };
    }
}
