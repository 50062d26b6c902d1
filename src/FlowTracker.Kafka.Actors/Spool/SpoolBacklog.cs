using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// What an earlier run left in the spool, read back oldest first, streamed from disk (not held in memory): its own
/// type because it is the spool's one concern with a state of its own (how far the scan got, what the earlier run had
/// removed that it has not reached) that only the start and the commit share with the rest of <see cref="TraceSpool"/>.
/// A record that cannot be read is skipped and counted. One thread reads it, once.
/// </summary>
/// <remarks>
/// Between one record given back and the next lies nothing to keep: padding, records an earlier run removed,
/// unreadable places. Each such stretch becomes removed (in the spool's <see cref="RemovedRanges"/>) as the scan
/// passes it, so truncation can pass it too. <see cref="_gate"/> is the spool's: the commit reads the earlier run's
/// removals not reached yet, to keep them in its cookie.
/// </remarks>
internal sealed class SpoolBacklog : IDisposable
{
    private readonly object _gate;
    private readonly RemovedRanges _ranges;
    private readonly FasterLog? _log;
    private readonly SpoolGeometry _geometry;
    private readonly string _directory;
    private readonly Action<SpoolWarning> _warn;

    // Ranges an earlier run had removed in the backlog, oldest first, from _unscanned on: not reached by the scan yet.
    private readonly List<(long Start, long End)> _removedEarlier;
    private int _unscanned;
    private LogScan? _scan;
    private long _keptUntil;
    private long _scannedUntil;
    private int _skipped;
    private long _skippedBytes;
    private bool _lastWasDamaged;
    private bool _done;
    private long _recovered;
    private long _corrupt;

    /// <summary>The backlog <c>[from, until)</c> of <paramref name="log"/>, null when there is nothing to read (degraded, or read already).</summary>
    public SpoolBacklog(object gate, RemovedRanges ranges, FasterLog? log, long from, long until, List<(long Start, long End)> removedEarlier, SpoolGeometry geometry, string directory, Action<SpoolWarning> warn)
    {
        (_gate, _ranges, _log, From, Until, _removedEarlier, _geometry, _directory, _warn) = (gate, ranges, log, from, until, removedEarlier, geometry, directory, warn);
        (_keptUntil, _scannedUntil) = (from, from);
    }

    public long From { get; }

    /// <summary>Where the backlog ends and this run's records begin.</summary>
    public long Until { get; }

    /// <summary>Records given back so far.</summary>
    public long Recovered => Interlocked.Read(ref _recovered);

    /// <summary>Unreadable places counted once the scan ended.</summary>
    public long Corrupt => Interlocked.Read(ref _corrupt);

    /// <summary>Under the spool's gate: what the earlier run removed that the scan has not reached, for the commit's cookie.</summary>
    public List<(long Start, long End)> NotScannedRemovals() => _removedEarlier.GetRange(_unscanned, _removedEarlier.Count - _unscanned);

    /// <summary>The next record, made by <paramref name="read"/> from the log's memory; false once the backlog is read.</summary>
    public bool TryNext<T>(SpoolEntryReader<T> read, out T? record)
    {
        record = default;
        if (_done || _log is not { } log)
        {
            return false;
        }

        var scan = _scan ??= new LogScan(log, From, Until, _geometry, _directory);
        while (true)
        {
            var step = scan.Next(out var address, out var entry);
            if (step == LogScan.Step.None)
            {
                Finish();
                return false;
            }

            if (step == LogScan.Step.Damaged)
            {
                // How many records a damaged place held cannot be known (the damage took the lengths that delimit
                // them): its bytes, from the last record read to the next whole one (padding at a page's end
                // included), say how much was lost.
                _skippedBytes += Math.Max(0, scan.Position - _scannedUntil);
                (_scannedUntil, _lastWasDamaged) = (scan.Position, true);
                _skipped++;
                continue;
            }

            var id = new SpoolId(address, log.HeaderSize + ((entry.Length + 3) & ~3));
            _scannedUntil = id.End;
            if (RemovedEarlier(id.Address))
            {
                _lastWasDamaged = false;
                continue;
            }

            _lastWasDamaged = !SpoolRecordFormat.TryLocate(entry, out var key, out var valueAt);
            if (_lastWasDamaged)
            {
                _skipped++;
                continue;
            }

            Skip(_keptUntil, id.Address);
            _keptUntil = id.End;
            Interlocked.Increment(ref _recovered);
            try
            {
                record = read(id, entry, key, valueAt);
            }
            finally
            {
                scan.Release();
            }

            return true;
        }
    }

    public void Dispose()
    {
        _scan?.Dispose();
        _scan = null;
    }

    private void Finish()
    {
        Dispose();
        _done = true;

        // The scan ended before the committed tail: the end of the log was cut short or zeroed (one place, however
        // many records it held, and the same place as a damaged record the scan just counted). Not so when the tail
        // is the start of the page after the last record's: a record that did not fit the rest of its page moved the
        // tail there before it waited for memory, and a commit (or a kill) came first; that rest is padding.
        if (_scannedUntil < Until && !_lastWasDamaged && !_geometry.IsPadding(_scannedUntil, Until))
        {
            _skipped++;
            _skippedBytes += Until - _scannedUntil;
        }

        Skip(_keptUntil, Until);
        _keptUntil = Until;
        lock (_gate)
        {
            _unscanned = _removedEarlier.Count;
        }

        if (_skipped > 0)
        {
            Interlocked.Add(ref _corrupt, _skipped);
            _warn(SpoolWarning.Of(
                "FlowTracker Kafka exporter: the spool at {SpoolDirectory} had {Skipped} unreadable place(s), {SkippedBytes} byte(s) in all, skipped with whatever records they held; {Recovered} record(s) recovered.",
                _directory,
                _skipped,
                _skippedBytes,
                Recovered));
            (_skipped, _skippedBytes) = (0, 0);
        }
    }

    /// <summary>Whether an earlier run removed the record at <paramref name="address"/> (the scan asks in address order).</summary>
    private bool RemovedEarlier(long address)
    {
        // The list is fixed at the start; only how far the scan got changes (the commit reads it under the gate).
        if (_unscanned >= _removedEarlier.Count)
        {
            return false;
        }

        lock (_gate)
        {
            while (_unscanned < _removedEarlier.Count && _removedEarlier[_unscanned].End <= address)
            {
                _unscanned++;
            }

            return _unscanned < _removedEarlier.Count && _removedEarlier[_unscanned].Start <= address;
        }
    }

    private void Skip(long from, long until)
    {
        if (until <= from)
        {
            return;
        }

        lock (_gate)
        {
            _ranges.Add(from, until);
        }
    }
}
