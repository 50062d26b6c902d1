using System.Diagnostics;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>Waiting for deliveries in a benchmark: polled every millisecond, never forever.</summary>
internal static class BenchWait
{
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"The benchmark waited two minutes for {what}.");
            }

            await Task.Delay(1);
        }
    }
}
