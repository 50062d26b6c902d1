using Akka.Event;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// The exporter's write-ahead spool: every record the actor accepts is appended before it is offered to the stream,
/// and removed once the stage settled it for good. Memory holds at most the exporter's memory budget of records;
/// beyond it, records wait on disk only and <see cref="SpoolFeeder"/> reads them back, in order, as Kafka confirms.
/// What an earlier run left is read back first, before any record of this run (which waits on disk meanwhile).
/// </summary>
/// <remarks>
/// Who calls what: <see cref="Accept"/> the actor (one thread); <see cref="Settled"/> the producer stage (its one
/// thread: every removal takes that one ordered path); the feeder its own thread; <see cref="StopFeeding"/> and
/// <see cref="Dispose"/> the lifetime's end, once. The disk-only range is shared by the actor and the feeder under
/// <see cref="_gate"/>: while it is open, the actor keeps every new record on disk only, so nothing overtakes what waits
/// there. Lock order: this gate before the lifetime's and the counters' (neither calls back into this class).
/// An exporter restart of its actor keeps this spool: it belongs to the exporter's lifetime, like the stream.
/// </remarks>
internal sealed class ExporterSpool : IDisposable
{
    private readonly object _gate = new();
    private readonly object _appends = new();
    private bool _appendsClosed;
    private readonly TraceSpool _spool;
    private readonly ExporterCounters _counters;
    private readonly ManualResetEventSlim _wake = new();
    private readonly SpoolFeeder _feeder;
    private readonly long _maxBufferedBytes;
    private bool _diskOnly;
    private long _diskOnlyFrom;
    private long _diskOnlyEnd;
    private int _diskOnlyRun;
    private volatile bool _feeding;

    // While the feeder waits for memory: wake it once this many bytes settled (0: on every settle).
    private long _wakeAfterBytes;
    private long _settledBytes;

    private ExporterSpool(TraceSpool spool, ExporterLifetime lifetime, ExporterCounters counters, long memoryBytes, long maxBufferedBytes, ILoggingAdapter log)
    {
        _spool = spool;
        _counters = counters;
        MemoryBytes = memoryBytes;
        _maxBufferedBytes = maxBufferedBytes;

        // What earlier runs left goes first: until the feeder has read it, new records wait behind it on disk, in a
        // range that starts where this run's records start.
        var recover = spool.BacklogBytes > 0;
        (_diskOnly, _feeding, _diskOnlyFrom, _diskOnlyEnd) = (recover, recover, spool.BacklogEnd, spool.BacklogEnd);
        _feeder = new SpoolFeeder(this, spool, lifetime, counters, log, recover);
    }

    /// <summary>The encoded bytes held in memory at most.</summary>
    public long MemoryBytes { get; }

    /// <summary>Whether records still wait to be read back (an earlier run's, or this run's kept on disk only).</summary>
    public bool IsFeeding => _feeding;

    internal ManualResetEventSlim Wake => _wake;

    /// <summary>
    /// Opens the spool (the settings have one) and starts reading back what an earlier run left. <c>beforeCommitRecord</c>
    /// runs before each commit record is written (tests stall or fail the disk there).
    /// </summary>
    /// <exception cref="SpoolLockedException">Another exporter, in this process or another, uses the directory.</exception>
    public static ExporterSpool Open(KafkaExporterSettings settings, ExporterLifetime lifetime, ExporterCounters counters, ILoggingAdapter log, Action? beforeCommitRecord = null)
    {
        // An unusable directory opens degraded (memory only) and says so here; later problems are said as they come.
        var spooling = settings.Spool!;
        var spool = TraceSpool.Open(spooling.Directory, spooling.MaxBytes, spooling.CommitInterval, (SpoolWarning warning) => log.Warning(warning.Template, warning.Args), beforeCommitRecord: beforeCommitRecord);
        counters.Spool = spool.Stats;
        var opened = new ExporterSpool(spool, lifetime, counters, settings.MemoryBytes, settings.MaxBufferedBytes, log);
        opened._feeder.Start();
        return opened;
    }

    /// <summary>
    /// The actor: appends the record, then offers it to the stream if memory has room and nothing waits on disk;
    /// else it waits on disk only. A full spool drops it (<see cref="DropReason.SpoolFull"/>); a spool that cannot
    /// write (degraded) or a record larger than its page leaves it in memory only, within max-buffered-bytes as without a spool.
    /// </summary>
    public void Accept(OutgoingRecord record, ExporterLifetime lifetime)
    {
        lock (_appends)
        {
            if (_appendsClosed)
            {
                // The final accounting is being taken: this trace, still pending, is counted there (dropped: Shutdown).
                // Appended now it would also be recovered and delivered by the next start.
                record.Release();
                return;
            }

            AppendAndPlace(record, lifetime);
        }
    }

    /// <summary>
    /// The exporter's end, before its final accounting: no trace is appended any more. Waits for an append under way,
    /// whose trace is then counted where it went (on disk only: left in spool).
    /// </summary>
    public void CloseAppends()
    {
        lock (_appends)
        {
            _appendsClosed = true;
        }
    }

