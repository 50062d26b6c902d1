using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;
using Microsoft.Extensions.Hosting;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// CoordinatedShutdown flushes, whichever way shutdown comes. Each test owns its actor system, since
/// shutting it down is the point.
/// </summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class ShutdownTests(KafkaClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FiftyThousandTracesThenCoordinatedShutdownRun_AllOnTheTopic_AndLaterExportsDroppedAsShutdown()
    {
        const int count = 50_000;

        // The embedded broker keeps about 5 MB per partition: 32 partitions hold 50,000 traces of ~1 KB.
        var topic = await fixture.NewTopicAsync("shutdown-run", partitions: 32);
        using var system = ActorSystem.Create("shutdown-run");

        // A budget that holds the whole burst: this is about the flush, not the drop policy. The default 64 MiB holds
        // about 34,000 of these once each counts its bookkeeping, and a loaded machine (CI) drains slower than it exports.
        var options = Options(topic);
        options.MaxBufferedBytes = 256L << 20;
        var exporter = KafkaTraceExporter.Start(system, options);
        exporter.ExportCheckouts("flush", count);

        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(Patience);
        exporter.Export(Traces.Checkout("too-late"));
        var stats = exporter.Stats;
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: count);

        Assert.Equal(count, stats.Delivered);
        Assert.Equal(1, stats.DroppedByReason[DropReason.Shutdown]);
        Assert.Equal(0, stats.Pending);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(count, records.Select(r => r.KeyText).Distinct().Count());
    }

    [Fact]
    public async Task ActorSystemTerminate_FlushesBeforeTheSystemGoes()
    {
        var topic = await fixture.NewTopicAsync("shutdown-terminate", partitions: 4);
        var system = ActorSystem.Create("shutdown-terminate");
        var exporter = KafkaTraceExporter.Start(system, Options(topic));
        exporter.ExportCheckouts("terminate", 5_000);

        await system.Terminate().WaitAsync(Patience);

        Assert.Equal(5_000, exporter.Stats.Delivered);
        Assert.True(exporter.Stats.IsConsistent, exporter.Stats.ToString());
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: 5_000);
        Assert.Equal(5_000, records.Count);
    }

    [Fact]
    public async Task GenericHostStopping_FlushesThroughAkkaHosting()
    {
        var topic = await fixture.NewTopicAsync("shutdown-host", partitions: 4);
        KafkaTraceExporter? exporter = null;
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("shutdown-host", (builder, _) =>
                builder.WithActors((system, _) => exporter = KafkaTraceExporter.Start(system, Options(topic)))))
            .Build();
        await host.StartAsync();
        exporter!.ExportCheckouts("host", 5_000);

        await host.StopAsync().WaitAsync(Patience);

        Assert.Equal(5_000, exporter!.Stats.Delivered);
        Assert.True(exporter.Stats.IsConsistent, exporter.Stats.ToString());
    }

    [FaultInjectionFact]
    public async Task EveryBrokerDownAtShutdown_ReturnsWithinFlushTimeoutPlusTwoSeconds_AndCountsTheUndeliveredExactly()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("shutdown-down", partitions: 3);
        using var system = ActorSystem.Create("shutdown-down");
        var flushTimeout = TimeSpan.FromSeconds(2);
        var options = Options("shutdown-down", cluster.BootstrapServers);
        options.FlushTimeout = flushTimeout;
        var exporter = KafkaTraceExporter.Start(system, options);
        cluster.SetAllBrokersDown();
        exporter.ExportCheckouts("stranded", 500);

        var clock = Stopwatch.StartNew();
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(Patience);
        var elapsed = clock.Elapsed;
        var stats = exporter.Stats;

        Assert.True(elapsed < flushTimeout + TimeSpan.FromSeconds(2), $"shutdown took {elapsed}");
        Assert.Equal(500, stats.DroppedByReason[DropReason.Shutdown]);
        Assert.Equal(0, stats.Delivered);
        Assert.Equal(0, stats.Pending);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task Start_RaisesTheShutdownPhaseTimeoutToCoverTheFlush()
    {
        using var system = ActorSystem.Create("phase-timeout");
        var shutdown = CoordinatedShutdown.Get(system);
        var options = Options("phase-timeout");
        options.FlushTimeout = TimeSpan.FromSeconds(20);
        options.ShutdownPhase = CoordinatedShutdown.PhaseBeforeActorSystemTerminate;
        var before = shutdown.Timeout(options.ShutdownPhase);

        KafkaTraceExporter.Start(system, options);

        Assert.True(before < options.FlushTimeout, $"the default phase timeout {before} already covers the flush");
        Assert.True(shutdown.Timeout(options.ShutdownPhase) >= options.FlushTimeout, shutdown.Timeout(options.ShutdownPhase).ToString());
        await system.Terminate().WaitAsync(Patience);
    }

    [Fact]
    public async Task UnknownShutdownPhase_StartFails_NamingTheOptionAndValue()
    {
        using var system = ActorSystem.Create("unknown-phase");
        var options = Options("unknown-phase");
        options.ShutdownPhase = "after-the-party";

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Start(system, options));

        Assert.Contains("ShutdownPhase = 'after-the-party'", error.Message, StringComparison.Ordinal);
        await system.Terminate().WaitAsync(Patience);
    }

    private KafkaExporterOptions Options(string topic, string? bootstrapServers = null) =>
        ExporterOptions.For(bootstrapServers ?? fixture.Cluster.BootstrapServers, topic);
}
