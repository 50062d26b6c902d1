using System.Buffers.Binary;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Reads a FasterLog oldest first from an address, going past what it cannot read: the backlog an earlier run left
/// (up to its end) and this run's records read back (as far as commits reach, then on as they reach further). One
/// thread uses it.
/// </summary>
/// <remarks>
/// FasterLog finds an entry by the length before the previous one, so after a damaged entry it either throws (a
/// garbage length) or reads on at garbage addresses, every "entry" failing its CRC; and a zero where a length should
/// be is, to FasterLog, the padding at a page's end: it goes on at the next page, silently, whatever valid entries
/// follow in this one, and on the log's last page (or the one commits reach into) it ends the scan there. Each such place is resynchronised here, by looking in the segment files at each aligned
/// address after it for an entry whose length and CRC are valid, the rest of its page, then the pages after; the
/// scan goes on from the first one found. Zeros that reach the page's end, with no whole entry after them, cannot be
/// told from padding and are not counted. Entries are handed out in place, in FasterLog's memory (no copy): the
/// caller copies what it keeps before the next call, which also ends FasterLog's protection of that memory.
/// </remarks>
internal sealed unsafe class LogScan : IDisposable
{
    /// <summary>FasterLog's entry header without its checksum: the entry's length; entries are aligned to it.</summary>
    private const int HeaderSize = 4;

    private readonly FasterLog _log;
    private readonly long _until;
    private readonly SpoolGeometry _geometry;
    private readonly string _directory;
    private FasterLogScanIterator? _iterator;
    private bool _held;
    private byte[] _page = [];
    private (long From, long Until) _searched = (-1, -1);

    /// <summary>A scan from <paramref name="from"/> to <paramref name="until"/>, or (<see cref="long.MaxValue"/>) on as far as commits reach.</summary>
    public LogScan(FasterLog log, long from, long until, SpoolGeometry geometry, string directory)
    {
        _log = log;
        _until = until;
        _geometry = geometry;
        _directory = directory;
        Position = from;
    }

    internal enum Step
    {
        /// <summary>Nothing more: the end was reached, or nothing more is committed yet (ask again later).</summary>
        None,

        /// <summary>A whole entry of ours (version and CRC check out), valid until the next call.</summary>
        Entry,

        /// <summary>A damaged place was skipped: the scan goes on at <see cref="Position"/>.</summary>
        Damaged,
    }

    /// <summary>Where the next entry is looked for: the end of the last one handed out, or past a damaged place.</summary>
    public long Position { get; private set; }

    /// <summary>The next entry (its address and bytes, its FasterLog header excluded), or a damaged place skipped (then <paramref name="address"/> says nothing).</summary>
    public Step Next(out long address, out ReadOnlySpan<byte> entry)
    {
        Release();
        entry = default;
        var iterator = _iterator ??= _log.Scan(Position, _until, scanBufferingMode: ScanBufferingMode.SinglePageBuffering);
        byte* bytes;
        int length;
        long next;
        try
        {
            if (!iterator.UnsafeGetNext(out bytes, out length, out address, out next))
            {
                // FasterLog moved on without an entry: it went over zeros to the next page, which is past the end or
                // not committed yet. On the last page, zeros over a record's start hid every whole record after them.
                // (Not moved on, it only found nothing committed yet: a commit since is no damage.)
                return iterator.NextAddress > Expected && HiddenBeforeEnd() is { } skipped ? Restart(skipped) : Step.None;
            }
        }
#pragma warning disable CA1031 // Whatever FasterLog says of an unreadable place, the scan skips it, counts it, and reads on.
        catch (Exception)
#pragma warning restore CA1031
        {
            // FasterLog reads sequentially (past zeros only), so the entry expected here, or the first of a later page, is damaged.
            address = 0;
            return Resync(Position);
        }

        _held = true;
        var found = new ReadOnlySpan<byte>(bytes, length);
        if (!SpoolRecordFormat.IsWhole(found))
        {
            // From where the entry was expected, not where FasterLog found this one: it may have gone over zeros, or
            // a garbage length it took for a commit record's, and the whole records after them in this page.
            return Resync(Expected);
        }

        // FasterLog went from the middle of a page to a later page over zeros: padding, unless whole entries lie after them.
        if (address > Position && (Position & (_geometry.PageSize - 1)) != 0
            && NextWhole(Position, Math.Min(address, (Position & -_geometry.PageSize) + _geometry.PageSize)) is var hidden && hidden < address)
        {
            return Restart(hidden);
        }

        Position = next;
        entry = found;
        return Step.Entry;
    }

