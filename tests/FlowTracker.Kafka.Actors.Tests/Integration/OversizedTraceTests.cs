using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit2;
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
