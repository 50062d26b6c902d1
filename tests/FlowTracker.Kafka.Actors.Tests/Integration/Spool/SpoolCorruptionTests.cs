using System.Collections.Concurrent;
using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>A spool whose files were damaged between two runs: what can be read is recovered, what cannot is skipped and counted.</summary>
public sealed class SpoolCorruptionTests : IDisposable
{
    private const int Records = 3000;
    private static readonly SpoolGeometry Geometry = SpoolGeometry.For(MaxBytes);
    private readonly SpoolDirectory _directory = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly List<SpoolId> _ids = [];

    public SpoolCorruptionTests()
    {
        using var spool = Open();
        var random = new Random(15);
        for (var i = 0; i < Records; i++)
        {
            _ids.Add(spool.Append(Key(i), Value(i, random.Next(100, 3000))).Id);
        }
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TailCutShort_RecordsBeforeTheCutRecovered_TheCutCounted()
    {
        var last = _directory.Segments[^1];
        var cutAt = last.Length - 5000;
        using (var file = last.Open(FileMode.Open))
        {
            file.SetLength(cutAt);
        }

        var (numbers, stats) = Recover();

        var whole = _ids.Count(id => Offset(id.End) <= cutAt || Segment(id.Address) < _directory.Segments.Length - 1);
        Assert.Equal(Enumerable.Range(0, whole), numbers);
        Assert.Equal(1, stats.Corrupt);
    }

    [Fact]
    public void LastBytesScrambled_LastRecordSkippedAndCounted_RestRecovered()
    {
        var tail = _ids[^1];
        Scramble(tail.End - 40, 40);

        var (numbers, stats) = Recover();

        Assert.Equal(Enumerable.Range(0, Records - 1), numbers);
        Assert.Equal(1, stats.Corrupt);
    }

    [Fact]
    public void OneRecordsPayloadScrambled_OnlyThatRecordSkipped()
    {
        Scramble(_ids[1000].Address + 20, 8);

        var (numbers, stats) = Recover();

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != 1000), numbers);
        Assert.Equal(1, stats.Corrupt);
    }

    [Fact]
    public void OneRecordsLengthScrambled_TheRestOfItsPageSkipped_EveryOtherPageRecovered()
    {
        // FasterLog cannot find the next entry after a garbage length: the scan starts again at the next page.
        var broken = _ids[1000];
        Scramble(broken.Address, 4);
        var nextPage = ((broken.Address >> Geometry.PageBits) + 1) << Geometry.PageBits;

        var (numbers, stats) = Recover();

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i < 1000 || _ids[i].Address >= nextPage), numbers);
        Assert.Equal(1, stats.Corrupt);
    }

    [Fact]
    public void CommitRecordLost_SegmentsSetAsideWithAWarning_AndANewSpoolStarts()
    {
        foreach (var commit in Directory.EnumerateFiles(_directory.Path, "commit.*", SearchOption.AllDirectories))
        {
            File.Delete(commit);
        }

        using var spool = Open();

        Assert.Empty(spool.ReadBacklog());
        Assert.Equal(1, spool.Stats().Corrupt);
        Assert.Contains("no readable commit", Assert.Single(_warnings), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.EnumerateFiles(Assert.Single(Directory.EnumerateDirectories(_directory.Path, "unrecoverable-*")), "spool.log.*"));
        Assert.True(spool.Append(Key(1), Value(1, 100)).IsSpooled);
    }

    private (List<int> Numbers, SpoolStats Stats) Recover()
    {
        using var spool = Open();
        var numbers = spool.ReadBacklog().Select(r => Number(r.Key)).ToList();

        // What was skipped is counted as removed: once the rest is removed too, nothing is left.
        var stats = spool.Stats();
        return (numbers, stats);
    }

    private void Scramble(long address, int count)
    {
        using var file = _directory.Segments[Segment(address)].Open(FileMode.Open);
        file.Position = Offset(address);
        file.Write([.. Enumerable.Repeat((byte)0xA5, count)]);
    }

    private static int Segment(long address) => (int)(address >> Geometry.SegmentBits);

    private static long Offset(long address) => address & ((1L << Geometry.SegmentBits) - 1);

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, MaxBytes, TimeSpan.FromMilliseconds(50), _warnings.Enqueue);
}
