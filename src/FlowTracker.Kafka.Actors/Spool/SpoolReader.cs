namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Makes a record of the caller's from a whole entry read back (its key at <paramref name="key"/>, its value from
/// <paramref name="valueAt"/> to its end): the entry lies in the log's memory, valid during the call only.
/// </summary>
internal delegate T SpoolEntryReader<out T>(SpoolId id, ReadOnlySpan<byte> entry, Range key, int valueAt);

/// <summary>
/// Reads this run's records back, oldest first, from an address on: the records the exporter kept on disk only
/// while its memory was full. It reads as far as commits have made records durable, and reads on once the next
/// commit covered more; past a damaged place it goes on at the next whole record (<see cref="LogScan"/>). One
/// thread uses it; it is disposed before its spool.
/// </summary>
internal sealed class SpoolReader : IDisposable
{
    private readonly LogScan? _scan;
    private readonly Action _corrupt;
    private readonly int _headerSize;

    public SpoolReader(LogScan? scan, int headerSize, long from, Action corrupt)
    {
        _scan = scan;
        _headerSize = headerSize;
        _corrupt = corrupt;
        Position = from;
    }

    /// <summary>Where the next record is looked for.</summary>
    public long Position { get; private set; }

    /// <summary>The next record, made by <paramref name="read"/> straight from the log's memory (no copy of the spool's own).</summary>
    /// <returns>False when none is committed beyond <see cref="Position"/> yet (ask again later).</returns>
    public bool TryNext<T>(SpoolEntryReader<T> read, out T? record)
    {
        record = default;
        while (_scan is { } scan)
        {
            var step = scan.Next(out var address, out var entry);
            Position = Math.Max(Position, scan.Position);
            if (step == LogScan.Step.None)
            {
                return false;
            }

            if (step == LogScan.Step.Entry && SpoolRecordFormat.TryLocate(entry, out var key, out var valueAt))
            {
                try
                {
                    record = read(new SpoolId(address, _headerSize + ((entry.Length + 3) & ~3)), entry, key, valueAt);
                }
                finally
                {
                    scan.Release();
                }

                return true;
            }

            _corrupt();
        }

        return false;
    }

    /// <summary>The next record as arrays of its own.</summary>
    public bool TryNext(out SpoolRecord? record) => TryNext(SpoolRecordFormat.ToRecord, out record);

    public void Dispose() => _scan?.Dispose();
}
