using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// 100,000 traces handed over, then CoordinatedShutdown at once: how long the flush takes, and how many
/// arrive. The buffer is sized to hold them all (the default 64 MiB holds about 50,000 such traces):
/// this measures the flush, not the drop policy.
/// </summary>
internal static class ShutdownFlushBenchmark
{
    public static async Task RunAsync(int traces, Report report, TextWriter output)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("shutdown", partitions: 6);
        var data = BenchTraces.Create(traces);
        var system = ActorSystem.Create("bench-shutdown", "akka.loglevel = WARNING");
        var exporter = KafkaTraceExporter.Start(system, BenchOptions.HoldingAll(cluster.BootstrapServers, "shutdown", traces));
        foreach (var trace in data)
        {
            exporter.Export(trace);
        }

        var pending = exporter.Stats.Pending;
        var clock = Stopwatch.StartNew();
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        var elapsed = clock.Elapsed;
        var stats = exporter.Stats;
        output.WriteLine($"  shutdown with {pending:N0} pending: {elapsed.TotalMilliseconds:N0} ms, {stats}");
        report.Add(
            "shutdown flush",
            $"{traces:N0} traces exported, then CoordinatedShutdown.Run ({pending:N0} still pending; buffer sized to hold them)",
            string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMilliseconds:N0} ms, delivered {stats.Delivered:N0} of {stats.Exported:N0}"),
            "all delivered");
    }
}
