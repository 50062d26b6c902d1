using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Reads this run's records back, oldest first, from an address on: the records the exporter kept on disk only
/// while its memory was full. It reads as far as commits have made records durable, and reads on once the next
/// commit covered more. One thread uses it; it is disposed before its spool.
/// </summary>
internal sealed class SpoolReader : IDisposable
{
    private readonly FasterLog? _log;
    private readonly int _pageBits;
    private readonly Action _corrupt;
    private FasterLogScanIterator? _iterator;

    public SpoolReader(FasterLog? log, long from, int pageBits, Action corrupt)
    {
        _log = log;
        _pageBits = pageBits;
        _corrupt = corrupt;
        Position = from;
        _iterator = log?.Scan(from, long.MaxValue, scanBufferingMode: ScanBufferingMode.SinglePageBuffering);
    }

    /// <summary>Where the next record is looked for.</summary>
    public long Position { get; private set; }

    /// <returns>The next record; false when none is committed beyond <see cref="Position"/> yet (ask again later).</returns>
    public bool TryNext([NotNullWhen(true)] out SpoolRecord? record)
    {
        record = null;
        while (_iterator is { } iterator)
        {
            IMemoryOwner<byte> entry;
            int length;
            long address;
            try
            {
                if (!iterator.GetNext(MemoryPool<byte>.Shared, out entry, out length, out address, out var next))
                {
                    return false;
                }

                Position = next;
            }
#pragma warning disable CA1031 // A place FasterLog cannot read is skipped and counted, as at recovery: the scan goes on at the next page.
            catch (Exception)
#pragma warning restore CA1031
            {
                _corrupt();
                Position = ((Math.Max(iterator.NextAddress, Position) >> _pageBits) + 1) << _pageBits;
                iterator.Dispose();
                _iterator = _log!.Scan(Position, long.MaxValue, scanBufferingMode: ScanBufferingMode.SinglePageBuffering);
                continue;
            }

            using (entry)
            {
                var id = new SpoolId(address, _log!.HeaderSize + ((length + 3) & ~3));
                if (SpoolRecordFormat.TryRead(entry.Memory.Span[..length], id, out var read) && read is not null)
                {
                    record = read;
                    return true;
                }
            }

            _corrupt();
        }

        return false;
    }

    public void Dispose()
    {
        _iterator?.Dispose();
        _iterator = null;
    }
}
