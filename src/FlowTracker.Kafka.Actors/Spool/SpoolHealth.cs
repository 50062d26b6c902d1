namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Whether the spool still writes, and the warnings when it stopped: one at once, then at most one reminder per
/// <see cref="WarningInterval"/> with how many traces went on in memory only. Once degraded, the spool stays so
/// until the exporter restarts: a disk that failed once is not trusted with write-ahead again mid-run.
/// </summary>
internal sealed class SpoolHealth(string directory, Action<SpoolWarning> warn, TimeProvider time)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(60);
    private readonly object _gate = new();
    private volatile string? _reason;
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;
    private long _notSpooled;
    private long _notSpooledSinceWarning;

    public bool IsDegraded => _reason is not null;

    public string? Reason => _reason;

    public long NotSpooledCount => Interlocked.Read(ref _notSpooled);

    public void Degrade(string reason)
    {
        lock (_gate)
        {
            if (_reason is not null)
            {
                return;
            }

            _reason = reason;
            _lastWarning = time.GetUtcNow();
        }

        warn(SpoolWarning.Of(
            "FlowTracker Kafka exporter: the spool at {SpoolDirectory} is not working ({SpoolProblem}). Traces are kept in memory only until the exporter restarts; "
            + "what the spool already holds stays on disk for the next start.",
            directory,
            reason.TrimEnd('.')));
    }

    /// <summary>Counts an append that was not written, and reminds that the spool is off when a reminder is due.</summary>
    public void NotSpooled()
    {
        Interlocked.Increment(ref _notSpooled);
        SpoolWarning? line = null;
        lock (_gate)
        {
            _notSpooledSinceWarning++;
            var now = time.GetUtcNow();
            if (now - _lastWarning >= WarningInterval)
            {
                line = SpoolWarning.Of(
                    "FlowTracker Kafka exporter: the spool at {SpoolDirectory} is still not working ({SpoolProblem}); {NotSpooled} trace(s) kept in memory only since the last such line.",
                    directory,
                    _reason?.TrimEnd('.'),
                    _notSpooledSinceWarning);
                _notSpooledSinceWarning = 0;
                _lastWarning = now;
            }
        }

        if (line is not null)
        {
            warn(line);
        }
    }
}
