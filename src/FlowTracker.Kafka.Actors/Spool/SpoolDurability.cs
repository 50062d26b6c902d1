namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// What of this run the spool's directory holds for the next start, as two threads change it: the spool's commit
/// thread after each commit whose record is on disk (<see cref="Durable"/>) or once it finds the directory lost
/// (<see cref="NothingDurable"/>), and the stop's thread, which finds the directory lost too and takes from here how
/// many of its traces are left in the spool (<see cref="Final"/>). One lock orders all three, because the stop's
/// count must be that of one moment: a commit landing between its reads would pair one commit's address with
/// another's count, and one landing after a stop that gave up on it would make durable what the stop counted as
/// dropped.
/// </summary>
/// <remarks>
/// The rules, as <see cref="TraceSpool"/> has relied on them:
/// <list type="number">
/// <item>After a <see cref="Final"/> that gave up (the commit thread did not end within the stop's budget), every
/// <see cref="Durable"/> is refused and changes nothing: the stop has counted the traces past its snapshot as
/// dropped, and the spool's stats (what it leaves for the next start) must agree with that count.</item>
/// <item><see cref="Final"/> returns the state the last <see cref="Durable"/> or <see cref="NothingDurable"/> before
/// it left: the address and the count come from the same one.</item>
/// <item><see cref="NothingDurable"/> zeroes both, whenever it comes, even after a <see cref="Final"/> that gave up:
/// a directory gone holds nothing, whatever the stop counted (the stop's result, already returned, stays as it
/// was). It is not sticky: a <see cref="Durable"/> after it, while the stop has not given up, counts again. The
/// commit thread degrades the spool after it, so no later commit of its own comes; but a commit already past its
/// own check of the directory can still land after a <see cref="NothingDurable"/> and before a <see cref="Final"/>,
/// so the stop, when it finds the directory lost, says so to <see cref="Final"/> itself (both in one step).</item>
/// <item><see cref="Final"/> decides again at each call, from the state then: called again with nothing in between
/// it returns the same. <see cref="TraceSpool.CommitFinal"/> keeps the first result for the whole stop (the wait,
/// the refusal of commit records, the warning), so it calls this once.</item>
/// </list>
/// Thread-safe. The readers read without the lock, each on its own: a reader that needs the address and the count
/// together takes them from <see cref="Final"/>.
/// </remarks>
internal sealed class SpoolDurability
{
    private readonly object _gate = new();
    private long _committed;
    private long _durableUntil;
    private volatile bool _gaveUp;

    /// <summary>How many of this run's appends the last commit counted durable covered.</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>
    /// The log's end as of the last commit whose record is on disk: FASTER's own committed address also moves for a
    /// commit whose record failed to be written.
    /// </summary>
    public long DurableUntil => Volatile.Read(ref _durableUntil);

    /// <summary>The stop gave up waiting for the commit thread: no commit of it counts from then on.</summary>
    public bool GaveUp => _gaveUp;

    /// <summary>
    /// The log opened with what an earlier run committed, up to <paramref name="tail"/>: durable before this run
    /// appends anything. Called before the commit thread starts.
    /// </summary>
    public void Opened(long tail)
    {
        lock (_gate)
        {
            Volatile.Write(ref _durableUntil, tail);
        }
    }

    /// <summary>What a successful commit made durable, unless the stop has given up on it (and counted without it).</summary>
    /// <param name="covered">The appends the commit covers, taken with <paramref name="tail"/> before it started.</param>
    /// <param name="tail">The log's end the commit covers.</param>
    /// <exception cref="IOException">The stop gave up before this commit ended; nothing changed.</exception>
    public void Durable(long covered, long tail)
    {
        lock (_gate)
        {
            if (_gaveUp)
            {
                // Thrown, not returned: the commit thread's failure path is where a commit that does not count ends.
                throw new IOException("it ended after the stop had given up waiting for it");
            }

            Interlocked.Exchange(ref _committed, covered);
            Volatile.Write(ref _durableUntil, tail);
        }
    }

    /// <summary>
    /// The directory was deleted, moved or taken over: no commit of this spool will be found by the next start, so none
    /// counts as durable any more (its records still unconfirmed at the stop are counted as dropped, not left in the spool).
    /// </summary>
    public void NothingDurable()
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _committed, 0);
            Volatile.Write(ref _durableUntil, 0);
        }
    }

    /// <summary>
    /// The stop's count: what is durable now, of <paramref name="appended"/> appends (no more come), and, unless
    /// <paramref name="ended"/>, the give-up, in the same step, so that no commit lands between the two.
    /// </summary>
    /// <param name="ended">The commit thread ended within the stop's budget.</param>
    /// <param name="appended">Every append of this run; appends have stopped.</param>
    /// <param name="lost">
    /// The stop found the directory lost: nothing is durable, in the same step as the count, so that a commit landing
    /// between a <see cref="NothingDurable"/> of the stop's own and its count is not counted as left in the spool.
    /// </param>
    public SpoolFinal Final(bool ended, long appended, bool lost = false)
    {
        lock (_gate)
        {
            if (lost)
            {
                Interlocked.Exchange(ref _committed, 0);
                Volatile.Write(ref _durableUntil, 0);
            }

            _gaveUp = !ended;
            return new SpoolFinal(_durableUntil, appended - _committed);
        }
    }
}
