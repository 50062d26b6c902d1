using Akka.TestKit.Xunit2;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>An exporter whose actor fails to start still ends: its traces are counted and its stop is bounded.</summary>
public sealed class FailedStartTests : TestKit
{
    [Fact]
    public async Task ActorSpawnedFromPropsFailsToStart_TracesCountedAsShutdown_StopReturnsAtOnce()
    {
        // No broker is needed: the actor fails in its start, before any producer exists.
        var exporter = KafkaTraceExporter.Create(ExporterOptions.For("127.0.0.1:1", "failed-start", o => o.ShutdownPhase = "no-such-phase"));
        var actor = Sys.ActorOf(exporter.Props, "failing-exporter");
        Watch(actor);
        exporter.ExportCheckouts("never", 10);
        ExpectTerminated(actor, TimeSpan.FromSeconds(10));

        var stats = await exporter.StopAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, stats.Pending);
        Assert.Equal(stats.Exported, stats.DroppedByReason[DropReason.Shutdown]);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task PropsSpawnedTwice_TheSecondActorFailsToStart_TheFirstKeepsTheExporter()
    {
        var exporter = KafkaTraceExporter.Create(ExporterOptions.For("127.0.0.1:1", "spawned-twice", o => o.FlushTimeout = TimeSpan.FromMilliseconds(200)));
        var first = Sys.ActorOf(exporter.Props, "first");
        await AwaitAssertAsync(() => Assert.Equal(first, exporter.Actor));
        var second = Sys.ActorOf(exporter.Props, "second");
        Watch(second);

        ExpectTerminated(second, TimeSpan.FromSeconds(10));
        Watch(first);
        var stats = await exporter.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(first, exporter.Actor);
        ExpectTerminated(first, TimeSpan.FromSeconds(10));
        Assert.Equal(0, stats.Pending);
    }

    [Fact]
    public async Task StartWithAnUnknownPhase_Throws_AndTheExporterEndsWithNothingLeftBehind()
    {
        var exporter = KafkaTraceExporter.Create(ExporterOptions.For("127.0.0.1:1", "failed-start", o => o.ShutdownPhase = "no-such-phase"));

        Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Start(Sys, ExporterOptions.For("127.0.0.1:1", "failed-start", o => o.ShutdownPhase = "no-such-phase")));
        var stats = await exporter.StopAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, stats.Pending);
    }
}
