using System.Globalization;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// FasterLog's sizes for a spool of <c>max-bytes</c>: segment files of about an eighth of it (at most 64 MiB), so
/// that removed records give disk space back in steps small against the limit; pages of a quarter segment (at most
/// 1 MiB: also the largest record, above the 1,000,000 bytes of librdkafka's default message.max.bytes); four pages
/// in memory (4 MiB at most, allocated once, whatever the backlog). Small pages keep the spool's share of the
/// exporter's memory small; the disk takes a 1 MiB O_SYNC write as fast as a larger one.
/// </summary>
internal readonly record struct SpoolGeometry(int SegmentBits, int PageBits, int MemoryBits)
{
    public const long MinMaxBytes = 1L << 20;

    /// <summary>Where a spool keeps the geometry it was created with: its log's addresses mean nothing under another.</summary>
    private const string FileName = "spool.geometry";

    public int PageSize => 1 << PageBits;

    public static SpoolGeometry For(long maxBytes)
    {
        var segmentBits = Math.Clamp(63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(maxBytes / 8)), 16, 26);
        var pageBits = Math.Min(20, segmentBits - 2);
        return new SpoolGeometry(segmentBits, pageBits, pageBits + 2);
    }

    /// <summary>
    /// The geometry the spool in <paramref name="directory"/> was created with, so that a changed max-bytes still reads
    /// what an earlier run left; for a new spool, the one for <paramref name="maxBytes"/>, written there.
    /// </summary>
    public static SpoolGeometry Of(string directory, long maxBytes)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path) && Parse(File.ReadAllText(path)) is { } kept)
        {
            return kept;
        }

        var geometry = For(maxBytes);
        var temporary = path + ".new";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{geometry.SegmentBits} {geometry.PageBits} {geometry.MemoryBits}\n"));
        File.Move(temporary, path, overwrite: true);
        return geometry;
    }

    /// <summary>
    /// Whether <c>[from, until)</c> is the rest of a page: <paramref name="until"/> starts the next page. A record that did
    /// not fit the rest of its page moves the log's tail there before it waits for memory.
    /// </summary>
    public bool IsPadding(long from, long until) => until % PageSize == 0 && from > until - PageSize;

    private static SpoolGeometry? Parse(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var segment, var page, var memory]
        && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var segmentBits)
        && int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var pageBits)
        && int.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var memoryBits)
        && segmentBits is >= 16 and <= 30 && pageBits >= 9 && pageBits < segmentBits && memoryBits > pageBits && memoryBits < segmentBits + 4
            ? new SpoolGeometry(segmentBits, pageBits, memoryBits)
            : null;
}
