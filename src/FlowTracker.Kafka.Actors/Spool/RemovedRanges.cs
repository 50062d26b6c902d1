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
    /// <remarks>
    /// FASTER checks a commit only with an XOR of begin, until and the cookie, and XORs the cookie's last bytes one by
    /// one into a single byte: garbage in a range went through it and re-sent or dropped records uncounted. So the
    /// cookie carries a CRC-32C of its own, over the ranges and the log's begin address (the commit's, as
    /// <paramref name="begin"/> is the log's once truncated) and a floor for its until address (the tail before the
    /// commit). Begin and cookie verified, FASTER's XOR pins until: changed alone, it fails that check.
    /// Layout: marker(4, <see cref="Marker"/>) count(4) begin(8) untilAtLeast(8) ranges(16 each) crc(4).
    /// </remarks>
    public byte[] ToCookie(int maxRanges, IReadOnlyList<(long Start, long End)> more, long begin, long untilAtLeast)
    {
        var ranges = _endByStart.Select(r => (Start: r.Key, End: r.Value)).Concat(more).OrderBy(r => r.Start).Take(maxRanges).ToList();
        var cookie = new byte[Header + (16 * ranges.Count) + 4];
        BinaryPrimitives.WriteInt32LittleEndian(cookie, Marker);
        BinaryPrimitives.WriteInt32LittleEndian(cookie.AsSpan(4), ranges.Count);
        BinaryPrimitives.WriteInt64LittleEndian(cookie.AsSpan(8), begin);
        BinaryPrimitives.WriteInt64LittleEndian(cookie.AsSpan(16), untilAtLeast);
        for (var i = 0; i < ranges.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(cookie.AsSpan(Header + (16 * i)), ranges[i].Start);
            BinaryPrimitives.WriteInt64LittleEndian(cookie.AsSpan(Header + 8 + (16 * i)), ranges[i].End);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(cookie.AsSpan(cookie.Length - 4), SpoolRecordFormat.Crc32C(cookie.AsSpan(0, cookie.Length - 4)));
        return cookie;
    }

    /// <summary>
    /// Why a commit's cookie cannot be trusted for the commit of <c>[begin, until)</c>, or null. Ours (with its CRC)
    /// must match the commit's addresses and hold ranges in order inside them. One of the format before it (no CRC:
    /// count(4) then ranges) is still read, written by a build before this one, if its ranges are in order: it cannot be verified, but ignoring it would re-send, uncounted, every record it says was removed, and
    /// garbage in it is rarely in order. A commit without a cookie is not one of the spool's.
    /// </summary>
    public static string? Fault(byte[]? cookie, long begin, long until)
    {
        if (cookie is null || cookie.Length < 4)
        {
            return "its cookie is missing";
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(cookie) != Marker)
        {
            return BinaryPrimitives.ReadInt32LittleEndian(cookie) is var count and >= 0 && cookie.Length == 4 + (16L * count)
                ? RangesFault(Ranges(cookie, 4, count))
                : "its cookie is not one the spool writes";
        }

        var ranges = cookie.Length < Header + 4 ? -1 : BinaryPrimitives.ReadInt32LittleEndian(cookie.AsSpan(4));
        if (ranges < 0 || cookie.Length != Header + (16L * ranges) + 4)
        {
            return "its cookie's length is garbage";
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(cookie.AsSpan(cookie.Length - 4)) != SpoolRecordFormat.Crc32C(cookie.AsSpan(0, cookie.Length - 4)))
        {
            return "its cookie fails its CRC";
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(8)) != begin || BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(16)) > until)
        {
            return $"its cookie was written for a log from {BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(8))} to at least {BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(16))}";
        }

        return RangesFault(Ranges(cookie, Header, ranges));
    }

    /// <summary>The ranges of a cookie <see cref="Fault"/> found nothing wrong with, oldest first; none when there is no cookie.</summary>
    public static List<(long Start, long End)> FromCookie(byte[]? cookie)
    {
        if (cookie is null || cookie.Length < 4)
        {
            return [];
        }

        return BinaryPrimitives.ReadInt32LittleEndian(cookie) == Marker
            ? Ranges(cookie, Header, BinaryPrimitives.ReadInt32LittleEndian(cookie.AsSpan(4)))
            : Ranges(cookie, 4, BinaryPrimitives.ReadInt32LittleEndian(cookie));
    }

    /// <summary>Negative: no count of the earlier format (which began with it) is.</summary>
    private const int Marker = -0x46545332;

    private const int Header = 24;

    private static List<(long Start, long End)> Ranges(byte[] cookie, int at, int count)
    {
        var ranges = new List<(long Start, long End)>(count);
        for (var i = 0; i < count; i++)
        {
            ranges.Add((BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(at + (16 * i))), BinaryPrimitives.ReadInt64LittleEndian(cookie.AsSpan(at + 8 + (16 * i)))));
        }

        return ranges;
    }

    // What every cookie the spool wrote holds: ranges sorted by their start (ToCookie sorts them), each non-empty, in the
    // address space. A range may reach past the commit's until (removed while the commit ran: the reader clips it),
    // and one from the backlog scan may start before its begin (the reader skips it): neither is checked.
    private static string? RangesFault(List<(long Start, long End)> ranges)
    {
        var previous = 0L;
        foreach (var (start, end) in ranges)
        {
            if (start < previous || end <= start)
            {
                return $"its cookie holds a removed range [{start}, {end}) out of order";
            }

            previous = start;
        }

        return null;
    }
}
