using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Hosting;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

public sealed class ExporterHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly KafkaExporterSettings Settings = new KafkaExporterOptions
    {
        Topic = "t",
        ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" },
        MaxBufferedTraces = 100,
        MaxBufferedBytes = 10_000,
    }.Validate();

    public static TheoryData<string, ExporterStats, bool, HealthStatus> Cases => new()
    {
        { "delivering", Stats(), false, HealthStatus.Healthy },
        { "brokers unreachable", Stats() with { BrokersUnreachable = true }, false, HealthStatus.Degraded },
        { "buffer 80% full by traces", Stats(pending: 80), false, HealthStatus.Degraded },
        { "buffer 79% full", Stats(pending: 79, pendingBytes: 7_900), false, HealthStatus.Healthy },
        { "buffer 80% full by bytes", Stats(pending: 1, pendingBytes: 8_000), false, HealthStatus.Degraded },
        { "restart 30 s ago", Stats() with { LastProducerRestart = Now.AddSeconds(-30) }, false, HealthStatus.Degraded },
        { "restart 2 min ago", Stats() with { LastProducerRestart = Now.AddMinutes(-2) }, false, HealthStatus.Healthy },
        { "producer beyond rebuilding", Stats() with { ProducerFailure = "restart budget spent" }, false, HealthStatus.Unhealthy },
        { "stopped", Stats(), true, HealthStatus.Unhealthy },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_StatusFollowsTheExportersState(string situation, ExporterStats stats, bool stopped, HealthStatus expected)
    {
        var result = ExporterHealth.Evaluate(stats, Settings, stopped, Now);

        Assert.True(expected == result.Status, $"{situation}: {result.Status} ({result.Description})");
        Assert.Equal(stats.Exported, result.Data["exported"]);
    }

    public static TheoryData<string, ExporterStats, HealthStatus> SpoolCases => new()
    {
        { "spool working, its memory full: what waits, waits on disk", Stats(pending: 100, pendingBytes: 10_000), HealthStatus.Healthy },
        { "spool 79% full", Stats() with { SpoolBytes = 79L << 20 }, HealthStatus.Healthy },
        { "spool 80% full", Stats() with { SpoolBytes = 80L << 20 }, HealthStatus.Degraded },
        { "spool not working", Stats() with { SpoolDegraded = "a commit failed: ENOSPC" }, HealthStatus.Degraded },
    };

    [Theory]
    [MemberData(nameof(SpoolCases))]
    public void Evaluate_WithTheSpoolOn_ItsRoomAndItsFailureCount_NotTheMemoryBuffer(string situation, ExporterStats stats, HealthStatus expected)
    {
        var settings = Settings with { Spool = new SpoolSettings("/spool", 100L << 20, TimeSpan.FromMilliseconds(100), 1L << 20) };

        var result = ExporterHealth.Evaluate(stats, settings, stopped: false, Now);

        Assert.True(expected == result.Status, $"{situation}: {result.Status} ({result.Description})");
        Assert.Equal(stats.SpoolBytes, result.Data["spool-bytes"]);
    }

    private static ExporterStats Stats(long pending = 0, long pendingBytes = 0) =>
        new(1_000, 1_000 - pending, new Dictionary<DropReason, long>(), new Dictionary<ErrorCode, long>(), pending, pendingBytes);
}
