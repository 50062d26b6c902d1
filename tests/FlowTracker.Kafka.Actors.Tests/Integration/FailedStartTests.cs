using Akka.TestKit.Xunit2;
using FlowTracker.Kafka.Actors.Diagnostics;

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
    public async Task StartWithAnUnknownPhase_Throws_AndTheExporterEndsWithNothingLeftBehind()
    {
        var exporter = KafkaTraceExporter.Create(ExporterOptions.For("127.0.0.1:1", "failed-start", o => o.ShutdownPhase = "no-such-phase"));

        Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Start(Sys, ExporterOptions.For("127.0.0.1:1", "failed-start", o => o.ShutdownPhase = "no-such-phase")));
        var stats = await exporter.StopAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, stats.Pending);
    }
}
