using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// Every broker down while traces keep coming at a fixed rate, with default settings: memory must stay
/// bounded (the buffer fills, then traces are dropped and counted), and once the brokers are back every
/// trace must be accounted for.
/// </summary>
internal static class OutageMemoryBenchmark
{
    public static async Task RunAsync(TimeSpan outage, int perSecond, Report report, TextWriter output)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("outage", partitions: 6);
        var pool = BenchTraces.Create(1_000);
        using var system = ActorSystem.Create("bench-outage", "akka.loglevel = ERROR");
        var options = BenchOptions.Defaults(cluster.BootstrapServers, "outage");
        options.ProducerConfig!["reconnect.backoff.max.ms"] = "1000";
        var exporter = KafkaTraceExporter.Start(system, options);
        exporter.Export(pool[0]);
        await BenchWait.UntilAsync(() => exporter.Stats.Delivered == 1, "the first delivery");

        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        var peak = baseline;
        cluster.SetAllBrokersDown();
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        var lastSample = TimeSpan.Zero;
        while (clock.Elapsed < outage)
        {
            // Keep to the rate whatever the timer's slips: send what the elapsed time calls for.
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                exporter.Export(pool[sent % pool.Length]);
            }

            if (clock.Elapsed - lastSample >= TimeSpan.FromMilliseconds(100))
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                lastSample = clock.Elapsed;
            }

            await Task.Delay(5);
        }

        var during = exporter.Stats;
        cluster.SetAllBrokersUp();
        var final = await exporter.StopAsync(TimeSpan.FromMinutes(2));
        var mib = 1024.0 * 1024;
        output.WriteLine($"  outage of {outage.TotalSeconds:0} s at {perSecond:N0}/s: during {during}; after {final}");
        report.Add(
            "memory under outage",
            string.Create(CultureInfo.InvariantCulture, $"all brokers down {outage.TotalSeconds:0} s, {perSecond:N0} traces/s offered"),
            string.Create(CultureInfo.InvariantCulture, $"peak working set {peak / mib:N0} MiB (baseline before the outage {baseline / mib:N0} MiB)"),
            "< 256 MiB");
        report.Add(
            "memory under outage",
            "accounting after the brokers returned",
            $"exported {final.Exported:N0} = delivered {final.Delivered:N0} + dropped {final.Dropped:N0} + failed {final.Failed:N0} + pending {final.Pending:N0}: {(final.IsConsistent && final.Pending == 0 ? "every trace accounted" : "NOT CONSISTENT")}",
            "every trace accounted");
    }
}
