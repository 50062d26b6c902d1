using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>
/// The chosen store as the exporter gets it: TraceSpool over FasterLog, 1 GiB max-bytes, its own commit thread
/// every 100 ms (the harness's explicit commits come on top). The record is the value; the key is empty.
/// </summary>
internal sealed class TraceSpoolCandidate(string directory) : ICandidateStore
{
    private readonly TraceSpool _spool = TraceSpool.Open(directory, 2L << 30, TimeSpan.FromMilliseconds(100));

    public long Append(byte[] record)
    {
        var append = _spool.Append([], record);
        return append.IsSpooled ? (append.Id.Address << 20) | (long)append.Id.Size : throw new IOException($"not spooled: {append.Status}");
    }

    public void Commit() => _spool.Commit();

    public void Remove(long id) => _spool.Remove(new SpoolId(id >> 20, (int)(id & 0xFFFFF)));

    public void Reclaim() => _spool.Commit();

    public IEnumerable<(long Id, byte[] Record)> ReadOldestFirst() => _spool.ReadBacklog().Select(r => ((r.Id.Address << 20) | (long)r.Id.Size, r.Value));

    public void Dispose() => _spool.Dispose();
}
