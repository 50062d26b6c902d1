using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Reads a FasterLog oldest first from <c>from</c> to <c>until</c>, going past what it cannot read: an entry
/// whose length is garbage makes FasterLog's iterator throw at every following address, so the scan starts again
/// at the next page (an entry never spans pages) and says how many places it skipped. Zeroed space (a page's
/// padding, or a file cut short) is skipped by FasterLog itself.
/// </summary>
internal static class LogScan
{
    /// <summary>One entry read, or (<paramref name="Entry"/> null) a place the scan had to skip.</summary>
    internal readonly record struct Item(long Address, byte[]? Entry, int Length);

    public static IEnumerable<Item> Read(FasterLog log, long from, long until, int pageBits)
    {
        var start = from;
        while (start < until)
        {
            using var iterator = log.Scan(start, until);
            var scanFrom = start;
            start = until;
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
                    // Past the page that failed; never behind where this pass began, so the scan always moves on.
                    start = ((Math.Max(iterator.NextAddress, scanFrom) >> pageBits) + 1) << pageBits;
                    break;
                }

                yield return new Item(address, entry, length);
            }

            if (start < until)
            {
                yield return new Item(start, null, 0);
            }
        }
    }
}