    /// <summary>Where FasterLog should have found the next entry: truncation may have moved the log's begin past it.</summary>
    private long Expected => Math.Max(Position, _log.BeginAddress);

    public void Dispose()
    {
        Release();
        _iterator?.Dispose();
        _iterator = null;
    }

    /// <summary>
    /// Ends FasterLog's protection of the entry handed out last: its memory may be reused from now on. Call it as soon
    /// as the entry is copied: while a thread holds an entry, FasterLog's epoch cannot move on, so pages are neither
    /// flushed nor freed, and appends and commits wait.
    /// </summary>
    public void Release()
    {
        if (_held)
        {
            _held = false;
            _iterator!.UnsafeRelease();
        }
    }

    private Step Resync(long damaged) =>
        // Past the damaged place's first word, so the scan always moves on; never past what commits made durable.
        Restart(NextWhole(damaged + HeaderSize, Math.Min(_until, _log.CommittedUntilAddress)));

    /// <summary>
    /// A whole entry between <see cref="Position"/> and the end of its page (or of what is committed) that FasterLog
    /// did not give: it ended the scan at zeros it took for the page's padding. Null when there is none. Asked once
    /// per place and end: a read-back polls at the committed tail, where nothing lies in between.
    /// </summary>
    private long? HiddenBeforeEnd()
    {
        var from = Expected;
        var end = Math.Min(Math.Min(_until, _log.CommittedUntilAddress), (from & -_geometry.PageSize) + _geometry.PageSize);
        if (end <= from || (from, end) == _searched)
        {
            return null;
        }

        _searched = (from, end);
        var hidden = NextWhole(from, end);
        return hidden < end ? hidden : null;
    }

    private Step Restart(long at)
    {
        Release();
        _iterator?.Dispose();
        _iterator = null;
        Position = at;
        return Step.Damaged;
    }

    /// <summary>The first aligned address from <paramref name="from"/> on that holds a whole entry of ours; <paramref name="until"/> if none.</summary>
    private long NextWhole(long from, long until)
    {
        var segmentMask = (1L << _geometry.SegmentBits) - 1;
        for (var pageStart = from & ~(long)(_geometry.PageSize - 1); pageStart < until; pageStart += _geometry.PageSize)
        {
            // An entry never spans pages, nor the committed tail; a page is never split between segments. Read from
            // where the search starts only.
            var readFrom = Math.Max(from, pageStart);
            var pageEnd = Math.Min(pageStart + _geometry.PageSize, until);
            var bytes = (int)(pageEnd - readFrom);
            if (_page.Length < bytes)
            {
                // As large as asked, not a page: the check after padding reads a few bytes once a page.
                _page = new byte[bytes];
            }

            var read = ReadPage(Path.Combine(_directory, $"{SpoolLog.SegmentName}.{pageStart >> _geometry.SegmentBits}"), readFrom & segmentMask, _page.AsSpan(0, bytes));
            for (var offset = 0; offset + HeaderSize + SpoolRecordFormat.MinSize <= read; offset += HeaderSize)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(_page.AsSpan(offset));
                if (length >= SpoolRecordFormat.MinSize && length <= read - offset - HeaderSize
                    && SpoolRecordFormat.IsWhole(_page.AsSpan(offset + HeaderSize, length)))
                {
                    return readFrom + offset;
                }
            }
        }

        return until;
    }

    /// <returns>How many bytes the segment holds there (none when it is missing or cut short before).</returns>
    private static int ReadPage(string segment, long offset, Span<byte> page)
    {
        if (!File.Exists(segment))
        {
            return 0;
        }

        using SafeFileHandle handle = File.OpenHandle(segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var total = 0;
        while (total < page.Length && RandomAccess.Read(handle, page[total..], offset + total) is var n and > 0)
        {
            total += n;
        }

        return total;
    }
}
