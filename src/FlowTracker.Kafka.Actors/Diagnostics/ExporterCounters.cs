using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The accounting, shared by the caller-side gate, the actor, the spool and the stream. A trace is counted
/// once as exported (or recovered from the spool) and once in its final bucket; pending is what lies between.
/// </summary>
/// <remarks>
/// One short lock covers every change of a count and every snapshot, so a snapshot taken at any moment satisfies
/// <c>exported + recovered = delivered + dropped + failed + left-in-spool + pending</c> exactly, not only at rest.
/// The pending bytes are a gauge outside the identity: they change by compare-and-swap, so that the actor's
/// reservation (once per trace) does not contend with the callers' exports for the lock.
/// <see cref="Seal"/> ends the accounting: what is still pending then is counted once, and nothing
/// changes a bucket afterwards. With the spool on, pending traces the actor kept on disk only (its memory
/// full) are counted apart, so that the end leaves them in the spool rather than dropping them.
/// </remarks>
internal sealed class ExporterCounters
{
    internal static readonly DropReason[] Reasons = Enum.GetValues<DropReason>();
    private readonly object _gate = new();
    private readonly long[] _dropped = new long[Reasons.Length];
    private readonly Dictionary<ErrorCode, long> _failed = [];
    private long _exported;
    private long _delivered;
    private long _pending;
    private long _pendingBytes;
    private long _recovered;
    private long _leftInSpool;

    // Where each trace counted left in spool ends in the log: the seal keeps it there only if the spool's last commit covered it.
    private readonly List<long> _leftInSpoolEnds = [];
    private long _notDurable;
    private long _diskOnly;
    private long _queued;
    private long _notSpooled;
    private long _splitTraces;
    private long _splitParts;
    private long _truncatedSpans;
    private long _inFlight;
    private DateTimeOffset? _brokersUnreachableSince;
    private bool _intakeClosed;
    private bool _sealed;

    public ExporterCounters() => Producer = new ProducerCounts(_gate);

    /// <summary>What happened to the producers: counts beside the identity, under the same lock.</summary>
    public ProducerCounts Producer { get; }

    /// <summary>
    /// Counts a trace handed to Export and reserves its place; false (and counted as dropped) when the buffer
    /// is full or intake is closed. Checked under the same lock that closes intake, so that once
    /// <see cref="CloseIntake"/> returned no trace can become pending any more. With the spool on
    /// (<paramref name="spooled"/>), the spool, not memory, holds what waits for Kafka: only what the actor has not
    /// read yet (its mailbox) is bounded by <paramref name="maxPending"/>.
    /// </summary>
    public bool TryAccept(long maxPending, bool spooled = false)
    {
        lock (_gate)
        {
            _exported++;
            if (_intakeClosed)
            {
                _dropped[(int)DropReason.Shutdown]++;
                return false;
            }

            if ((spooled ? Interlocked.Read(ref _queued) : _pending) < maxPending)
            {
                _pending++;
                if (spooled)
                {
                    Interlocked.Increment(ref _queued);
                }

                return true;
            }

            _dropped[(int)DropReason.BufferFull]++;
            return false;
        }
    }

    /// <summary>With the spool on: a trace kept in memory only by the exporter's choice (a split one), not the spool's.</summary>
    public void NotSpooled() => Interlocked.Increment(ref _notSpooled);

    /// <summary>With the spool on: the actor read a trace that <see cref="TryAccept"/> let in.</summary>
    public void Taken() => Interlocked.Decrement(ref _queued);

    /// <summary>A trace an earlier run left in the spool is read back, if its bytes fit in <paramref name="maxBytes"/> (or nothing else is held): it becomes pending.</summary>
    /// <returns>False when there is no room yet, or the accounting has ended.</returns>
    public bool TryRecover(long bytes, long maxBytes)
    {
        lock (_gate)
        {
            if (_sealed || !TryAddBytes(bytes, maxBytes, evenIfOver: true))
            {
                return false;
            }

            _recovered++;
            _pending++;
            return true;
        }
    }

