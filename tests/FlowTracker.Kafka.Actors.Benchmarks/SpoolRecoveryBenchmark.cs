using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// A spool holding N traces from an earlier run (an exporter that stopped with every broker down): how soon a new
/// exporter on it starts sending (its first trace read back and handed to the stream, and its first delivery), and
/// how long it takes to send them all, against the raw Confluent loop sending as many traces to the same cluster in the
/// same process (once before the drain and once after, so that both meet the same machine): "at the broker's pace"
/// is that ratio.
/// </summary>
internal static class SpoolRecoveryBenchmark
{
    public static async Task RunAsync(int traces, Report report, TextWriter output)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("recovery", partitions: 6);
        var pool = BenchTraces.Create(1_000);
        using var system = ActorSystem.Create("bench-recovery", "akka.loglevel = ERROR");
        using var directory = new BenchDirectory("recovery");
        var options = BenchOptions.Defaults(cluster.BootstrapServers, "recovery");
        options.SpoolDirectory = directory.Path;
        options.SpoolMaxBytes = 4L << 30;
        options.ProducerConfig!["reconnect.backoff.max.ms"] = "500";

        cluster.SetAllBrokersDown();
        options.FlushTimeout = TimeSpan.FromSeconds(1);
        var first = KafkaTraceExporter.Start(system, options, "first");
        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < traces;)
        {
            // Paced by what the actor has written: the exporter's gate bounds its mailbox, not the spool.
            for (var end = Math.Min(traces, sent + 20_000); sent < end; sent++)
            {
                first.Export(pool[sent % pool.Length]);
            }

            await BenchWait.UntilAsync(() => first.Stats.Spooled + first.Stats.Dropped >= sent, "the spool to take the traces");
        }

        var left = await first.StopAsync(TimeSpan.FromMinutes(1));
        output.WriteLine($"  spool built in {clock.Elapsed.TotalSeconds:0.0} s: {left}");

        cluster.SetAllBrokersUp();
        cluster.CreateTopic("recovery-raw-before", partitions: 6);
        cluster.CreateTopic("recovery-raw-after", partitions: 6);
        var (rawBefore, _, _) = RawConfluentLoop.Run(cluster.BootstrapServers, "recovery-raw-before", pool, traces);
        output.WriteLine($"  raw loop before the drain: {traces / rawBefore.TotalSeconds:N0}/s");
        options.FlushTimeout = TimeSpan.FromMinutes(5);
        var probe = BenchProbe.Start();
        clock.Restart();
        var second = KafkaTraceExporter.Start(system, options, "second");
        var started = clock.Elapsed;
        await BenchWait.UntilAsync(() => second.Stats.Recovered > 0, "the first trace read back");
        var firstRead = clock.Elapsed;
        await BenchWait.UntilAsync(() => second.Stats.Delivered > 0, "the first delivery");
        var firstDelivered = clock.Elapsed;
        var final = await second.StopAsync(TimeSpan.FromMinutes(6));
        var all = clock.Elapsed;
        output.WriteLine($"  recovered: {final}");
        output.WriteLine($"    drain: {probe}");
        var (rawAfter, _, _) = RawConfluentLoop.Run(cluster.BootstrapServers, "recovery-raw-after", pool, traces);
        output.WriteLine($"  raw loop after the drain: {traces / rawAfter.TotalSeconds:N0}/s");
        var raw = (rawBefore + rawAfter) / 2;
        var drainRate = final.Delivered / all.TotalSeconds;
        var rawRate = traces / raw.TotalSeconds;
        report.Add(
            "spool recovery",
            string.Create(CultureInfo.InvariantCulture, $"{left.LeftInSpool:N0} traces left by an earlier run ({left.SpoolBytes / (1024.0 * 1024):N0} MiB)"),
            string.Create(
                CultureInfo.InvariantCulture,
                $"start returned after {started.TotalMilliseconds:N0} ms, first trace read back after {firstRead.TotalMilliseconds:N0} ms, first delivered after {firstDelivered.TotalMilliseconds:N0} ms"),
            "sending within 1 s");
        report.Add(
            "spool recovery",
            "all of them sent",
            string.Create(CultureInfo.InvariantCulture, $"{final.Delivered:N0} delivered of {final.Recovered:N0} recovered in {all.TotalSeconds:0.0} s ({drainRate:N0}/s)"),
            "every trace delivered");
        report.Add(
            "spool recovery",
            string.Create(CultureInfo.InvariantCulture, $"raw Confluent loop, {traces:N0} of the same traces, same cluster (mean of one run before the drain and one after)"),
            string.Create(CultureInfo.InvariantCulture, $"{rawRate:N0} traces/s ({traces / rawBefore.TotalSeconds:N0}/s before, {traces / rawAfter.TotalSeconds:N0}/s after)"),
            string.Empty);
        report.Add(
            "spool recovery",
            "drain / raw",
            (drainRate / rawRate).ToString("0.00", CultureInfo.InvariantCulture),
            "≥ 0.90 (at the broker's pace)");
    }
}
