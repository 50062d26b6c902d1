namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>Where a commit's wait stands; every answer but <see cref="Pending"/> is final.</summary>
internal enum SpoolCommitDecision : byte
{
    /// <summary>Nothing heard yet, and the bound has not passed: wait on.</summary>
    Pending,

    /// <summary>The commit's callback ran, or FasterLog's wait for it completed: its records are on disk.</summary>
    Durable,

    /// <summary>FasterLog failed the commit (a page write of it, or of one before it): its records may not be on disk.</summary>
    Failed,

    /// <summary>Neither a success nor a failure was heard within the bound: the disk is treated as failed.</summary>
    TimedOut,
}

/// <summary>
/// The decision of one spool commit's wait. What it waits for arrives from several threads in any order: FasterLog's
/// callback (the commit is durable), the outcome of FasterLog's own wait (success, or a CommitFailureException), and
/// time passing. <see cref="SpoolLog.Commit(FASTER.core.FasterLog, byte[], TimeProvider, TimeSpan)"/> looks at all of
/// them at each wake-up and hands what it saw here, through the one <see cref="Observe"/>; the rules live here, and
/// nowhere else.
/// </summary>
/// <remarks>
/// The rules, in order:
/// <list type="number">
/// <item>Once decided, nothing changes the decision: the caller may already have acted on it, and a signal that comes
/// later (FASTER's callback after the wait gave up) says nothing about what the caller did.</item>
/// <item>A failure seen before or with the persisted signal wins: a CommitFailureException of this commit or of an
/// earlier one means records the commit covers may not be on disk, and a durable answer would lose them silently
/// at a crash; a failure answer where the data was in fact durable costs only a spool gone memory-only.</item>
/// <item>Persisted (or the outcome's success) seen before any failure is durable.</item>
/// <item>Time out only when, at a sighting whose elapsed time is past the bound, neither was seen. The caller reads
/// the clock before it looks at the signals, so a signal that arrived within the bound is in that sighting at the
/// latest, and wins over the timeout.</item>
/// </list>
/// Not thread-safe: only the committing thread calls it; the other threads only set what it then looks at.
/// </remarks>
internal sealed class SpoolCommitWait
{
    private readonly TimeSpan _bound;

    public SpoolCommitWait(TimeSpan bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, TimeSpan.Zero);
        _bound = bound;
    }

    public SpoolCommitDecision Decision { get; private set; }

    /// <summary>The failure that failed the commit; set only with <see cref="SpoolCommitDecision.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>
    /// One sighting: the time since the commit started, read first, then what had arrived by then (or a little after).
    /// Returns the decision, <see cref="SpoolCommitDecision.Pending"/> while there is none.
    /// </summary>
    /// <param name="elapsed">Since the commit started, read before the signals.</param>
    /// <param name="persisted">FasterLog's callback for the commit ran.</param>
    /// <param name="succeeded">FasterLog's wait for the commit completed successfully.</param>
    /// <param name="failure">FasterLog's wait for the commit failed, with this.</param>
    public SpoolCommitDecision Observe(TimeSpan elapsed, bool persisted, bool succeeded, Exception? failure)
    {
        if (Decision != SpoolCommitDecision.Pending)
        {
            return Decision;
        }

        if (failure is not null)
        {
            Failure = failure;
            Decision = SpoolCommitDecision.Failed;
        }
        else if (persisted || succeeded)
        {
            Decision = SpoolCommitDecision.Durable;
        }
        else if (elapsed > _bound)
        {
            Decision = SpoolCommitDecision.TimedOut;
        }

        return Decision;
    }
}
