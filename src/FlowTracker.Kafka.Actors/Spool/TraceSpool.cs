using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// The exporter's write-ahead spool on local disk, over FASTER's FasterLog (DESIGN-spool.md says why): every
/// accepted record is appended; a commit every interval makes what was appended survive a killed process; a
/// record is removed once its outcome is final, and the log is truncated behind the oldest record still held,
/// which deletes whole segment files. At the next start <see cref="OpenBacklog"/> gives back what an earlier
/// run left, oldest first.
/// </summary>
/// <remarks>
/// Threads: every public member may be called from any thread. <see cref="Append"/> is serialized by one lock
/// (FasterLog's enqueue copies into memory; it waits only while the disk is behind by four pages);
/// <see cref="Remove"/> and <see cref="Stats"/> take a short lock and never touch the disk; commits run on the
/// spool's own thread. <see cref="OpenBacklog"/> may be read once, on any one thread, while appends and
/// removals go on. Nothing here throws into the caller once <c>Open</c> returned: an IO failure makes the
/// spool degraded (memory-only, reported by <see cref="Stats"/> and a warning) until the exporter restarts.
/// </remarks>
internal sealed partial class TraceSpool : IDisposable
{
    private readonly object _appendGate = new();
    private readonly object _gate = new();
    private readonly object _commitGate = new();
    private const int MaxCookieRanges = 16_384;
    private readonly RemovedRanges _ranges = new();
    private readonly SpoolCommitFiles _commitFiles;
    private readonly SpoolReserve _reserve;
    private readonly SpoolDurability _durability = new();
    private readonly ManualResetEventSlim _stopping = new();
    private readonly string _directory;
    private readonly long _maxBytes;
    private SpoolGeometry _geometry;
    private readonly Action<SpoolWarning> _warn;
    private readonly TimeProvider _time;
    private readonly SpoolHealth _health;
    private SpoolLock? _lock;
    private IDevice? _device;
    private FasterLog? _log;
    private Thread? _committer;
    private byte[] _buffer = new byte[4096];
    private long _lastEnd;
    private long _truncatedUntil;
    private long _liveAtClose;
    private volatile bool _closed;
    private SpoolBacklog _backlog;
    private long _appended, _removed, _full, _tooLarge, _corrupt;
    private bool _backlogRead;
    private bool _disposed;

    private TraceSpool(string directory, long maxBytes, Action<SpoolWarning>? warn, TimeProvider? time, Action? beforeCommitRecord)
    {
        _reserve = new SpoolReserve(directory);
        _commitFiles = new SpoolCommitFiles(beforeCommitRecord, _reserve);
        _directory = directory;
        _maxBytes = maxBytes;
        _geometry = SpoolGeometry.For(maxBytes);
        _warn = warn ?? (_ => { });
        _time = time ?? TimeProvider.System;
        _health = new SpoolHealth(_directory, _warn, _time);
        _backlog = new SpoolBacklog(_gate, _ranges, null, 0, 0, [], _geometry, _directory, _warn);
    }

    /// <summary>Bytes of the backlog an earlier run left (records, padding and any unreadable part).</summary>
    public long BacklogBytes => _backlog.Until - _backlog.From;

    /// <summary>Where the backlog ends and this run's records begin.</summary>
    public long BacklogEnd => _backlog.Until;

    /// <summary>
    /// Opens (or creates) the spool in <paramref name="directory"/> and takes it for this process. A directory that
    /// cannot be created or written gives a degraded spool (memory-only, with a warning), not an exception.
    /// </summary>
    /// <exception cref="SpoolLockedException">Another spool, in this or another process, holds the directory.</exception>
    public static TraceSpool Open(string directory, long maxBytes, TimeSpan commitInterval, Action<string>? warn = null, TimeProvider? time = null) =>
        Open(directory, maxBytes, commitInterval, warn is null ? null : (SpoolWarning w) => warn(w.ToString()), time);

    /// <summary>
    /// As the other <c>Open</c>, with each warning as a message template and its values, for semantic logging.
    /// <c>beforeCommitRecord</c> runs before each commit record is written, on the writing thread: tests stall or fail the disk there.
    /// </summary>
    public static TraceSpool Open(string directory, long maxBytes, TimeSpan commitInterval, Action<SpoolWarning>? warn, TimeProvider? time = null, Action? beforeCommitRecord = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, SpoolGeometry.MinMaxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(commitInterval, TimeSpan.Zero);
        var spool = new TraceSpool(Path.GetFullPath(directory), maxBytes, warn, time, beforeCommitRecord);
        try
        {
            // Refused before anything is written: on a stalled disk even making the existing directory again blocks.
            SpoolLock.ThrowIfHeld(spool._directory);
            if (!Directory.Exists(spool._directory))
            {
                Directory.CreateDirectory(spool._directory);
            }

            spool._lock = SpoolLock.Acquire(spool._directory);
            spool.OpenLog();
            spool._reserve.Ensure();
        }
        catch (SpoolLockedException)
        {
            spool.Dispose();
            throw;
        }
#pragma warning disable CA1031 // An unusable directory is the spool's degradation, reported, never the exporter's crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            spool._health.Degrade($"it could not be opened: {ex.Message}");
            return spool;
        }

