using System.Buffers.Binary;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// The parts of the log that need not be kept any more, as disjoint address ranges merged as they touch:
/// removed records, the padding FasterLog leaves at a page's end, and unreadable regions skipped on recovery.
/// The log is truncated up to the end of the range that starts at its current beginning. Kafka confirms records
/// nearly in order, so the ranges stay few (about one per record in flight), however many records the log holds.
/// Not thread-safe: <see cref="TraceSpool"/> guards it.
/// </summary>
internal sealed class RemovedRanges
{
    private readonly Dictionary<long, long> _endByStart = [];
    private readonly Dictionary<long, long> _startByEnd = [];

    public int Count => _endByStart.Count;

    /// <summary>Adds <c>[start, end)</c>, which overlaps no range already added.</summary>
    public void Add(long start, long end)
    {
        if (end <= start)
        {
            return;
        }

        if (_startByEnd.Remove(start, out var leftStart))
        {
            _endByStart.Remove(leftStart);
            start = leftStart;
        }

        if (_endByStart.Remove(end, out var rightEnd))
        {
            _startByEnd.Remove(end);
            end = rightEnd;
        }

        _endByStart[start] = end;
        _startByEnd[end] = start;
    }

    /// <summary>How far the log may be truncated from <paramref name="begin"/>: the end of the range starting there (taken), else <paramref name="begin"/>.</summary>
    public long TakeFrom(long begin)
    {
        if (!_endByStart.Remove(begin, out var end))
        {
            return begin;
        }

        _startByEnd.Remove(end);
        return end;
    }

    /// <summary>
    /// The ranges as a commit cookie, oldest first, at most <paramref name="maxRanges"/> of them, followed by
    /// <paramref name="more"/> (ranges a backlog scan has not reached yet). Persisted with each commit so that a
    /// record Kafka confirmed ahead of an older one is not sent again after a crash; a record whose range did not
    /// fit is sent again (at least once, never lost).
    /// </summary>
    public byte[] ToCookie(int maxRanges, IReadOnlyList<(long Start, long End)> more)
    {
        var ranges = _endByStart.Select(r => (Start: r.Key, End: r.Value)).Concat(more).OrderBy(r => r.Start).Take(maxRanges).ToList();
        var cookie = new byte[4 + (16 * ranges.Count)];
        BinaryPrimitives.WriteInt32LittleEndian(cookie, ranges.Count);
        for (var i = 0; i < ranges.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(cookie.AsSpan(4 + (16 * i)), ranges[i].Start);
            BinaryPrimitives.WriteInt64LittleEndian(cookie.AsSpan(12 + (16 * i)), ranges[i].End);
        }

        return cookie;
    }

    /// <summary>The ranges a commit cookie holds, oldest first; none when there is no cookie or it is not one of ours.</summary>
    public static List<(long Start, long End)> FromCookie(byte[]? cookie)
    {
        if (cookie is null || cookie.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(cookie) is var count && cookie.Length != 4 + (16L * count))
        {
            return [];
        }

        var ranges = new List<(long Start, long End)>(count);
        for (var i = 0; i < count; i++)
        {
            ranges.Add((BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(4 + (16 * i))), BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(12 + (16 * i)))));
        }

        return ranges;
    }
}
