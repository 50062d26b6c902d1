using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// The spool's FasterLog in its directory: segment files <c>spool.log.N</c>, commits in <c>log-commits/</c>, both
/// through <see cref="SpoolDevice"/>, so that no write of the spool waits for the thread pool.
/// </summary>
internal static class SpoolLog
{
    /// <summary>FASTER's first valid log address (its Constants.kFirstValidAddress, internal): where an empty log begins.</summary>
    private const long FirstAddress = 64;

    /// <summary>
    /// Opens the log at its latest commit. Segments with data but no commit that says what they hold (its record
    /// torn or lost) would be overwritten by the empty log FasterLog then starts: they are moved to a folder of their
    /// own for a person to look at, and that folder is returned.
    /// </summary>
    public static (IDevice Device, FasterLog Log, string? SetAside) Open(string directory, SpoolGeometry geometry, TimeProvider time)
    {
        // FasterLog without a commit starts empty at its first address. A log recovered from a commit that had removed
        // everything begins where it ends, but past that address: its segment still holds data, and nothing is wrong.
        var (device, log) = Create(directory, geometry);
        if (log.TailAddress != log.BeginAddress || log.BeginAddress != FirstAddress || !Segments(directory).Any(HoldsData))
        {
            return (device, log, null);
        }

        log.Dispose();
        device.Dispose();
        var aside = Path.Combine(directory, $"unrecoverable-{time.GetUtcNow():yyyyMMddTHHmmssfff}");
        Directory.CreateDirectory(aside);
        foreach (var file in Segments(directory))
        {
            file.MoveTo(Path.Combine(aside, file.Name));
        }

        (device, log) = Create(directory, geometry);
        return (device, log, aside);
    }

    /// <summary>
    /// Enqueues, waiting while the disk is behind (every in-memory page still being flushed), at most 2 s: the
    /// caller's thread is the exporter's, and a disk that slow is treated as failed.
    /// </summary>
    /// <returns>The entry's address; null, with why, when the log failed or stayed behind.</returns>
    public static long? Enqueue(FasterLog log, ReadOnlySpan<byte> entry, TimeProvider time, out string? failure)
    {
        failure = null;
        try
        {
            var deadline = time.GetTimestamp() + (2 * time.TimestampFrequency);
            var spin = default(SpinWait);
            long address;
            while (!log.TryEnqueue(entry, out address))
            {
                if (time.GetTimestamp() > deadline)
                {
                    failure = "the disk did not take its writes for 2 s";
                    return null;
                }

                spin.SpinOnce(sleep1Threshold: 20);
            }

            return address;
        }
#pragma warning disable CA1031 // Whatever the log throws on append degrades the spool; the caller's record goes on in memory.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = $"an append failed: {ex.Message}";
            return null;
        }
    }

    private static (IDevice Device, FasterLog Log) Create(string directory, SpoolGeometry geometry)
    {
        var device = new SpoolDevice(Path.Combine(directory, "spool.log"), ownThread: true);
        try
        {
            var log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitManager = new DeviceLogCommitCheckpointManager(new SpoolCommitFiles(), new DefaultCheckpointNamingScheme(directory), removeOutdated: true),
                SegmentSizeBits = geometry.SegmentBits,
                PageSizeBits = geometry.PageBits,
                MemorySizeBits = geometry.MemoryBits,

                // Our own per-record CRC instead (SpoolRecordFormat says why).
                LogChecksum = LogChecksumType.None,
                TryRecoverLatest = true,
            });
            return (device, log);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    // A segment may be a link (to another disk, say): what counts is what it points to.
    private static bool HoldsData(FileInfo segment) =>
        (segment.LinkTarget is null ? segment : segment.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? segment).Length > 0;

    private static IEnumerable<FileInfo> Segments(string directory) => new DirectoryInfo(directory).EnumerateFiles("spool.log.*");
}
