using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// Every broker down while traces keep coming at a fixed rate, with default settings: memory must stay
/// bounded (the buffer fills, then traces are dropped and counted), and once the brokers are back every
/// trace must be accounted for. With <c>spool</c> (its default settings, max-bytes raised to hold the whole
/// outage), traces wait on disk instead: memory stays near the baseline, none is dropped, and every one is
/// delivered once the brokers are back.
/// </summary>
internal static class OutageMemoryBenchmark
{
    public static async Task RunAsync(TimeSpan outage, int perSecond, Report report, TextWriter output, bool spool = false)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("outage", partitions: 6);
        var pool = BenchTraces.Create(1_000);
        using var system = ActorSystem.Create("bench-outage", "akka.loglevel = ERROR");
        var options = BenchOptions.Defaults(cluster.BootstrapServers, "outage");
        options.ProducerConfig!["reconnect.backoff.max.ms"] = "1000";
        using var directory = spool ? new BenchDirectory("outage") : null;
        if (directory is not null)
        {
            options.SpoolDirectory = directory.Path;
            options.SpoolMaxBytes = 4L << 30;
            options.FlushTimeout = TimeSpan.FromMinutes(5);
        }

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
        var back = Stopwatch.StartNew();
        var final = await exporter.StopAsync(TimeSpan.FromMinutes(6));
        var mib = 1024.0 * 1024;
        output.WriteLine($"  outage of {outage.TotalSeconds:0} s at {perSecond:N0}/s: during {during}; after {final} ({back.Elapsed.TotalSeconds:0.0} s after the brokers returned)");
        if (spool)
        {
            report.Add(
                "memory under outage, spool on",
                string.Create(CultureInfo.InvariantCulture, $"all brokers down {outage.TotalSeconds:0} s, {perSecond:N0} traces/s offered"),
                string.Create(CultureInfo.InvariantCulture, $"peak working set {peak / mib:N0} MiB, {(peak - baseline) / mib:N0} MiB above the baseline before the outage ({baseline / mib:N0} MiB); spool {during.SpoolBytes / mib:N0} MiB on disk"),
                "≤ 64 MiB above the baseline");
            report.Add(
                "memory under outage, spool on",
                "after the brokers returned",
                $"exported {final.Exported:N0}: delivered {final.Delivered:N0}, dropped {final.Dropped:N0}, failed {final.Failed:N0}, left in spool {final.LeftInSpool:N0}, in {back.Elapsed.TotalSeconds:0.0} s",
                "every trace delivered");
            return;
        }

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
