using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// A spool commit's signals as a script plays them: FASTER's callback, the outcome of its wait (success or failure)
/// and the clock, each arriving when the script says, and a commit loop that looks at them as SpoolLog.Commit does
/// (the clock first, the signals a little after). Every sighting's decision is kept, to check that the first one
/// taken stays.
/// </summary>
internal sealed class ScriptedCommitWait
{
    private readonly List<SpoolCommitDecision> _decisions = [];
    private TimeSpan? _persistedAt;
    private TimeSpan? _succeededAt;
    private TimeSpan? _failedAt;

    public ScriptedCommitWait(TimeSpan bound)
    {
        Bound = bound;
        Wait = new SpoolCommitWait(bound);
    }

    public TimeSpan Bound { get; }

    public SpoolCommitWait Wait { get; }

    /// <summary>What the outcome fails with, when the script fails it.</summary>
    public IOException Failure { get; } = new("a page write of the commit failed");

    public TimeSpan Now { get; private set; }

    /// <summary>The decision after each sighting, in order.</summary>
    public IReadOnlyList<SpoolCommitDecision> Decisions => _decisions;

    /// <summary>The sighting that took the decision; -1 while there is none.</summary>
    public int DecidedAt => _decisions.FindIndex(d => d != SpoolCommitDecision.Pending);

    /// <summary>When the sighting that took the decision read the signals.</summary>
    public TimeSpan? DecisionSignalsReadAt { get; private set; }

    public TimeSpan? PersistedAt => _persistedAt;

    public TimeSpan? SucceededAt => _succeededAt;

    public TimeSpan? FailedAt => _failedAt;

    /// <summary>FASTER's callback runs, at <paramref name="at"/> (now, by default); a second one changes nothing.</summary>
    public void Persist(TimeSpan? at = null) => _persistedAt ??= at ?? Now;

    /// <summary>FasterLog's wait completes successfully; it completes once, so after a failure this changes nothing.</summary>
    public void Succeed(TimeSpan? at = null)
    {
        if (_failedAt is null)
        {
            _succeededAt ??= at ?? Now;
        }
    }

    /// <summary>FasterLog's wait fails; it completes once, so after a success this changes nothing.</summary>
    public void Fail(TimeSpan? at = null)
    {
        if (_succeededAt is null)
        {
            _failedAt ??= at ?? Now;
        }
    }

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>
    /// The commit loop wakes: it reads the clock, then, <paramref name="lag"/> later (signals arriving meanwhile
    /// included), the signals, and hands both to the wait.
    /// </summary>
    public SpoolCommitDecision Look(TimeSpan lag = default)
    {
        var elapsed = Now;
        var readAt = Now + lag;
        var decision = Wait.Observe(elapsed, Arrived(_persistedAt, readAt), Arrived(_succeededAt, readAt), Arrived(_failedAt, readAt) ? Failure : null);
        if (decision != SpoolCommitDecision.Pending && DecisionSignalsReadAt is null)
        {
            DecisionSignalsReadAt = readAt;
        }

        _decisions.Add(decision);
        return decision;
    }

    /// <summary>A decision was taken, the sightings before it were pending, none after changed it, and a failure is the one the script failed with.</summary>
    public void AssertDecidedOnceAndKept()
    {
        Assert.True(DecidedAt >= 0, "no decision was taken");
        Assert.All(_decisions.Take(DecidedAt), d => Assert.Equal(SpoolCommitDecision.Pending, d));
        Assert.All(_decisions.Skip(DecidedAt), d => Assert.Equal(Wait.Decision, d));
        Assert.Same(Wait.Decision == SpoolCommitDecision.Failed ? Failure : null, Wait.Failure);
    }

    private static bool Arrived(TimeSpan? at, TimeSpan readAt) => at is { } arrival && arrival <= readAt;
}