        spool._committer = new Thread(() => spool.CommitEvery(commitInterval)) { IsBackground = true, Name = "flowtracker-spool-commit" };
        spool._committer.Start();
        return spool;
    }

    /// <summary>Writes the record ahead; it is durable once the next commit ran. Never throws.</summary>
    public SpoolAppend Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, IReadOnlyList<SpoolHeader>? headers = null)
    {
        var size = SpoolRecordFormat.SizeOf(key, value, headers);
        lock (_appendGate)
        {
            if (_disposed)
            {
                return new SpoolAppend(SpoolAppendStatus.Unavailable, SpoolId.None);
            }

            if (_health.IsDegraded || _log is not { } log)
            {
                _health.NotSpooled();
                return new SpoolAppend(SpoolAppendStatus.Unavailable, SpoolId.None);
            }

            var footprint = log.HeaderSize + ((size + 3) & ~3);
            if (footprint > _geometry.PageSize)
            {
                Interlocked.Increment(ref _tooLarge);
                return new SpoolAppend(SpoolAppendStatus.TooLarge, SpoolId.None);
            }

            // The same measure as the truncation: bytes from the oldest record still held to the tail.
            if (log.TailAddress - Volatile.Read(ref _truncatedUntil) + footprint > _maxBytes)
            {
                Interlocked.Increment(ref _full);
                return new SpoolAppend(SpoolAppendStatus.Full, SpoolId.None);
            }

            if (_buffer.Length < size)
            {
                _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
            }

            var entry = _buffer.AsSpan(0, size);
            SpoolRecordFormat.Write(entry, key, value, headers);
            if (SpoolLog.Enqueue(log, entry, _time, out var failure) is not { } address)
            {
                _health.Degrade(failure!);
                _health.NotSpooled();
                return new SpoolAppend(SpoolAppendStatus.Unavailable, SpoolId.None);
            }

            if (address != _lastEnd)
            {
                // A record that does not fit in the page's rest starts the next page: the rest is padding.
                if (address % _geometry.PageSize != 0 || address < _lastEnd)
                {
                    _health.Degrade($"its bookkeeping lost track of the log (record at {address}, expected {_lastEnd})");
                    return new SpoolAppend(SpoolAppendStatus.Unavailable, SpoolId.None);
                }

                lock (_gate)
                {
                    _ranges.Add(_lastEnd, address);
                }
            }

            _lastEnd = address + footprint;
            Interlocked.Increment(ref _appended);
            return new SpoolAppend(SpoolAppendStatus.Spooled, new SpoolId(address, footprint));
        }
    }

    /// <summary>The record's outcome is final (delivered, failed or dropped for good): it leaves the spool at a later commit. Call once per id.</summary>
    public void Remove(SpoolId id)
    {
        if (id.IsNone)
        {
            return;
        }

        lock (_gate)
        {
            if (_log is null || id.Address < _truncatedUntil)
            {
                return;
            }

            _ranges.Add(id.Address, id.End);
            _removed++;
        }
    }

    /// <summary>
    /// What an earlier run left, oldest first, to be read on one thread (<see cref="SpoolBacklog"/>). Once only: a
    /// second call, or a degraded spool, gives an empty one.
    /// </summary>
    public SpoolBacklog OpenBacklog()
    {
        lock (_gate)
        {
            var read = _backlogRead || _log is null || _health.IsDegraded;
            _backlogRead = true;
            return read ? new SpoolBacklog(_gate, _ranges, null, 0, 0, [], _geometry, _directory, _warn) : _backlog;
        }
    }

    /// <summary>What an earlier run left, oldest first, as records of their own (headers included). Once only, as <see cref="OpenBacklog"/>.</summary>
    public IEnumerable<SpoolRecord> ReadBacklog()
    {
        using var backlog = OpenBacklog();
        while (backlog.TryNext(SpoolRecordFormat.ToRecord, out var record))
        {
            yield return record!;
        }
    }

    /// <summary>This run's records from <paramref name="address"/> on, as far as committed (nothing when degraded); disposed before the spool.</summary>
    public SpoolReader ReadFrom(long address) =>
        new(_health.IsDegraded || _disposed || _log is not { } log ? null : new LogScan(log, address, long.MaxValue, _geometry, _directory), _log?.HeaderSize ?? 0, address, () => Interlocked.Increment(ref _corrupt));

    /// <summary>Truncates behind the oldest record still held and makes every append so far durable. The spool's thread calls it every commit interval.</summary>
    public void Commit()
    {
        lock (_commitGate)
        {
            if (_log is not { } log || _health.IsDegraded || _durability.GaveUp)
            {
                return;
            }

            try
            {
                // Checked first: a commit into a directory someone deleted (or a second exporter took over) is a commit
                // of records the next start will never find.
                if (_lock?.Lost() is { } lost)
                {
                    // Nor will it find what the earlier commits made durable: those went with the directory.
                    _durability.NothingDurable();
                    throw new IOException(lost);
                }

                // Taken together, before the commit starts: the commit covers exactly these records, and the stop's
                // accounting counts from them how many of its traces are durable.
                long covered, tail;
                lock (_appendGate)
                {
                    (covered, tail) = (Interlocked.Read(ref _appended), log.TailAddress);
                }
                byte[] cookie;
                lock (_gate)
                {
                    var until = _ranges.TakeFrom(_truncatedUntil);
                    if (until > _truncatedUntil)
                    {
                        log.TruncateUntil(until);
                        Volatile.Write(ref _truncatedUntil, until);
                    }

                    // Only this thread truncates: the commit records the begin address the cookie names, and an until at least the tail.
                    cookie = _ranges.ToCookie(MaxCookieRanges, _backlog.NotScannedRemovals(), log.BeginAddress, tail);
                }

                SpoolLog.Commit(log, cookie, _time);
                if (_commitFiles.TakeFailure() is { } unwritten)
                {
                    throw new IOException($"its commit record could not be written: {unwritten}");
                }

                if (log.CommittedUntilAddress < tail)
                {
                    // FasterLog reports a failed flush only at a later commit; a commit that fell short says it now.
                    throw new IOException($"the log was committed up to {log.CommittedUntilAddress}, not {tail}");
                }

                _durability.Durable(covered, tail);

                // Made again once the records this commit removed freed room, if a commit record had to take it.
                _reserve.Ensure();
            }
#pragma warning disable CA1031 // A commit that fails (disk full, IO error) degrades the spool; the exporter goes on in memory.
            catch (Exception ex) when (!_durability.GaveUp)
#pragma warning restore CA1031
            {
                _health.Degrade($"a commit failed: {ex.Message}");
            }
#pragma warning disable CA1031 // The stop gave up on this commit and said so: the spool is done, nothing more to warn of.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    public SpoolStats Stats()
    {
        var live = LiveBytes();
        lock (_gate)
        {
            return new SpoolStats(
                Interlocked.Read(ref _appended), _durability.Committed, _removed, Interlocked.Read(ref _full), Interlocked.Read(ref _tooLarge),
                _backlog.Recovered, Interlocked.Read(ref _corrupt) + _backlog.Corrupt, _health.NotSpooledCount, live, _health.Reason);
        }
    }

    /// <summary>
    /// What the log holds from the oldest record not removed: to its tail while it works; once degraded, to what its last
    /// commit made durable (the rest will not be read back); once closed, what it held then, left for the next start.
    /// </summary>
    private long LiveBytes()
    {
        if (_closed || _log is not { } log)
        {
            return Volatile.Read(ref _liveAtClose);
        }

        try
        {
            return LiveBytesOf(log);
        }
        catch (ObjectDisposedException)
        {
            return Volatile.Read(ref _liveAtClose);
        }
    }

    private long LiveBytesOf(FasterLog log) => Math.Max(0, (_health.IsDegraded || _durability.GaveUp ? _durability.DurableUntil : log.TailAddress) - Volatile.Read(ref _truncatedUntil));

    private void OpenLog()
    {
        _geometry = SpoolGeometry.Of(_directory, _maxBytes);
        var (device, log, setAside, why) = SpoolLog.Open(_directory, _geometry, _time, _commitFiles);
        (_device, _log) = (device, log);
        if (setAside is not null)
        {
            Interlocked.Increment(ref _corrupt);
            _warn(SpoolWarning.Of(
                "FlowTracker Kafka exporter: the spool at {SpoolDirectory} held records but no readable commit ({SpoolProblem}); they were moved to {SetAside} and a new spool started.",
                _directory,
                why,
                setAside));
        }

        // A record removed while its commit ran may lie past what that commit covered: its range says nothing of
        // the records this run writes there.
        List<(long Start, long End)> removedEarlier = [.. RemovedRanges.FromCookie(log.RecoveredCookie).Where(r => r.Start < log.TailAddress).Select(r => (r.Start, Math.Min(r.End, log.TailAddress)))];
        _backlog = new SpoolBacklog(_gate, _ranges, log, log.BeginAddress, log.TailAddress, removedEarlier, _geometry, _directory, _warn);
        _truncatedUntil = log.BeginAddress;
        _lastEnd = log.TailAddress;
        _durability.Opened(log.TailAddress);
    }
}
