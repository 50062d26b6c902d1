namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// FasterLog's sizes for a spool of <c>max-bytes</c>: segment files of about an eighth of it (at most 64 MiB), so
/// that removed records give disk space back in steps small against the limit; pages of a quarter segment (at most
/// 4 MiB: also the largest record); four pages in memory (16 MiB at most, allocated once, whatever the backlog).
/// </summary>
internal readonly record struct SpoolGeometry(int SegmentBits, int PageBits, int MemoryBits)
{
    public const long MinMaxBytes = 1L << 20;

    public int PageSize => 1 << PageBits;

    public static SpoolGeometry For(long maxBytes)
    {
        var segmentBits = Math.Clamp(63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(maxBytes / 8)), 16, 26);
        var pageBits = Math.Min(22, segmentBits - 2);
        return new SpoolGeometry(segmentBits, pageBits, pageBits + 2);
    }
}
