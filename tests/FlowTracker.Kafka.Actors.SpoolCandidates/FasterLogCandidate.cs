using FASTER.core;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>
/// FASTER's FasterLog: an append-only log in 64 MiB segment files, per-entry checksums, group commit, and
/// TruncateUntil for removal (a segment file is deleted once the log's begin passed it). Truncation moves
/// only from the front, so this candidate removes up to the oldest record not yet removed.
/// </summary>
internal sealed class FasterLogCandidate : ICandidateStore
{
    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly SortedSet<long> _removed = [];
    private readonly Queue<long> _live = new();

    public FasterLogCandidate(string directory)
    {
        Directory.CreateDirectory(directory);
        _device = Devices.CreateLogDevice(Path.Combine(directory, "spool.log"), preallocateFile: false);
        _log = new FasterLog(new FasterLogSettings
        {
            LogDevice = _device,
            LogCommitDir = directory,
            PageSizeBits = 22,
            MemorySizeBits = 25,
            SegmentSizeBits = 26,
            LogChecksum = LogChecksumType.PerEntry,
            TryRecoverLatest = true,
            RemoveOutdatedCommits = true,
        });
    }

    public long Append(byte[] record)
    {
        var id = _log.Enqueue(record);
        _live.Enqueue(id);
        return id;
    }

    public void Commit()
    {
        var truncated = false;
        while (_live.TryPeek(out var oldest) && _removed.Remove(oldest))
        {
            _live.Dequeue();
            truncated = true;
        }

        if (truncated)
        {
            _log.TruncateUntil(_live.TryPeek(out var next) ? next : _log.TailAddress);
        }

        _log.Commit(spinWait: true);
    }

    public void Remove(long id) => _removed.Add(id);

    public void Reclaim() => Commit();

    public IEnumerable<(long Id, byte[] Record)> ReadOldestFirst()
    {
        using var iterator = _log.Scan(_log.BeginAddress, _log.CommittedUntilAddress);
        while (iterator.GetNext(out var entry, out _, out var address))
        {
            _live.Enqueue(address);
            yield return (address, entry);
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        _device.Dispose();
    }
}
