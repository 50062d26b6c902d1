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

    /// <summary>Segment N of the log is <c>spool.log.N</c>.</summary>
    internal const string SegmentName = "spool.log";

    /// <summary>A commit record's bytes before its cookie.</summary>
    private const int CommitFixedSize = 4 + (8 * 4) + 4 + 4;

    /// <summary>Where DefaultCheckpointNamingScheme keeps FasterLog's commit records.</summary>
    private const string CommitFolder = "log-commits";

    /// <summary>How often a commit waiting for its callback looks whether a failed flush failed it.</summary>
    private static readonly TimeSpan CommitPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a commit may take before the spool gives up on its disk (commits took up to 0.5 s on a loaded machine).</summary>
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>FASTER's logical addresses have 48 bits (its Constants.kAddressBits, internal): a commit beyond is garbage.</summary>
    private const long AddressLimit = 1L << 48;

    /// <summary>FasterLog aligns every entry to 4 bytes (its header included): a commit's addresses are too.</summary>
    private const long EntryAlignment = 4;

    /// <summary>
    /// Opens the log at its latest commit. Segments with data but no commit that says what they hold (its record
    /// torn, lost, or not making sense) would be overwritten by the empty log FasterLog then starts, or read at
    /// addresses they do not hold: they are moved, with the commit records, to a folder of their own for a person to
    /// look at, and that folder is returned, with why.
    /// </summary>
    public static (IDevice Device, FasterLog Log, string? SetAside, string? Why) Open(string directory, SpoolGeometry geometry, TimeProvider time, SpoolCommitFiles commitFiles)
    {
        // FASTER checks a commit record with an XOR of its fields and, when that fails, keeps the addresses it had read
        // before it failed: it then recovers a log at garbage addresses (and tries no other commit). So the newest
        // record is checked here first, and only one that makes sense is left for FASTER to read.
        var why = LatestCommitFault(directory, geometry, out var commit);
        if (why is null)
        {
            try
            {
                var (device, log) = Create(directory, geometry, commitFiles);

                // FasterLog without a commit starts empty at its first address. A log recovered from a commit that had
                // removed everything begins where it ends, but past that address: its segment still holds data, and
                // nothing is wrong.
                if (commit is { } recovered && (log.BeginAddress != recovered.Begin || log.TailAddress != recovered.Until))
                {
                    why = $"FASTER recovered [{log.BeginAddress}, {log.TailAddress}) from a commit of [{recovered.Begin}, {recovered.Until})";
                }
                else if (log.TailAddress != log.BeginAddress || log.BeginAddress != FirstAddress || !Segments(directory).Any(HoldsData))
                {
                    return (device, log, null, null);
                }
                else
                {
                    why = commit is null ? "there is none" : "it covers none of the data the segments hold";
                }

                log.Dispose();
                device.Dispose();
            }
#pragma warning disable CA1031 // Whatever recovery throws, the commit it read is not to be trusted; the log is set aside below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                why = $"recovering from it failed: {ex.Message}";
            }
        }

        var aside = Path.Combine(directory, $"unrecoverable-{time.GetUtcNow():yyyyMMddTHHmmssfff}");
        Directory.CreateDirectory(aside);
        foreach (var file in Segments(directory))
        {
            file.MoveTo(Path.Combine(aside, file.Name));
        }

        // The commit records go along: left behind, FASTER would read the bad one again, at every start.
        var commits = Path.Combine(directory, CommitFolder);
        if (Directory.Exists(commits))
        {
            Directory.Move(commits, Path.Combine(aside, CommitFolder));
        }

        var (freshDevice, freshLog) = Create(directory, geometry, commitFiles);
        return (freshDevice, freshLog, aside, why);
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

    /// <summary>
    /// Commits and waits until the commit is durable, or failed, at most <see cref="CommitTimeout"/>.
    /// </summary>
    /// <inheritdoc cref="Commit(FasterLog, byte[], TimeProvider, TimeSpan)" path="/exception"/>
    public static void Commit(FasterLog log, byte[] cookie, TimeProvider time) => Commit(log, cookie, time, CommitTimeout);

    /// <summary>
    /// Commits and waits until the commit is durable, or failed. FasterLog's own wait spins (<c>Thread.Yield</c>) for as
    /// long as the commit's page writes take: on 2 cores that was CPU taken from the exporter at every commit. Here the
    /// thread sleeps until the commit's callback, looking every few milliseconds whether a failed flush failed it instead.
    /// </summary>
    /// <remarks>
    /// Bounded: a commit that neither completes nor fails within <paramref name="bound"/> (an exception inside FASTER's
    /// commit worker leaves it neither, and the wait, spinning or not, went on for ever, and the stop that waits for the
    /// last commit with it) fails, and the spool goes memory-only. <see cref="SpoolCommitWait"/> decides which of the
    /// signals, arriving from FASTER's threads in any order, wins. The bound is the caller's: a stop that must end soon
    /// passes less than <see cref="CommitTimeout"/>.
    /// </remarks>
    /// <exception cref="CommitFailureException">A page write of this commit (or of one before it) failed.</exception>
    /// <exception cref="IOException">The commit did not complete within <paramref name="bound"/>.</exception>
    public static void Commit(FasterLog log, byte[] cookie, TimeProvider time, TimeSpan bound)
    {
        var started = time.GetTimestamp();
        var wait = new SpoolCommitWait(bound);
#pragma warning disable CA2000 // Never disposed: FASTER may set it after a failure ended this wait, and it holds no kernel handle unless asked for one.
        var persisted = new ManualResetEventSlim();
#pragma warning restore CA2000
        if (!log.CommitStrongly(out var tail, out var number, spinWait: false, cookie, callback: persisted.Set))
        {
            return;
        }

        // Only to hear of a failure: its success may wait for a pool thread, the callback does not.
        var outcome = log.WaitForCommitAsync(tail, number).AsTask();

        // The clock is read before the signals: one that arrived within the bound is then seen no later than the
        // sighting that finds the bound passed, and wins over the timeout.
        while (wait.Observe(time.GetElapsedTime(started), persisted.IsSet, outcome.IsCompletedSuccessfully, outcome.Exception?.InnerException) == SpoolCommitDecision.Pending)
        {
            persisted.Wait(CommitPoll);
        }

        if (wait.Failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (wait.Decision == SpoolCommitDecision.TimedOut)
        {
            throw new IOException($"a commit did not complete within {bound.TotalSeconds:0.###} s");
        }
    }

    private static (IDevice Device, FasterLog Log) Create(string directory, SpoolGeometry geometry, SpoolCommitFiles commitFiles)
    {
        var device = new SpoolDevice(Path.Combine(directory, SegmentName), ownThread: true);
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, CommitFolder));
            var log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitManager = new DeviceLogCommitCheckpointManager(commitFiles, new DefaultCheckpointNamingScheme(directory), removeOutdated: true),
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

    /// <summary>
    /// Why the newest commit record (FASTER recovers from the newest only) cannot be trusted, or null, with the range it
    /// says the log holds (null when there is no commit): its length, FASTER's own checksum, its number, and addresses
    /// that a log of this geometry, with these segment files, can have.
    /// </summary>
    private static string? LatestCommitFault(string directory, SpoolGeometry geometry, out (long Begin, long Until)? commit)
    {
        commit = null;
        var folder = new DirectoryInfo(Path.Combine(directory, CommitFolder));
        if (!folder.Exists)
        {
            return null;
        }

        var files = folder.GetFiles().Select(f => (File: f, Number: CommitNumber(f.Name))).ToList();
        if (files.Count == 0)
        {
            return null;
        }

        if (files.Any(f => f.Number is null))
        {
            return $"'{files.First(f => f.Number is null).File.Name}' is not a commit record FASTER can list";
        }

        var (file, number) = files.MaxBy(f => f.Number);
        try
        {
            // The largest cookie (RemovedRanges, at most 16,384 ranges) is 256 KiB: a file far larger is not a commit.
            if (file.Length > 4 << 20)
            {
                return $"'{file.Name}' is {file.Length} bytes long";
            }

            var bytes = File.ReadAllBytes(file.FullName);
            var size = bytes.Length < 4 ? -1 : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes);
            if (size < 0 || size > bytes.Length - 4)
            {
                return $"'{file.Name}' is cut short or its length is garbage";
            }

            // The layout FASTER 2.6.5 writes (FasterLogRecoveryInfo.ToByteArray, version 1): version(4) checksum(8)
            // begin(8) until(8) commitNum(8) iteratorCount(4) cookieLength(4) cookie. FASTER trusts the two counts to
            // read on (and checksums the cookie through a pointer, past the array when the count lies): they are
            // checked first. The spool names no iterators.
            if (size < CommitFixedSize
                || System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 + CommitFixedSize - 8)) != 0
                || System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 + CommitFixedSize - 4)) is var cookieLength
                    && cookieLength != size - CommitFixedSize && !(cookieLength == -1 && size == CommitFixedSize))
            {
                return $"'{file.Name}' does not have the layout of a FasterLog commit";
            }

            var info = default(FasterLogRecoveryInfo);
            using (var reader = new BinaryReader(new MemoryStream(bytes, 4, size)))
            {
                info.Initialize(reader);
            }

            if (info.CommitNum != -1 && info.CommitNum != number)
            {
                return $"'{file.Name}' says it is commit {info.CommitNum}";
            }

            var (begin, until) = (info.BeginAddress, info.UntilAddress);
            if (begin < FirstAddress || until < begin || until >= AddressLimit || begin % EntryAlignment != 0 || until % EntryAlignment != 0)
            {
                return $"'{file.Name}' says the log holds [{begin}, {until})";
            }

            // FASTER's XOR lets garbage in the cookie through (the removed ranges: records re-sent or dropped,
            // uncounted); the cookie's own CRC covers it and the begin address, and so pins until too.
            if (RemovedRanges.Fault(info.Cookie, begin, until) is { } cookieFault)
            {
                return $"'{file.Name}': {cookieFault}";
            }

            // Every segment the range spans must be there (the last one may be cut short: the scan counts that).
            for (var segment = begin >> geometry.SegmentBits; until > begin && segment <= (until - 1) >> geometry.SegmentBits; segment++)
            {
                if (!File.Exists(Path.Combine(directory, $"{SegmentName}.{segment}")))
                {
                    return $"'{file.Name}' says the log holds [{begin}, {until}), but segment {segment} is missing";
                }
            }

            commit = (begin, until);
            return null;
        }
#pragma warning disable CA1031 // FASTER's bad checksum, an unreadable file, garbage lengths: the commit is not to be trusted, whatever the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"'{file.Name}' cannot be read: {ex.Message}";
        }
    }

    /// <summary>N of <c>commit.N.0</c>, the names FASTER's DefaultCheckpointNamingScheme gives and parses; null for any other name.</summary>
    private static long? CommitNumber(string name) =>
        name.Split('.') is ["commit", var number, "0"] && long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    // A segment may be a link (to another disk, say): what counts is what it points to.
    private static bool HoldsData(FileInfo segment) =>
        (segment.LinkTarget is null ? segment : segment.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? segment).Length > 0;

    private static IEnumerable<FileInfo> Segments(string directory) => new DirectoryInfo(directory).EnumerateFiles(SegmentName + ".*");
}
