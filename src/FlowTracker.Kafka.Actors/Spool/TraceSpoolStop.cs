namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// The spool's end: its last commit, bounded for the exporter's stop, and its close, which waits for a commit still
/// writing (the directory stays locked until no write of this spool can land in it any more).
/// </summary>
internal sealed partial class TraceSpool
{
    /// <summary>
    /// How long a stop waits for the spool's last commit (and a commit still under way before it). 2 s: four times the
    /// slowest commit measured on a loaded machine (0.5 s), the same bound an append gives a disk that is behind, and
    /// within the 3 s a CoordinatedShutdown phase is given beyond the flush timeout. A disk that stalls longer does
    /// not hold up the stop: what it had not made durable is counted as dropped, not left in the spool.
    /// </summary>
    public static readonly TimeSpan FinalCommitBudget = TimeSpan.FromSeconds(2);

    private readonly object _finalGate = new();
    private readonly object _closeGate = new();
    private SpoolFinal? _final;
    private bool _closeAsked;
    private bool _committerEnded;

    /// <summary>
    /// The last commit: no record is appended from now on, and what was appended is committed, by the spool's own
    /// thread, within <paramref name="budget"/>. A commit that does not end in time is given up: no commit record is
    /// written after this returns, so what the next start recovers is exactly what the result says is durable. Once only;
    /// a later call returns the same result.
    /// </summary>
    public SpoolFinal CommitFinal(TimeSpan budget)
    {
        lock (_finalGate)
        {
            if (_final is { } done)
            {
                return done;
            }

            lock (_appendGate)
            {
                _disposed = true;
            }

            _stopping.Set();
            var ended = _committer is not { } committer || committer == Thread.CurrentThread || committer.Join(budget);

            // A commit record written after this would make traces counted as dropped recoverable; one whose write had
            // begun already may still land: those traces, counted as dropped, are then sent by the next start.
            _commitFiles.Refuse();

            // However the spool found out (or not: it may have gone memory-only for another reason first), a directory
            // that is gone or someone else's holds nothing of this spool for the next start. No append comes after
            // _disposed was set above, so the count read here is the last.
            var final = _durability.Final(ended, Interlocked.Read(ref _appended), lost: _lock?.Lost() is not null);

            // Kept before the warning: a warning that throws must not make the next call stop again and decide otherwise.
            _final = final;
            if (!ended)
            {
                _warn(SpoolWarning.Of(
                    "FlowTracker Kafka exporter: the spool at {SpoolDirectory} did not finish its last commit within {FinalCommitBudget} of the stop (the disk is stalled); "
                    + "what it had not made durable is counted as dropped (Shutdown), and the directory stays locked until that commit ends.",
                    _directory,
                    budget));
            }

            return final;
        }
    }

    /// <summary>
    /// Commits what was appended (unless degraded, and unless <see cref="CommitFinal"/> did), then closes the log and
    /// releases the directory; when a commit is still under way (a stop gave up on it), the spool's thread does that
    /// once the commit ends.
    /// </summary>
    public void Dispose()
    {
        CommitFinal(Timeout.InfiniteTimeSpan);
        lock (_closeGate)
        {
            if (_closeAsked)
            {
                return;
            }

            _closeAsked = true;
            if (_committer is not null && !_committerEnded)
            {
                return;
            }
        }

        Close();
    }

    private void Close()
    {
        lock (_commitGate)
        {
            try
            {
                if (_log is { } log)
                {
                    // Its stats still say what it leaves for the next start: an exporter's final stats may be taken after this.
                    Volatile.Write(ref _liveAtClose, LiveBytesOf(log));
                }

                _closed = true;

                _log?.Dispose();
                _device?.Dispose();
            }
#pragma warning disable CA1031 // A log that failed may fail to close too; the lock is released all the same.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            _lock?.Dispose();
            _lock = null;
        }

        _stopping.Dispose();
    }

    private void CommitEvery(TimeSpan interval)
    {
        // At a fixed rate, not an interval after the last commit ended: what is appended waits at most one interval
        // for the commit that covers it, plus that commit's own time.
        var spent = TimeSpan.Zero;
        while (!_stopping.Wait(spent < interval ? interval - spent : TimeSpan.Zero))
        {
            var start = _time.GetTimestamp();
            Commit();
            spent = _time.GetElapsedTime(start);
        }

        // The last commit, on this thread: a stop waits for it within its budget, and gives up on it rather than on the directory.
        Commit();
        bool close;
        lock (_closeGate)
        {
            _committerEnded = true;
            close = _closeAsked;
        }

        if (close)
        {
            Close();
        }
    }
}

/// <summary>What the spool's last commit left durable: the log up to <paramref name="DurableUntil"/>, which holds every record appended but the last <paramref name="NotDurable"/>.</summary>
internal readonly record struct SpoolFinal(long DurableUntil, long NotDurable);
