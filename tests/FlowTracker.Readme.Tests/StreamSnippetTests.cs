using Akka.Actor;
using FlowTracker.Kafka.Actors;
using FlowTracker.Kafka.Testing;
using ReadmeSnippets;

namespace FlowTracker.Readme.Tests;

/// <summary>The README's stream example is not only compiled but run, against the embedded cluster, and does what its comments say.</summary>
public sealed class StreamSnippetTests
{
    [Fact]
    public async Task StreamSnippet_SinkAndFlow_DeliverEveryGoodTrace_TheFlowReportsTheBadOne()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("readme-stream", partitions: 2);
        using var system = ActorSystem.Create("readme-stream");
        var options = new KafkaExporterOptions
        {
            Topic = "readme-stream",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
        };
        var good = Enumerable.Range(0, 100).Select(i => new Trace { TraceId = $"t{i}", Spans = [new Span { SpanId = "s", Name = "GET /" }] });
        Trace[] traces = [.. good, new Trace { TraceId = "", Spans = [] }];

        var (sinkStats, flowStats, problems) = await StreamSnippet.RunAsync(system, options, traces).WaitAsync(TimeSpan.FromSeconds(60));
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, "readme-stream", expectedCount: 200);

        Assert.Equal((101L, 100L, 1L, 0L), (sinkStats.Exported, sinkStats.Delivered, sinkStats.Dropped, sinkStats.Pending));
        Assert.Equal((101L, 100L, 1L, 0L), (flowStats.Exported, flowStats.Delivered, flowStats.Dropped, flowStats.Pending));
        var problem = Assert.Single(problems);
        Assert.Equal((TraceOutcomeStatus.Dropped, DropReason.InvalidTrace), (problem.Status, problem.DropReason!.Value));
        Assert.Equal(200, records.Count);
    }
}
