using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>The spool while Kafka is away: traces wait on disk, not in memory, and what a stop could not send is sent by the next start.</summary>
public sealed class SpoolOutageTests : SpoolTestKit
{

    [FaultInjectionFact]
    public async Task FlushTimeoutRunsOut_UnconfirmedTracesStayInTheSpool_TheNextStartSendsThemFirst_OldestFirst()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("left", partitions: 1);
        cluster.SetAllBrokersDown();
        var first = KafkaTraceExporter.Start(Sys, Options(cluster, "left", TimeSpan.FromSeconds(1)), "first");
        first.ExportCheckouts("left", 500);

        var stopped = await first.StopAsync(Patience);

        Assert.Equal(500, stopped.LeftInSpool);
        Assert.Equal(0, stopped.Dropped + stopped.Delivered + stopped.Pending);
        Assert.True(stopped.IsConsistent, stopped.ToString());

        cluster.SetAllBrokersUp();
        var second = KafkaTraceExporter.Start(Sys, Options(cluster, "left", Patience), "second");
        second.ExportCheckouts("new", 100);
        var stats = await second.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, "left", expectedCount: 600);

        Assert.Equal(500, stats.Recovered);
        Assert.Equal(600, stats.Delivered);
        Assert.Equal(0, stats.LeftInSpool + stats.Dropped + stats.Failed);
        Assert.True(stats.IsConsistent, stats.ToString());

        // One partition: the topic's order is the sending order. What the first run left went first, oldest first.
        Assert.Equal(
            [.. Enumerable.Range(0, 500).Select(i => $"left-{i}"), .. Enumerable.Range(0, 100).Select(i => $"new-{i}")],
            records.Select(r => r.KeyText));
    }

    [FaultInjectionFact]
    public async Task OutageLongerThanMemory_TracesWaitOnDiskOnly_EveryOneDeliveredWhenBrokersReturn()
    {
        const int count = 20_000;
        const long memory = 1L << 20;
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("outage", partitions: 12);
        cluster.SetAllBrokersDown();
        var options = Options(cluster, "outage", Patience);
        options.SpoolMemoryBytes = memory;
        var exporter = KafkaTraceExporter.Start(Sys, options);

        exporter.ExportCheckouts("outage", count);
        await AwaitAssertAsync(() => Assert.Equal(count, exporter.Stats.Spooled), Patience);
        var during = exporter.Stats;
        cluster.SetAllBrokersUp();
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, "outage", expectedCount: count);

        // Memory held at most its budget (plus one record that went alone); the rest waited on disk, none was dropped.
        Assert.InRange(during.PendingBytes, 1, memory + 2_000);
        Assert.Equal(count, during.Pending);
        Assert.Equal(0, during.Dropped);
        Assert.Equal(count, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(count, records.Select(r => r.KeyText).Distinct().Count());
        Traces.AssertValuesAreTheirCheckouts(records);
    }

    [FaultInjectionFact]
    public async Task StopWhileRecoveringAndWithTracesOnDiskOnly_BrokersDown_ReturnsWithinTheFlushTimeout_AndLeavesEveryTraceInTheSpool()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("stop-bound", partitions: 3);
        cluster.SetAllBrokersDown();
        var flushTimeout = TimeSpan.FromSeconds(1);
        var first = KafkaTraceExporter.Start(Sys, Options(cluster, "stop-bound", flushTimeout), "first");
        first.ExportCheckouts("earlier", 5_000);

        // Written ahead before the stop: a trace the actor had not reached yet when the stop closed the spool is
        // counted as dropped (Shutdown), as it should be, and under a loaded suite that was once 1,763 of them.
        await AwaitAssertAsync(() => Assert.Equal(5_000, first.Stats.Spooled), Patience);
        Assert.Equal(5_000, (await first.StopAsync(Patience)).LeftInSpool);

        // The next run reads that back with the brokers still down, and what it accepts meanwhile waits on disk behind it.
        var options = Options(cluster, "stop-bound", flushTimeout);
        options.SpoolMemoryBytes = 256 * 1024;
        var second = KafkaTraceExporter.Start(Sys, options, "second");
        second.ExportCheckouts("later", 2_000);
        await AwaitAssertAsync(() => Assert.Equal(2_000, second.Stats.Spooled), Patience);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stats = await second.StopAsync(Patience);
        var elapsed = clock.Elapsed;

        Assert.True(elapsed < flushTimeout + TimeSpan.FromSeconds(2), $"the stop took {elapsed}");
        Assert.InRange(stats.Recovered, 1, 5_000);
        Assert.Equal(stats.Recovered + 2_000, stats.LeftInSpool);
        Assert.Equal(0, stats.Delivered + stats.Dropped + stats.Pending);
        Assert.True(stats.IsConsistent, stats.ToString());

        // Nothing was lost by either stop: a third run with the brokers back sends all 7,000, the earlier ones first.
        cluster.SetAllBrokersUp();
        var third = await KafkaTraceExporter.Start(Sys, Options(cluster, "stop-bound", Patience), "third").StopAsync(Patience);
        Assert.Equal(7_000, third.Recovered);
        Assert.Equal(7_000, third.Delivered);
    }

    private KafkaExporterOptions Options(EmbeddedKafkaCluster cluster, string topic, TimeSpan flushTimeout) =>
        ExporterOptions.For(cluster.BootstrapServers, topic, o =>
        {
            o.FlushTimeout = flushTimeout;
            o.SpoolDirectory = SpoolDirectory.Path;

            // Brokers that come back are found within half a second rather than librdkafka's default 10 s.
            o.ProducerConfig!["reconnect.backoff.max.ms"] = "500";
        });
}
