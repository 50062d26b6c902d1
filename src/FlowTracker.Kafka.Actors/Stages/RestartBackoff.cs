using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// Decides whether a dead producer may be rebuilt and after how long. Restarts are counted in a sliding
/// window, so a producer that fails once a day is always rebuilt quickly, while one that keeps failing
/// backs off exponentially and then gives the decision to the exporter actor's parent.
/// </summary>
/// <remarks>
/// One per exporter, not per stream: a stream that gave up is followed (under Akka's default supervision,
/// restart) by a new one, which must not get a fresh budget. While the budget is spent, each new stream waits
/// <see cref="RestartBackoffSettings.Max"/> after the last failure before it builds a producer, so a producer that
/// can never work is tried at most once per max-backoff, whatever the supervision does.
/// </remarks>
internal sealed class RestartBackoff(RestartBackoffSettings settings, TimeProvider time, Func<double> random)
{
    private readonly Queue<DateTimeOffset> _recent = new();
    private DateTimeOffset? _lastFailure;

    /// <summary>Restarts granted within the current window.</summary>
    public int RecentRestarts => _recent.Count;

    /// <summary>Grants one more restart and says how long to wait first; false once the budget is spent.</summary>
    public bool TryNext(out TimeSpan delay)
    {
        var now = time.GetUtcNow();
        _lastFailure = now;
        Forget(now);
        if (_recent.Count >= settings.MaxRestarts)
        {
            delay = TimeSpan.Zero;
            return false;
        }

        delay = Delay(_recent.Count, settings, random());
        _recent.Enqueue(now);
        return true;
    }

    /// <summary>How long a new stream waits before its first producer: zero unless the budget is spent.</summary>
    public TimeSpan DelayBeforeStart()
    {
        var now = time.GetUtcNow();
        Forget(now);
        if (_lastFailure is not { } last || _recent.Count < settings.MaxRestarts)
        {
            return TimeSpan.Zero;
        }

        var wait = last + settings.Max - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>The wait before the restart that follows <paramref name="previous"/> recent ones.</summary>
    internal static TimeSpan Delay(int previous, RestartBackoffSettings settings, double random)
    {
        // In doubles: a long minimum doubled many times would overflow ticks before reaching the cap.
        var exponential = Math.Min(settings.Max.Ticks, settings.Min.Ticks * Math.Pow(2, previous));
        var stretched = exponential * (1 + (settings.RandomFactor * random));
        return TimeSpan.FromTicks((long)Math.Min(settings.Max.Ticks, stretched));
    }

    private void Forget(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() >= settings.Within)
        {
            _recent.Dequeue();
        }
    }
}
