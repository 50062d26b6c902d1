using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// N traces through Export → actor → stream → a 3-broker embedded cluster, timed until the last delivery
/// report, against a hand-written loop that serializes each trace and calls Confluent's Produce with a
/// delivery handler. Each round runs both, in alternating order, each from a collected heap and with its timed window
/// starting once .NET's background compiler is idle (<see cref="BenchWait.UntilJitQuiet"/>); the reported ratio is
/// the median of the rounds' own ratios.
/// With <c>spool</c>, the exporter writes every trace ahead to a spool of its own (default spool settings: what
/// exceeds its 8 MiB of memory waits on disk and is read back), in a fresh directory each round.
/// </summary>
internal static class EndToEndBenchmark
{
    private const int WarmUpRounds = 2;

    public static async Task RunAsync(int traces, int rounds, Report report, TextWriter output, bool spool = false)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        var data = BenchTraces.Create(traces);
        var exporterTimes = new List<TimeSpan>();
        var rawTimes = new List<TimeSpan>();
        var ratios = new List<double>();
        var exporterAllocations = new List<double>();
        var rawAllocations = new List<double>();
        using var system = ActorSystem.Create("bench-e2e", "akka.loglevel = WARNING");
        // The first rounds warm the JIT, the allocator and the cluster for both, and are not counted. Two of them: the raw
        // loop is one small method, hot after one round, but the exporter's start, stop and spool run once a round, and
        // .NET's tiered compilation was still recompiling them during the first counted rounds.
        for (var round = 1 - WarmUpRounds; round <= rounds; round++)
        {
            // Each run writes to a topic of its own, with the same partitions, so neither inherits the other's load.
            var exporterTopic = $"e2e-exporter-{round + WarmUpRounds}";
            var rawTopic = $"e2e-raw-{round + WarmUpRounds}";
            cluster.CreateTopic(exporterTopic, partitions: 6);
            cluster.CreateTopic(rawTopic, partitions: 6);

            // Which goes first alternates: the second of a round meets what the first left (its producer's teardown,
            // the cluster's new segments, the garbage), so each side goes second as often as the other.
            TimeSpan exporterTime = default, rawTime = default;
            double exporterBytes = 0, rawBytes = 0;
            foreach (var exporterTurn in round % 2 == 0 ? [true, false] : new[] { false, true })
            {
                // Each side starts from a collected heap, so neither pays for the other's garbage.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var probe = BenchProbe.Start();
                if (exporterTurn)
                {
                    (exporterTime, exporterBytes, var compiled) = await ExporterAsync(system, cluster.BootstrapServers, exporterTopic, data, round + WarmUpRounds, spool);
                    output.WriteLine($"    exporter: {probe}; {compiled} methods compiled in its timed window");
                }
                else
                {
                    (rawTime, rawBytes, var compiled) = RawConfluentLoop.Run(cluster.BootstrapServers, rawTopic, data, data.Length);
                    output.WriteLine($"    raw loop: {probe}; {compiled} methods compiled in its timed window");
                }
            }

            var roundRatio = rawTime.TotalSeconds / exporterTime.TotalSeconds;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {(round <= 0 ? "warm-up" : $"round {round}")}: exporter {Rate(traces, exporterTime):N0}/s ({exporterBytes:N0} B allocated a trace), raw loop {Rate(traces, rawTime):N0}/s ({rawBytes:N0} B), exporter / raw {roundRatio:0.00}"));
            if (round > 0)
            {
                exporterTimes.Add(exporterTime);
                rawTimes.Add(rawTime);
                ratios.Add(roundRatio);
                exporterAllocations.Add(exporterBytes);
                rawAllocations.Add(rawBytes);
            }
        }

        var exporter = Median(exporterTimes);
        var raw = Median(rawTimes);

        // The ratio is the median of each round's own ratio, not the ratio of the two medians: both sides of a round meet
        // the same machine, while the machine (and the cluster, which keeps every round's topics) drifts from round to
        // round by more than the difference measured, and unpaired medians mix rounds.
        var ratio = ratios.Order().ElementAt(ratios.Count / 2);
        var section = spool ? "end to end, spool on" : "end to end";
        report.Add(section, $"exporter{(spool ? " with its spool" : string.Empty)}, {traces:N0} traces (median of {rounds})", $"{Rate(traces, exporter):N0} traces/s ({exporter.TotalMilliseconds:N0} ms)");
        report.Add(section, "raw Confluent loop", $"{Rate(traces, raw):N0} traces/s ({raw.TotalMilliseconds:N0} ms)");
        report.Add(
            section,
            $"exporter / raw (median of the {rounds} rounds' own ratios)",
            string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00} (rounds {ratios.Min():0.00} to {ratios.Max():0.00}; ratio of the medians above {raw.TotalSeconds / exporter.TotalSeconds:0.00})"),
            spool ? "≥ 0.70" : "≥ 1.00");
        // Confluent.Kafka's public Produce takes an exact-size key and value array per record (librdkafka copies
        // them), and a Message, Headers and report of its own: the raw loop's allocations are that floor. The
        // exporter's own share (the mailbox envelope, the span snapshot, the record) is what the target bounds.
        var average = data.Average(t => TraceJson.SerializeToUtf8Bytes(t).Length);
        var exporterMedian = exporterAllocations.Order().ElementAt(exporterAllocations.Count / 2);
        var rawMedian = rawAllocations.Order().ElementAt(rawAllocations.Count / 2);
        report.Add(section, "raw loop, bytes allocated a delivered trace (all threads)", $"{rawMedian:N0} B (record value {average:N0} B)");
        report.Add(section, "exporter, bytes allocated a delivered trace (all threads)", $"{exporterMedian:N0} B (raw {(exporterMedian >= rawMedian ? "+" : "−")} {Math.Abs(exporterMedian - rawMedian):N0} B)", spool ? string.Empty : "≤ raw + 512 B");
    }

    private static async Task<(TimeSpan Elapsed, double BytesPerTrace, int Compiled)> ExporterAsync(ActorSystem system, string bootstrap, string topic, Trace[] data, int round, bool spool)
    {
        // The buffer holds the whole burst: this measures throughput, not the drop policy.
        var options = BenchOptions.HoldingAll(bootstrap, topic, data.Length);
        using var directory = spool ? new BenchDirectory($"e2e-{round}") : null;
        options.SpoolDirectory = directory?.Path;
        var exporter = KafkaTraceExporter.Start(system, options, $"exporter-{round}");

        // Warm up: connection, metadata and producer id are not part of the measurement.
        exporter.Export(data[0]);
        await BenchWait.UntilAsync(() => exporter.Stats.Delivered == 1, "the warm-up delivery");
        BenchWait.UntilJitQuiet();
        var compiled = JitInfo.GetCompiledMethodCount();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        foreach (var trace in data)
        {
            exporter.Export(trace);
        }

        // One snapshot a look (every millisecond), as the raw loop reads its counters once a look.
        await BenchWait.UntilAsync(() => exporter.Stats is var now && now.Delivered + now.Dropped + now.Failed == data.Length + 1, "the exporter's deliveries");
        var elapsed = clock.Elapsed;
        compiled = JitInfo.GetCompiledMethodCount() - compiled;
        var perTrace = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)data.Length;
        var stats = await exporter.StopAsync(TimeSpan.FromSeconds(60));
        if (stats.Delivered != data.Length + 1)
        {
            throw new InvalidOperationException($"The exporter did not deliver every trace: {stats}");
        }

        return (elapsed, perTrace, (int)compiled);
    }

    private static double Rate(int traces, TimeSpan elapsed) => traces / elapsed.TotalSeconds;

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}