    private void AppendAndPlace(OutgoingRecord record, ExporterLifetime lifetime)
    {
        var append = _spool.Append(record.Key.Span, record.Value.Span);
        if (append.Status == SpoolAppendStatus.Full)
        {
            // Its value's room in the encoder's slab is free again (every in-memory copy dropped below does the same).
            record.Release();
            _counters.Dropped(DropReason.SpoolFull);
            return;
        }

        if (!append.IsSpooled)
        {
            // As without a spool (its buffer's budget too): memory or nothing.
            if (!_counters.TryReserveBytes(record.ReservedBytes, _maxBufferedBytes))
            {
                record.Release();
                _counters.Dropped(DropReason.BufferFull);
                return;
            }

            lifetime.Offer(record);
            return;
        }

        // The copy takes over the record's hold on its slab: the original is not used after this.
        var spooled = record with { SpoolId = append.Id };
        lock (_gate)
        {
            if (!_diskOnly && _counters.TryReserveBytes(spooled.ReservedBytes, MemoryBytes))
            {
                if (lifetime.TryOffer(spooled, awaitRoom: false, out _))
                {
                    return;
                }

                _counters.Release(spooled.ReservedBytes);
            }

            if (!_diskOnly)
            {
                _diskOnly = true;
                _diskOnlyFrom = append.Id.Address;
                _diskOnlyRun++;
                _feeding = true;
            }

            _diskOnlyEnd = append.Id.End;
            _counters.DiskOnly();
        }

        // On disk only: the feeder reads it back later into a record of its own.
        spooled.Release();
        _wake.Set();
    }

    /// <summary>
    /// The stage, for every record it settles: one settled for good (delivered, failed, or dropped for a reason of its
    /// own) leaves the spool; one unconfirmed at the stop (abandoned, <see cref="DropReason.Shutdown"/>) stays for the
    /// next start. A record that is not in the spool (a split trace's part, or kept in memory only) has nothing to remove.
    /// </summary>
    public void Settled(OutgoingRecord record, RecordOutcome outcome)
    {
        if (record.IsSpooled && !(outcome.Kind == RecordOutcomeKind.Abandoned && outcome.Reason == DropReason.Shutdown))
        {
            _spool.Remove(record.SpoolId);
        }

        // Memory was given back: the feeder may read on. A feeder waiting for memory is woken once a batch has settled,
        // not for each record: woken per record it took one, waited again, and the two threads ping-ponged on 2 cores.
        // A delivery's memory is counted when the stage's drain of reports ends (RoomFreed), after this call.
        if (_feeding)
        {
            Interlocked.Add(ref _settledBytes, record.ReservedBytes);
            if (outcome.Kind != RecordOutcomeKind.Delivered)
            {
                WakeIfDue();
            }
        }
    }

    private void WakeIfDue()
    {
        if (_feeding)
        {
            var after = Volatile.Read(ref _wakeAfterBytes);
            if (after == 0 || Volatile.Read(ref _settledBytes) >= after)
            {
                _wake.Set();
            }
        }
    }

    /// <summary>
    /// The stage counted a drain's deliveries, giving their memory back (<see cref="Stages.RecordSender"/> counts
    /// deliveries once a drain of reports ends, after their <see cref="Settled"/> calls): the feeder may read on.
    /// </summary>
    public void RoomFreed() => WakeIfDue();

    /// <summary>
    /// The feeder, before it waits for memory: wake it once <paramref name="bytes"/> settled (a settle before this call
    /// woke it already; its wait is bounded by its poll whatever happens). Zero: on every settle again.
    /// </summary>
    internal void WakeAfter(long bytes)
    {
        Interlocked.Exchange(ref _settledBytes, 0);
        Volatile.Write(ref _wakeAfterBytes, bytes);
    }

    /// <summary>A record dropped for good outside the stage (a carried-over record the new stream had no room for).</summary>
    public void Dropped(OutgoingRecord record) => _spool.Remove(record.SpoolId);

    /// <summary>Stops reading back and waits for the feeder to end (bounded: it waits for nothing that does not end).</summary>
    public void StopFeeding() => _feeder.Stop();

    /// <summary>
    /// The spool's last commit, once appends are closed, within <see cref="TraceSpool.FinalCommitBudget"/>: what it made
    /// durable is what the final accounting may leave in the spool.
    /// </summary>
    public SpoolFinal CommitFinal() => _spool.CommitFinal(TraceSpool.FinalCommitBudget);

    /// <summary>Commits what was removed (unless <see cref="CommitFinal"/> did), closes the log and releases the directory for the next start (once a commit still under way ended).</summary>
    public void Dispose()
    {
        _feeder.Stop();
        _spool.Dispose();

        // The event stays: an actor that appended just before the end may still set it (an event without a waiter holds no handle).
    }

    /// <summary>The feeder: this run's disk-only range, and which one it is (a new one is read from its start).</summary>
    internal (bool Active, long From, long End, int Run) DiskOnlyRange()
    {
        lock (_gate)
        {
            return (_diskOnly, _diskOnlyFrom, _diskOnlyEnd, _diskOnlyRun);
        }
    }

    /// <summary>The feeder read up to <paramref name="position"/>; true when it caught up and memory takes new records again.</summary>
    internal bool ReadUpTo(long position)
    {
        lock (_gate)
        {
            _diskOnlyFrom = Math.Max(_diskOnlyFrom, position);
            if (_diskOnlyFrom < _diskOnlyEnd)
            {
                return false;
            }

            _diskOnly = false;
            _feeding = false;
            return true;
        }
    }
}
