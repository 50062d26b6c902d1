using System.Diagnostics;
using System.Globalization;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>What one timed run cost the whole process: CPU per trace (every thread) and garbage-collection pauses.</summary>
internal readonly record struct RunCost(double CpuMicrosecondsPerTrace, double PauseMilliseconds)
{
    public static Started Start() => new(Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalPauseDuration());

    public static double Median(List<RunCost> costs, Func<RunCost, double> of) => costs.Select(of).Order().ElementAt(costs.Count / 2);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{CpuMicrosecondsPerTrace:0.0} µs CPU a trace, {PauseMilliseconds:N0} ms in GC pauses");

    /// <summary>The counters at the start of a run.</summary>
    public readonly record struct Started(TimeSpan Cpu, TimeSpan Paused)
    {
        public RunCost Stop(int traces) => new(
            (Process.GetCurrentProcess().TotalProcessorTime - Cpu).TotalMicroseconds / traces,
            (GC.GetTotalPauseDuration() - Paused).TotalMilliseconds);
    }
}
