using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit2;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Issue 14: a trace too large for one record is split into parts under the same key, each a valid trace with part
/// headers, and a consumer merging them by trace id gets exactly the original back; each trace is still one outcome.
/// </summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class OversizedTraceTests(KafkaClusterFixture fixture) : TestKit
{
    private const int Limit = 6_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Exporter_LargeTracesSplit_PartsMergedByTraceIdGiveTheOriginalBack_CountedOncePerTrace()
    {
        var topic = await fixture.NewTopicAsync("oversized-exporter", partitions: 4);
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => o.MaxMessageBytes = Limit));
        var traces = Enumerable.Range(0, 40).Select(i => Traces.Checkout($"big-{i}", spans: i % 2 == 0 ? 150 : 5)).ToList();
        traces.ForEach(exporter.Export);

        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: (int)(20 + stats.SplitParts));

        Assert.Equal((40L, 40L, 0L), (stats.Exported, stats.Delivered, stats.Pending));
        Assert.Equal(20, stats.SplitTraces);
        Assert.True(stats.SplitParts > 40, stats.ToString());
        Assert.Equal(20 + stats.SplitParts, records.Count);
        Assert.All(records, r => Assert.InRange(r.Value!.Length, 1, Limit));
        AssertReassembled(traces, records);
    }

    [Fact]
    public async Task Exporter_LimitFromMessageMaxBytes_TracesAtAndAroundIt_AllDelivered_NoneRefusedByLibrdkafka()
    {
        // Left at auto, the limit is librdkafka's own, which counts 36 B of framing and each header's varint lengths:
        // records packed to the limit without them were refused at Produce, and 28 of these 30 split traces were dropped
        // (TooLarge) with hundreds of their parts already on the topic.
        var topic = await fixture.NewTopicAsync("oversized-auto", partitions: 3);
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => o.ProducerConfig!["message.max.bytes"] = "5000"));
        var random = new Random(7);
        var traces = Enumerable.Range(0, 30).Select(k => new Trace
        {
            TraceId = $"edge-{k}",
            Spans = [.. Enumerable.Range(0, 400).Select(i => new Span { SpanId = $"s{i}", Name = "n", Tags = new Dictionary<string, string> { ["v"] = new string('x', random.Next(1, 60)) } })],
        }).ToList();

        // Traces whose one record would weigh 4,950 to 5,010 bytes as librdkafka counts them: sent whole up to the limit, split past it.
        traces.AddRange(Enumerable.Range(4_950, 61).Select(size => AtWireSize($"w-{size}", size)));
        traces.ForEach(exporter.Export);

        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: (int)(traces.Count - stats.SplitTraces + stats.SplitParts));

        Assert.Equal((91L, 91L, 0L, 0L), (stats.Exported, stats.Delivered, stats.Dropped, stats.Failed));
        Assert.Equal(30 + 10, stats.SplitTraces);
        AssertReassembled(traces, records);
    }

    [Fact]
    public async Task Exporter_SplitTracesWithFewerTracesBufferedThanParts_EveryPartSent_NoneDroppedBufferFull()
    {
        // max-buffered-traces counts traces; the buffer between the actor and the sink once counted records, and refused
        // a split trace's later parts (BufferFull) after its first ones were sent.
        var topic = await fixture.NewTopicAsync("oversized-buffered");
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => (o.MaxMessageBytes, o.MaxBufferedTraces) = (Limit, 15)));
        var traces = Enumerable.Range(0, 10).Select(i => Traces.Checkout($"buffered-{i}", spans: 150)).ToList();
        traces.ForEach(exporter.Export);

        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: (int)stats.SplitParts);

        Assert.True(stats.SplitParts > 15 * 2, stats.ToString());
        Assert.Equal((10L, 10L, 0L), (stats.Exported, stats.Delivered, stats.Dropped));
        AssertReassembled(traces, records);
    }

    [Fact]
    public async Task Flow_SplitTrace_OneOutcomePerTrace_PlacedAtItsFirstPart()
    {
        var topic = await fixture.NewTopicAsync("oversized-flow");
        var traces = Enumerable.Range(0, 10).Select(i => Traces.Checkout($"flow-big-{i}", spans: 150)).ToList();

        var (stats, outcomes) = Source.From(traces)
            .ViaMaterialized(KafkaTraceProducer.Flow(ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => o.MaxMessageBytes = Limit)), Keep.Right)
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(Sys.Materializer());
        var final = await stats.WaitAsync(Patience);
        var emitted = await outcomes.WaitAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: (int)final.SplitParts);

        Assert.Equal(10, emitted.Count);
        Assert.All(emitted, o => Assert.Equal(TraceOutcomeStatus.Delivered, o.Status));
        Assert.All(emitted, o => Assert.Contains(records, r => r.KeyText == o.TraceId && r.Header("flowtracker.part") == "1" && (r.Partition, r.Offset) == (o.Partition, o.Offset)));
        Assert.Equal((10L, 10L, 10L), (final.Delivered, final.SplitTraces, final.Exported));
        AssertReassembled(traces, records);
    }

    /// <summary>A two-span trace whose one record is <paramref name="wireSize"/> bytes as librdkafka counts it.</summary>
    private static Trace AtWireSize(string id, int wireSize)
    {
        var trace = new Trace { TraceId = id, Spans = [new Span { SpanId = "a", Name = "" }, new Span { SpanId = "b", Name = "y" }] };
        var padding = wireSize - (RecordHeaders.Size + System.Text.Encoding.UTF8.GetByteCount(id) + TraceJson.SerializeToUtf8Bytes(trace).Length);
        return trace with { Spans = [new Span { SpanId = "a", Name = new string('x', padding) }, trace.Spans[1]] };
    }

    /// <summary>What a consumer does: group by key, order by the part header, concatenate the spans.</summary>
    private static void AssertReassembled(IReadOnlyList<Trace> traces, IReadOnlyList<KafkaRecord> records)
    {
        var byId = records.GroupBy(r => r.KeyText!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(traces.Count, byId.Count);
        foreach (var trace in traces)
        {
            var parts = byId[trace.TraceId];
            if (parts.Count > 1)
            {
                Assert.All(parts, p => Assert.Equal($"{parts.Count}", p.Header("flowtracker.parts")));
                parts = [.. parts.OrderBy(p => int.Parse(p.Header("flowtracker.part")!, System.Globalization.CultureInfo.InvariantCulture))];
                Assert.Equal(Enumerable.Range(1, parts.Count).Select(i => $"{i}"), parts.Select(p => p.Header("flowtracker.part")));
            }

            var merged = trace with { Spans = [.. parts.SelectMany(p => TraceJson.Deserialize(p.Value!).Spans!)] };
            Assert.Equal(TraceJson.SerializeToString(trace), TraceJson.SerializeToString(merged));
        }
    }
}
