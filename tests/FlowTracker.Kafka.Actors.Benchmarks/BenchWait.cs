using System.Diagnostics;
using System.Runtime;

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

    /// <summary>
    /// Until .NET's background compiler has been idle for <see cref="JitQuietFor"/> (within 5 s), before a timed window
    /// starts. Each round starts a new exporter (or producer), and the start's code tiers up in the background a little
    /// later: without this wait, 65 to 114 of the exporter's methods were compiled inside its timed window in some rounds
    /// (on the second of 2 cores, which the cluster and librdkafka need), and about 100 just after its warm-up delivery.
    /// An application starts its exporter once.
    /// </summary>
    public static void UntilJitQuiet()
    {
        var clock = Stopwatch.StartNew();
        var last = JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(JitQuietFor);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == last)
            {
                return;
            }

            last = now;
        }
    }

    /// <summary>How long the compiler must have compiled nothing: more than .NET's 100 ms call-counting delay.</summary>
    private static readonly TimeSpan JitQuietFor = TimeSpan.FromMilliseconds(250);
}
