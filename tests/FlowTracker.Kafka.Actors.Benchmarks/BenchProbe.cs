using System.Diagnostics;
using System.Globalization;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// The process's CPU time and garbage collections over a stretch of a benchmark: on 2 shared cores a rate follows the
/// CPU it costs, and a ratio that moves says more next to these than alone.
/// </summary>
internal readonly record struct BenchProbe(TimeSpan Cpu, TimeSpan Paused, int Gen0, int Gen1, int Gen2, long Started)
{
    public static BenchProbe Start() =>
        new(Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), Stopwatch.GetTimestamp());

    /// <summary>Wall time, CPU time, GC pauses and collections (generations 0/1/2) since <see cref="Start"/>.</summary>
    public override string ToString()
    {
        var now = Start();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"wall {Stopwatch.GetElapsedTime(Started).TotalMilliseconds:N0} ms, CPU {(now.Cpu - Cpu).TotalMilliseconds:N0} ms, GC paused {(now.Paused - Paused).TotalMilliseconds:N0} ms, collections {now.Gen0 - Gen0}/{now.Gen1 - Gen1}/{now.Gen2 - Gen2}");
    }
}
