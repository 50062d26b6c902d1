using Akka.TestKit.Xunit2;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>With every broker down nothing settles, so the buffer's bounds are exact and observable.</summary>
public sealed class BufferLimitTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [FaultInjectionFact]
    public async Task TraceLimitReached_WhileKafkaIsDown_ExcessDroppedAsBufferFull_RestDeliveredWhenBack()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("buffer-traces");
        var exporter = KafkaTraceExporter.Start(Sys, Options(cluster, "buffer-traces", o => o.MaxBufferedTraces = 100));
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        cluster.SetAllBrokersDown();

        exporter.ExportCheckouts("t", 150);

        var during = exporter.Stats;
        Assert.Equal(50, during.DroppedByReason[DropReason.BufferFull]);
        Assert.Equal(100, during.Pending);
        Assert.True(during.IsConsistent, during.ToString());

        cluster.SetAllBrokersUp();
        var final = await exporter.StopAsync(Patience);
        Assert.Equal(100, final.Delivered);
        Assert.Equal(50, final.Dropped);
        Assert.True(final.IsConsistent, final.ToString());
    }

    [FaultInjectionFact]
    public async Task ByteLimitReached_WhileKafkaIsDown_ExcessDroppedAsBufferFull()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("buffer-bytes");
        var recordSize = TraceJson.SerializeToUtf8Bytes(Traces.Checkout("t-00")).Length + 4 + 28 + OutgoingRecord.BookkeepingBytes;
        var exporter = KafkaTraceExporter.Start(Sys, Options(cluster, "buffer-bytes", o => o.MaxBufferedBytes = (3 * recordSize) + (recordSize / 2)));
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        cluster.SetAllBrokersDown();

        for (var i = 0; i < 10; i++)
        {
            exporter.Export(Traces.Checkout($"t-0{i}"));
        }

        await AwaitAssertAsync(() => Assert.Equal(7, exporter.Stats.DroppedByReason[DropReason.BufferFull]), Patience);
        Assert.Equal(3, exporter.Stats.Pending);
        cluster.SetAllBrokersUp();
        var final = await exporter.StopAsync(Patience);
        Assert.Equal(3, final.Delivered);
        Assert.Equal(0, final.PendingBytes);
        Assert.True(final.IsConsistent, final.ToString());
    }

    private static KafkaExporterOptions Options(EmbeddedKafkaCluster cluster, string topic, Action<KafkaExporterOptions> configure) =>
        ExporterOptions.For(cluster.BootstrapServers, topic, configure);
}
