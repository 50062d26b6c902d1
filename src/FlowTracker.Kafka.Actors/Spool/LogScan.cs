using System.Buffers.Binary;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Reads a FasterLog oldest first from <c>from</c> to <c>until</c>, going past what it cannot read. FasterLog finds
/// an entry by the length before the previous one, so after a damaged entry it either throws (a garbage length) or
/// reads on at garbage addresses, every "entry" failing its CRC: a place the CRC rejects is therefore resynchronised
/// here, by looking in the segment files at each aligned address after it for an entry whose length and CRC are
/// valid, the rest of its page, then the pages after; the scan goes on from the first one found. Zeroed space (a
/// page's padding, or a file cut short) is skipped by FasterLog itself.
/// </summary>
internal static class LogScan
{
    /// <summary>FasterLog's entry header without its checksum: the entry's length; entries are aligned to it.</summary>
    private const int HeaderSize = 4;

    /// <summary>One whole record read, or (<paramref name="Entry"/> null) a damaged place skipped, the scan going on at <paramref name="Address"/>.</summary>
    internal readonly record struct Item(long Address, byte[]? Entry, int Length);

    public static IEnumerable<Item> Read(FasterLog log, long from, long until, SpoolGeometry geometry, string directory)
    {
        var start = from;
        while (start < until)
        {
            // Where the next entry should be: the end of the last whole one. FasterLog reads sequentially (past zeroed
            // padding only), so a throw means the entry there, or the first of a later page, is damaged.
            var damaged = -1L;
            var expected = start;
            using (var iterator = log.Scan(start, until))
            {
                while (true)
                {
                    byte[] entry;
                    int length;
                    long address;
                    try
                    {
                        if (!iterator.GetNext(out entry, out length, out address))
                        {
                            break;
                        }
                    }
#pragma warning disable CA1031 // Whatever FasterLog says of an unreadable place, the scan skips it, counts it, and reads on.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        damaged = expected;
                        break;
                    }

                    if (!SpoolRecordFormat.IsWhole(entry.AsSpan(0, length)))
                    {
                        damaged = address;
                        break;
                    }

                    expected = address + HeaderSize + ((length + 3) & ~3);
                    yield return new Item(address, entry, length);
                }
            }

            if (damaged < 0)
            {
                yield break;
            }

            // Past the damaged place's first word, so the scan always moves on.
            start = NextWhole(damaged + HeaderSize, until, geometry, directory);
            yield return new Item(start, null, 0);
        }
    }

    /// <summary>The first aligned address from <paramref name="from"/> on that holds a whole entry of ours; <paramref name="until"/> if none.</summary>
    private static long NextWhole(long from, long until, SpoolGeometry geometry, string directory)
    {
        var page = new byte[geometry.PageSize];
        var segmentMask = (1L << geometry.SegmentBits) - 1;
        for (var pageStart = from & ~(long)(geometry.PageSize - 1); pageStart < until; pageStart += geometry.PageSize)
        {
            // An entry never spans pages, nor the committed tail; a page is never split between segments.
            var pageEnd = Math.Min(pageStart + geometry.PageSize, until);
            var read = ReadPage(Path.Combine(directory, $"{SpoolLog.SegmentName}.{pageStart >> geometry.SegmentBits}"), pageStart & segmentMask, page.AsSpan(0, (int)(pageEnd - pageStart)));
            for (var at = Math.Max(from, pageStart); at + HeaderSize + SpoolRecordFormat.MinSize <= pageStart + read; at += HeaderSize)
            {
                var offset = (int)(at - pageStart);
                var length = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset));
                if (length >= SpoolRecordFormat.MinSize && length <= read - offset - HeaderSize
                    && SpoolRecordFormat.IsWhole(page.AsSpan(offset + HeaderSize, length)))
                {
                    return at;
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
