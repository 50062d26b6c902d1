using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>Kafka misbehaving, not failing: the exporter rides it out without restarting anything.</summary>
public sealed class OutageTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [FaultInjectionFact]
    public async Task AllBrokersDownForSecondsUnderLoad_EveryTraceDeliveredWhenTheyReturn()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("outage", partitions: 6);
        var exporter = KafkaTraceExporter.Start(Sys, Options(cluster, "outage"));
        exporter.ExportCheckouts("before", 1_000);

        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered > 0), Patience);
        cluster.SetAllBrokersDown();
        exporter.ExportCheckouts("during", 4_000);

        // The outage itself: several seconds with every broker gone, under load.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var duringOutage = exporter.Stats;
        cluster.SetAllBrokersUp();
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, "outage", expectedCount: 5_000);

        Assert.True(duringOutage.Pending > 0, duringOutage.ToString());
        Assert.Equal(5_000, stats.Delivered);
        Assert.Equal(0, stats.ProducerRestarts);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(5_000, records.Select(r => r.KeyText).Distinct().Count());
    }

    [FaultInjectionFact]
    public async Task EveryLeaderMovesUnderLoad_NothingLostAndNothingRestarted()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("leader-change", partitions: 3);
        var exporter = KafkaTraceExporter.Start(Sys, Options(cluster, "leader-change"));
        exporter.ExportCheckouts("leader", 1_000);

        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered > 0), Patience);

        // The old leaders answer NOT_LEADER_FOR_PARTITION from now on; the client must find the new ones.
        for (var partition = 0; partition < 3; partition++)
        {
            cluster.SetPartitionLeader("leader-change", partition, (partition % 3) + 1);
        }

        exporter.ExportCheckouts("leader", 2_000, first: 1_000);

        var stats = await exporter.StopAsync(Patience);

        Assert.Equal(3_000, stats.Delivered);
        Assert.Equal(0, stats.ProducerRestarts);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [FaultInjectionFact]
    public async Task RecordsReachingMessageTimeout_FailedWithReasonTimeout_AndCounted()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("timeouts");
        cluster.SetAllBrokersDown();
        var exporter = KafkaTraceExporter.Start(Sys, Options(cluster, "timeouts", messageTimeoutMs: "1000"));

        exporter.ExportCheckouts("late", 50);

        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        var stats = exporter.Stats;
        Assert.Equal(50, stats.FailedByError[ErrorCode.Local_MsgTimedOut]);
        Assert.Equal(0, stats.ProducerRestarts);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [FaultInjectionFact]
    public async Task SlowBroker_ExportNeverWaitsForIt_AndNothingIsLost()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("slow", partitions: 3);
        for (var broker = 1; broker <= cluster.BrokerCount; broker++)
        {
            cluster.SetBrokerRoundTripTime(broker, TimeSpan.FromMilliseconds(500));
        }

        var exporter = KafkaTraceExporter.Start(Sys, Options(cluster, "slow"));
        exporter.ExportCheckouts("slow", 5_000);

        // Connecting, metadata, producer id and a produce round trip each take 500 ms: had Export
        // waited for Kafka at any point, something would have been delivered by now.
        var afterExporting = exporter.Stats;
        var stats = await exporter.StopAsync(Patience);

        Assert.Equal(0, afterExporting.Delivered);
        Assert.Equal(5_000, afterExporting.Exported);
        Assert.Equal(5_000, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    private static KafkaExporterOptions Options(EmbeddedKafkaCluster cluster, string topic, string? messageTimeoutMs = null) =>
        ExporterOptions.For(cluster.BootstrapServers, topic, o =>
        {
            o.FlushTimeout = Patience;

            // Brokers that come back are found within half a second rather than librdkafka's default 10 s.
            o.ProducerConfig!["reconnect.backoff.max.ms"] = "500";
            if (messageTimeoutMs is not null)
            {
                o.ProducerConfig["message.timeout.ms"] = messageTimeoutMs;
            }
        });
}
