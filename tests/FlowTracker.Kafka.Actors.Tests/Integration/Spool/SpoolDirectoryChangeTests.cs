using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// The spool's directory changed under a running spool (from an outside attack): it must notice at its next commit and
/// go memory-only, saying why, instead of committing what the next start will never find.
/// </summary>
public sealed class SpoolDirectoryChangeTests : IDisposable
{
    // Only the tests commit: no commit of the spool's own thread races a change of the directory.
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly SpoolDirectory _directory = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void CommitRecordsCannotBeWritten_TheSpoolDegrades_AndTheNextStartRecoversUpToTheLastGoodCommit()
    {
        var commits = Path.Combine(_directory.Path, "log-commits");
        var kept = commits + ".kept";
        using (var spool = Open())
        {
            AppendRange(spool, 0, 10);
            spool.Commit();

            // New commit records cannot be created there (as in a directory remounted read-only), the last one stays.
            Directory.Move(commits, kept);
            File.WriteAllText(commits, "not a directory");
            AppendRange(spool, 10, 10);
            spool.Commit();

            Assert.Contains("commit record could not be written", spool.Stats().DegradedReason, StringComparison.Ordinal);
            Assert.Equal(SpoolAppendStatus.Unavailable, spool.Append(Key(20), Value(20, 1300)).Status);
            Assert.Contains(_warnings, w => w.Contains("memory only", StringComparison.Ordinal));
        }

        File.Delete(commits);
        Directory.Move(kept, commits);
        using var reopened = Open();
        Assert.Equal(Enumerable.Range(0, 10), reopened.ReadBacklog().Select(r => Number(r.Key)));
    }

    [Fact]
    public void CommitRecordWriteFails_TheCommitBeforeItIsKept_AndTheNextStartRecoversUpToIt()
    {
        // The directory takes new files and deletes old ones: only the write itself fails (as on a full disk).
        var failing = false;
        using (var spool = TraceSpool.Open(_directory.Path, MaxBytes, Interval, w => _warnings.Enqueue(w.ToString()), beforeCommitRecord: () =>
        {
            if (Volatile.Read(ref failing))
            {
                throw new IOException("injected: no space left on device");
            }
        }))
        {
            AppendRange(spool, 0, 10);
            spool.Commit();
            Volatile.Write(ref failing, true);
            AppendRange(spool, 10, 10);
            spool.Commit();

            Assert.Contains("commit record could not be written", spool.Stats().DegradedReason, StringComparison.Ordinal);
        }

        using var reopened = Open();
        Assert.Equal(Enumerable.Range(0, 10), reopened.ReadBacklog().Select(r => Number(r.Key)));
        Assert.Equal(0, reopened.Stats().Corrupt);
    }

    [Fact]
    public void DirectoryDeletedWhileInUse_TheSpoolDegrades_MakesNothingThere_AndASecondSpoolTakesTheNewDirectory()
    {
        using var first = CommittedThenDirectoryDeleted();
        AppendRange(first, 5, 5);
        first.Commit();

        Assert.Contains("deleted or moved", first.Stats().DegradedReason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory.Path), "the degraded spool made its deleted directory again");

        using var second = Open();
        AppendRange(second, 0, 3);
        second.Commit();
        first.Commit();

        Assert.Null(second.Stats().DegradedReason);
        Assert.Equal(3, second.Stats().Committed);
    }

    [Fact]
    public void DirectoryDeletedAndTakenByASecondSpool_TheFirstDegradesAtItsNextCommit_NamingTheNewHolder()
    {
        using var first = CommittedThenDirectoryDeleted();
        using var second = Open();
        first.Commit();

        Assert.Contains("is now held by process", first.Stats().DegradedReason, StringComparison.Ordinal);
        Assert.Null(second.Stats().DegradedReason);
    }

    private static void AppendRange(TraceSpool spool, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            Assert.Equal(SpoolAppendStatus.Spooled, spool.Append(Key(i), Value(i, 1300)).Status);
        }
    }

    [Fact]
    public void CommitRecordFindsNoRoomOnce_ItTakesTheReserve_TheSpoolGoesOn_AndTheReserveIsMadeAgain()
    {
        // A disk the spool filled: without room for a new commit record it could never remove what it delivered.
        var failures = 0;
        var reserve = Path.Combine(_directory.Path, "spool.reserve");
        using var spool = TraceSpool.Open(_directory.Path, MaxBytes, Interval, w => _warnings.Enqueue(w.ToString()), beforeCommitRecord: () =>
        {
            if (Interlocked.Decrement(ref failures) >= 0)
            {
                throw new IOException("injected: no space left on device");
            }
        });
        Assert.Equal(SpoolReserve.Bytes, new FileInfo(reserve).Length);
        AppendRange(spool, 0, 10);
        Volatile.Write(ref failures, 1);

        spool.Commit();

        Assert.Null(spool.Stats().DegradedReason);
        Assert.Equal(10, spool.Stats().Committed);
        Assert.Equal(SpoolReserve.Bytes, new FileInfo(reserve).Length);
        Assert.Empty(_warnings);
    }

    /// <summary>A spool with five records committed, whose directory was then deleted under it.</summary>
    private TraceSpool CommittedThenDirectoryDeleted()
    {
        var spool = Open();
        AppendRange(spool, 0, 5);
        spool.Commit();
        Directory.Delete(_directory.Path, recursive: true);
        return spool;
    }

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, MaxBytes, Interval, _warnings.Enqueue);
}