    /// <summary>An accepted trace waits on disk only (the memory the exporter may hold is full); still pending.</summary>
    public void DiskOnly()
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                _diskOnly++;
            }
        }
    }

    /// <summary>A trace that waited on disk only is read back into memory, if its bytes fit (or nothing else is held).</summary>
    /// <returns>False when there is no room yet, or the accounting has ended.</returns>
    public bool TryReadBack(long bytes, long maxBytes)
    {
        lock (_gate)
        {
            if (_sealed || !TryAddBytes(bytes, maxBytes, evenIfOver: true))
            {
                return false;
            }

            _diskOnly--;
            return true;
        }
    }

    /// <summary>Gives back bytes reserved for a record that was not kept in memory after all.</summary>
    public void Release(long bytes)
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                Interlocked.Add(ref _pendingBytes, -bytes);
            }
        }
    }

    /// <summary>
    /// A pending trace stays in the spool, unconfirmed, for the next start: the exporter is ending. Counted so until
    /// <see cref="Seal"/>, which counts it as dropped instead if the spool's last commit did not make it durable.
    /// </summary>
    public void LeftInSpool(long reservedBytes, SpoolId id)
    {
        lock (_gate)
        {
            if (_sealed)
            {
                return;
            }

            _leftInSpool++;
            _leftInSpoolEnds.Add(id.End);
            Settle(reservedBytes);
        }
    }

    /// <summary>Of the traces counted left in spool, how many the seal counted as dropped (Shutdown): the spool's last commit did not make them durable.</summary>
    public long NotDurable
    {
        get
        {
            lock (_gate)
            {
                return _notDurable;
            }
        }
    }

    /// <summary>From now on every Export is dropped (Shutdown); what is pending still settles.</summary>
    public void CloseIntake()
    {
        lock (_gate)
        {
            _intakeClosed = true;
        }
    }

    /// <summary>Whether the accounting has ended (<see cref="Seal"/>): nothing pending is left to settle.</summary>
    /// <remarks>
    /// Read without the lock (the actor asks once per trace): it only ever turns true, and a trace that reads false just
    /// before the seal is one the lock-taking steps after it treat as settled already.
    /// </remarks>
    public bool IsSealed => Volatile.Read(ref _sealed);

    /// <summary>
    /// The exporter has ended: closes intake and counts every trace still pending as dropped (Shutdown), except those
    /// waiting in the spool on disk only, which stay there for the next start (left in spool). The others are traces
    /// the stream never took (still in the actor's mailbox, or on their way to dead letters): nothing will send them.
    /// Whatever settles them later (the actor reading them, the dead-letter counter) changes nothing, so the final
    /// accounting is exact when it is taken, not after some wait.
    /// </summary>
    /// <param name="spool">
    /// What the spool's last commit made durable (taken after the last append): a trace is left in the spool only if
    /// the next start will find it there; one past it (a commit failed, or the disk stalled) is counted as dropped
    /// (Shutdown), as without a spool. The traces waiting on disk only are this run's newest appends, so they are past
    /// it for as many of them as the commit left out.
    /// </param>
    /// <returns>How many traces were still pending.</returns>
    public long Seal(SpoolFinal? spool = null)
    {
        lock (_gate)
        {
            _intakeClosed = true;
            if (_sealed)
            {
                return 0;
            }

            _sealed = true;
            var left = _pending - _diskOnly;
            _dropped[(int)DropReason.Shutdown] += left;
            _leftInSpool += _diskOnly;
            if (spool is { } durable)
            {
                _notDurable = Math.Min(_diskOnly, durable.NotDurable) + _leftInSpoolEnds.Count(end => end > durable.DurableUntil);
                _leftInSpool -= _notDurable;
                _dropped[(int)DropReason.Shutdown] += _notDurable;
            }

            _leftInSpoolEnds.Clear();
            _diskOnly = 0;
            _pending = 0;
            Interlocked.Exchange(ref _pendingBytes, 0);
            return left;
        }
    }

    /// <summary>Counts a trace turned away at the door (never pending).</summary>
    public void DropUnaccepted(DropReason reason)
    {
        lock (_gate)
        {
            _exported++;
            _dropped[(int)reason]++;
        }
    }

    /// <summary>Reserves bytes for an accepted trace's record; false when the byte budget is spent.</summary>
    /// <remarks>
    /// Without the lock (the actor reserves once per trace while callers take the lock to export): the bytes are not part
    /// of the identity, and a reservation that races with <see cref="Seal"/> is not seen, since a sealed snapshot reports none.
    /// </remarks>
    public bool TryReserveBytes(long bytes, long maxBytes) =>
        Volatile.Read(ref _sealed) || TryAddBytes(bytes, maxBytes, evenIfOver: false);

    public void Dropped(DropReason reason, long reservedBytes = 0)
    {
        lock (_gate)
        {
            if (_sealed)
            {
                return;
            }

            _dropped[(int)reason]++;
            Settle(reservedBytes);
        }
    }

    /// <returns>
    /// When the brokers were reported unreachable, if this is the first delivery since (it clears that
    /// report); otherwise null. Taken under the same lock as the report, so one delivery alone sees it.
    /// </returns>
    public DateTimeOffset? Delivered(long traces, long reservedBytes)
    {
        lock (_gate)
        {
            if (_sealed)
            {
                return null;
            }

            _delivered += traces;
            var unreachableSince = _brokersUnreachableSince;
            _brokersUnreachableSince = null;
            Settle(reservedBytes, traces);
            return unreachableSince;
        }
    }

    public void Failed(ErrorCode error, long reservedBytes)
    {
        lock (_gate)
        {
            if (_sealed)
            {
                return;
            }

            _failed[error] = _failed.GetValueOrDefault(error) + 1;
            Settle(reservedBytes);
        }
    }

    /// <summary>librdkafka reported every broker down; the next delivery clears it.</summary>
    /// <returns>True when this report starts an outage; false when one is already reported.</returns>
    public bool BrokersUnreachable(DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_brokersUnreachableSince is not null)
            {
                return false;
            }

            _brokersUnreachableSince = at;
            return true;
        }
    }

    /// <summary>A trace was encoded as <paramref name="parts"/> records (0: one whole record), after cutting <paramref name="truncatedSpans"/> spans' tags.</summary>
    public void Encoded(int parts, int truncatedSpans)
    {
        if (parts == 0 && truncatedSpans == 0)
        {
            return;
        }

        lock (_gate)
        {
            _splitTraces += parts > 0 ? 1 : 0;
            _splitParts += parts;
            _truncatedSpans += truncatedSpans;
        }
    }

    /// <summary>Records handed to librdkafka and not yet reported on, as the producer sink last saw them.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void SetInFlight(long records) => Interlocked.Exchange(ref _inFlight, records);

    /// <summary>The spool's own counts, for the snapshot; set once when the spool is opened.</summary>
    public Func<SpoolStats>? Spool { get; set; }

    public ExporterStats Snapshot()
    {
        // Outside the lock: the spool has a lock of its own, and its counts are not part of the identity.
        var spool = Spool?.Invoke();

        // Only copies under the lock, which every Export takes: the dictionaries are built after it.
        AccountingCopy copy;
        lock (_gate)
        {
            copy = new AccountingCopy(
                _exported, _delivered, _pending, _sealed ? 0 : Interlocked.Read(ref _pendingBytes), (long[])_dropped.Clone(), _failed.Count == 0 ? [] : [.. _failed],
                _recovered, _leftInSpool, _splitTraces, _splitParts, _truncatedSpans, _brokersUnreachableSince,
                Producer.Restarts, Producer.LastRestart, Producer.PossibleDuplicates, Producer.Failure);
        }

        return copy.ToStats(spool, Interlocked.Read(ref _notSpooled));
    }

    /// <summary>
    /// Adds <paramref name="bytes"/> to what is pending if they fit in <paramref name="maxBytes"/>; with
    /// <paramref name="evenIfOver"/> also when nothing else is held (a record larger than the whole budget read back from
    /// the spool would otherwise wait for ever). One compare-and-swap, since <see cref="TryReserveBytes"/> takes no lock.
    /// </summary>
    private bool TryAddBytes(long bytes, long maxBytes, bool evenIfOver)
    {
        var current = Interlocked.Read(ref _pendingBytes);
        while (current + bytes <= maxBytes || (evenIfOver && current == 0))
        {
            var seen = Interlocked.CompareExchange(ref _pendingBytes, current + bytes, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    private void Settle(long reservedBytes, long traces = 1)
    {
        Interlocked.Add(ref _pendingBytes, -reservedBytes);
        _pending -= traces;
    }
}
