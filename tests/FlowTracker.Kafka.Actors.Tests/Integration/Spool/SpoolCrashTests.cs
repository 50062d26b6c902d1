using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;
using Xunit.Abstractions;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// A real process exporting under load with every broker down is killed by SIGKILL at a random moment; an exporter
/// started on its spool afterwards sends every trace the dead one had made durable, which is every trace it had
/// accepted more than one commit interval plus one commit's own time before the kill.
/// </summary>
/// <remarks>
/// A commit starts every interval and covers what was appended before it; it takes its own time to reach the disk (a
/// few milliseconds on a quiet disk, up to about 100 ms measured on this shared 2-core machine under load). The test
/// allows <see cref="CommitTime"/> for it, and prints the lag it saw.
/// </remarks>
public sealed class SpoolCrashTests(ITestOutputHelper output) : SpoolTestKit
{
    private const int PerSecond = 10_000;

    /// <summary>What one commit may take here, on top of the interval, before what it covers is durable.</summary>
    private static readonly TimeSpan CommitTime = TimeSpan.FromMilliseconds(400);

    [FaultInjectionFact]
    public async Task ExportingProcessKilledBySigkill_NextStartSendsEveryTraceItMadeDurable_AllAcceptedAnIntervalAndACommitBeforeTheKill()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);

        // The embedded broker keeps about 5 MB per partition: room for what the child exports in 3 s.
        cluster.CreateTopic("crash", partitions: 16);
        cluster.SetAllBrokersDown();
        var reports = new ConcurrentQueue<(TimeSpan At, long Accepted, long Committed)>();
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt;
        using (var child = SpoolChild.Start(SpoolChild.Export, cluster.BootstrapServers, "crash", SpoolDirectory.Path, PerSecond.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.Equal("started", child.StandardOutput.ReadLine());
            var reading = Task.Run(() => Read(child, clock, reports));

            // A random moment once the child is exporting: a loaded machine once started it so slowly that the kill came
            // before it had accepted anything.
            var exporting = Stopwatch.StartNew();
            while (!reports.Any(r => r.Accepted > 0) && !reading.IsCompleted && exporting.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(10);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1_000, 2_500)));
            killedAt = clock.Elapsed;
            child.Kill(); // SIGKILL on Linux: no finalizer, no Dispose, no flush.
            await child.WaitForExitAsync();
            await reading;
        }

        // A report read back by then was written at least that long before the kill: what it counted was accepted earlier still.
        long AcceptedBefore(TimeSpan before) => reports.Where(r => r.At <= killedAt - before).Select(r => r.Accepted).DefaultIfEmpty(0).Max();
        var byTime = AcceptedBefore(SpoolChild.ExporterCommitInterval + CommitTime);
        var byCommit = reports.Select(r => r.Committed).DefaultIfEmpty(0).Max();
        output.WriteLine($"killed {killedAt.TotalMilliseconds:0} ms after the start; accepted {AcceptedBefore(TimeSpan.Zero)}, "
            + $"{AcceptedBefore(SpoolChild.ExporterCommitInterval)} more than a commit interval before the kill, {byTime} more than an interval and {CommitTime.TotalMilliseconds:0} ms, "
            + $"{byCommit} reported committed");
        Assert.True(byTime > 0, "the child accepted nothing before it was killed");
        output.WriteLine($"durability lag (from a report counting a trace accepted to the first counting it committed): {DurabilityLag(reports)}");

        cluster.SetAllBrokersUp();
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(cluster.BootstrapServers, "crash", o =>
        {
            o.SpoolDirectory = SpoolDirectory.Path;
            o.FlushTimeout = Patience;
        }));
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, "crash", expectedCount: (int)stats.Delivered);
        var delivered = records.Select(r => r.KeyText!).ToHashSet();

        output.WriteLine(stats.ToString());
        var missing = Enumerable.Range(0, (int)Math.Max(byTime, byCommit)).Where(i => !delivered.Contains($"crash-{i}")).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} missing, from crash-{missing.FirstOrDefault()} to crash-{missing.LastOrDefault()}; {delivered.Count} delivered; {stats}");
        Traces.AssertValuesAreTheirCheckouts(records);
        Assert.Equal(stats.Recovered, stats.Delivered);
        Assert.Equal(0, stats.SpoolCorrupt);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    /// <summary>How long traces waited for the commit that made them durable, as the reports saw it: median and max.</summary>
    private static string DurabilityLag(IEnumerable<(TimeSpan At, long Accepted, long Committed)> reports)
    {
        var all = reports.ToList();
        var lags = all.Where(r => r.Committed > 0)
            .Select(r => r.At - all.First(a => a.Accepted >= r.Committed).At)
            .GroupBy(l => l).Select(g => g.Key).Order().ToList();
        return lags.Count == 0 ? "none" : $"median {lags[lags.Count / 2].TotalMilliseconds:0} ms, max {lags[^1].TotalMilliseconds:0} ms";
    }

    private static void Read(Process child, Stopwatch clock, ConcurrentQueue<(TimeSpan, long, long)> reports)
    {
        while (child.StandardOutput.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts is ["accepted", var accepted, "committed", var committed])
            {
                reports.Enqueue((clock.Elapsed, long.Parse(accepted, CultureInfo.InvariantCulture), long.Parse(committed, CultureInfo.InvariantCulture)));
            }
        }
    }
}
