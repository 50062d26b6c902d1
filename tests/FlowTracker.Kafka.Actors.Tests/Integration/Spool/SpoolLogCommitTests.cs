using FASTER.core;
using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// SpoolLog.Commit against a real FasterLog: its wait, fed from FASTER's own threads, still answers durable, and a
/// failed page write comes out as FASTER's exception, not as a hang or a timeout.
/// </summary>
public sealed class SpoolLogCommitTests : IDisposable
{
    private readonly SpoolDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ACommit_ReturnsOnceItsRecordsAreOnDisk()
    {
        var (device, log) = Open();
        using (device)
        using (log)
        {
            var tail = Append(log);

            SpoolLog.Commit(log, [], TimeProvider.System);

            Assert.True(log.CommittedUntilAddress >= tail, $"returned with the log committed up to {log.CommittedUntilAddress}, not {tail}");
            Assert.NotEmpty(_directory.Commits);
        }
    }

    [Fact]
    public void APageWriteFails_TheCommitThrowsFasterFailure_WellWithinItsBound()
    {
        // The first segment cannot be opened as a file: the page write fails in the device, and FASTER fails the commit.
        Directory.CreateDirectory(Path.Combine(_directory.Path, SpoolLog.SegmentName + ".0"));
        var (device, log) = Open();
        using (device)
        using (log)
        {
            Append(log);
            var started = TimeProvider.System.GetTimestamp();

            Assert.Throws<CommitFailureException>(() => SpoolLog.Commit(log, [], TimeProvider.System, TimeSpan.FromSeconds(30)));
            Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(10));
        }
    }

    private (IDevice Device, FasterLog Log) Open()
    {
        var (device, log, setAside, why) = SpoolLog.Open(_directory.Path, SpoolGeometry.For(MaxBytes), TimeProvider.System, new SpoolCommitFiles());
        Assert.Null(setAside);
        Assert.Null(why);
        return (device, log);
    }

    private static long Append(FasterLog log)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(SpoolLog.Enqueue(log, Value(i, 1300), TimeProvider.System, out var failure));
            Assert.Null(failure);
        }

        return log.TailAddress;
    }
}
