using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// What one <c>Export</c> call costs its caller: latency percentiles and bytes allocated per call, with the
/// brokers up and with every broker down (where the buffer fills and then drops).
/// </summary>
internal static class CallerCostBenchmark
{
    public static async Task RunAsync(int calls, Report report, TextWriter output)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("caller-up", partitions: 6);
        cluster.CreateTopic("caller-down", partitions: 6);
        var data = BenchTraces.Create(calls);
        using var system = ActorSystem.Create("bench-caller", "akka.loglevel = WARNING");

        var up = KafkaTraceExporter.Start(system, BenchOptions.Defaults(cluster.BootstrapServers, "caller-up"), "caller-up");
        await WarmAsync(up, data);
        Measure("brokers up", up, data, report, output);

        var down = KafkaTraceExporter.Start(system, BenchOptions.Defaults(cluster.BootstrapServers, "caller-down"), "caller-down");
        await WarmAsync(down, data);
        cluster.SetAllBrokersDown();
        Measure("all brokers down", down, data, report, output);
        cluster.SetAllBrokersUp();
        await Task.WhenAll(up.StopAsync(TimeSpan.FromSeconds(60)), down.StopAsync(TimeSpan.FromSeconds(60)));
    }

    private static void Measure(string situation, KafkaTraceExporter exporter, Trace[] data, Report report, TextWriter output)
    {
        var ticks = new long[data.Length];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < data.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            exporter.Export(data[i]);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)data.Length;
        Array.Sort(ticks);
        double Percentile(double p) => ticks[Math.Min(ticks.Length - 1, (int)(p * ticks.Length))] * 1_000_000_000.0 / Stopwatch.Frequency;
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"p50 {Percentile(0.50):N0} ns, p99 {Percentile(0.99):N0} ns, p99.9 {Percentile(0.999):N0} ns, max {Percentile(1):N0} ns, {allocated:N0} B/call");
        output.WriteLine($"  Export, {situation}: {line} ({exporter.Stats})");
        report.Add("Export (caller)", $"{situation}, {data.Length:N0} calls", line, "p50 ≤ 1 µs, p99 ≤ 5 µs");
    }

    private static async Task WarmAsync(KafkaTraceExporter exporter, Trace[] data)
    {
        // JIT, the actor's first message and the producer's connection are not the caller's steady cost.
        for (var i = 0; i < 1_000; i++)
        {
            exporter.Export(data[i % data.Length]);
        }

        await BenchWait.UntilAsync(() => exporter.Stats.Delivered >= 1_000, "the warm-up deliveries");
    }
}
