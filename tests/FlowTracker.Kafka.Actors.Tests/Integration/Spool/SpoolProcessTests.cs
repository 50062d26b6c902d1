using System.Globalization;
using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>The spool against a real second process: one killed by SIGKILL while it appends, one holding the directory.</summary>
public sealed class SpoolProcessTests : IDisposable
{
    private readonly SpoolDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void WriterKilledBySigkill_EveryRecordItsCommitsCovered_Recovered_InOrder(int commitsBeforeKill)
    {
        long committed = 0;
        using (var child = SpoolChild.Start(SpoolChild.Append, _directory.Path))
        {
            for (var seen = 0; seen < commitsBeforeKill;)
            {
                var line = child.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the child ended before it was killed");
                if (line.StartsWith("committed ", StringComparison.Ordinal))
                {
                    committed = long.Parse(line["committed ".Length..], CultureInfo.InvariantCulture);
                    seen++;
                }
            }

            child.Kill(); // SIGKILL on Linux: no finalizer, no Dispose, no flush.
            child.WaitForExit();
        }

        using var spool = TraceSpool.Open(_directory.Path, 1L << 30, SpoolChild.CommitInterval);
        long next = 0;
        foreach (var record in spool.ReadBacklog())
        {
            var (key, value) = SpoolChild.Record(next);
            Assert.Equal(key, record.Key);
            Assert.Equal(value, record.Value);
            next++;
        }

        Assert.True(next >= committed, $"{next} record(s) recovered, {committed} were committed before the kill");
        Assert.Equal(0, spool.Stats().Corrupt);
    }

    [Fact]
    public void DirectoryHeldByAnotherProcess_OpenRefusedNamingIt_UntilThatProcessEnds()
    {
        using var holder = SpoolChild.Start(SpoolChild.Hold, _directory.Path);
        Assert.Equal("holding", holder.StandardOutput.ReadLine());

        var refused = Assert.Throws<SpoolLockedException>(() => TraceSpool.Open(_directory.Path, 1L << 30, SpoolChild.CommitInterval));

        Assert.Contains(_directory.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"process {holder.Id} ", refused.Message, StringComparison.Ordinal);
        holder.StandardInput.Close();
        holder.WaitForExit();
        using var after = TraceSpool.Open(_directory.Path, 1L << 30, SpoolChild.CommitInterval);
        Assert.False(after.Stats().IsDegraded);
    }
}
