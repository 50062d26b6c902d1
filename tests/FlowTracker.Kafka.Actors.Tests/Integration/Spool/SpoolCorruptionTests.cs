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
    public void OneRecordsLengthScrambled_OnlyThatRecordSkipped()
    {
        // FasterLog cannot find the next entry after a garbage length: the scan finds it by its own length and CRC.
        Scramble(_ids[1000].Address, 4);

        var (numbers, stats) = Recover();

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != 1000), numbers);
        Assert.Equal(1, stats.Corrupt);
    }

    [Fact]
    public void TwoDamagedPlacesInOnePage_EachSkippedAndCounted_TheRestRecovered()
    {
        var first = Enumerable.Range(1000, 100).First(i => _ids[i].Address >> Geometry.PageBits == _ids[i + 3].Address >> Geometry.PageBits);
        Scramble(_ids[first].Address, 4);
        Scramble(_ids[first + 2].Address + 2, 8);

        var (numbers, stats) = Recover();

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != first && i != first + 2), numbers);
        Assert.Equal(2, stats.Corrupt);
    }

    [Fact]
    public void ZerosOverARecordInTheMiddleOfAPage_OnlyThatRecordSkipped_TheRestOfItsPageRecovered()
    {
        // FasterLog takes a zero length for the padding at a page's end and goes on at the next page: the scan looks
        // for whole records in the rest of the page first.
        var first = Enumerable.Range(1000, 100).First(i => _ids[i].Address >> Geometry.PageBits == _ids[i + 3].Address >> Geometry.PageBits);
        Write(_ids[first].Address, new byte[16]);

        var (numbers, stats) = Recover();

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != first), numbers);
        Assert.Equal(1, stats.Corrupt);
    }

    [Fact]
    public void CommitRecordLost_SegmentsSetAsideWithAWarning_AndANewSpoolStarts()
    {
        foreach (var commit in Directory.EnumerateFiles(_directory.Path, "commit.*", SearchOption.AllDirectories))
        {
            File.Delete(commit);
        }

        _directory.AssertSetAsideAndNewSpoolWorks(Open, _warnings, records: 100);
    }

    /// <summary>
    /// The commit record (4-byte length, then version(4) checksum(8) begin(8) until(8) commitNum(8) iteratorCount(4)
    /// cookieLength(4) cookie) overwritten, cut, or one byte flipped; FASTER's XOR checksum lets some of it through
    /// and keeps the garbage addresses it read before it failed.
    /// </summary>
    [Theory]
    [InlineData("random 1")]
    [InlineData("random 2")]
    [InlineData("random 3")]
    [InlineData("random 4")]
    [InlineData("random 5")]
    [InlineData("random 6")]
    [InlineData("flip 0")]
    [InlineData("flip 4")]
    [InlineData("flip 8")]
    [InlineData("flip 17")]
    [InlineData("flip 27")]
    [InlineData("flip 33")]
    [InlineData("flip 40")]
    [InlineData("flip 44")]
    [InlineData("flip -1")]
    [InlineData("flip -30")]
    [InlineData("cut 30")]
    [InlineData("cut -3")]
    public void CommitRecordDamaged_SegmentsSetAsideWithAWarning_AndANewSpoolStarts(string damage)
    {
        var commit = LatestCommit();
        var bytes = File.ReadAllBytes(commit);
        var (kind, at) = (damage.Split(' ')[0], int.Parse(damage.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));

        // From the record's end when negative: the file may go on past it, padded to the device's sector.
        at = at < 0 ? 4 + BitConverter.ToInt32(bytes) + at : at;
        switch (kind)
        {
            case "random":
                bytes = new byte[512];
                new Random(at).NextBytes(bytes);
                break;
            case "flip":
                bytes[at] ^= 0x10;
                break;
            default:
                bytes = bytes[..at];
                break;
        }

        File.WriteAllBytes(commit, bytes);

        _directory.AssertSetAsideAndNewSpoolWorks(Open, _warnings, records: 100);
    }

    /// <summary>Commit records FASTER's own checksum accepts, with addresses the log cannot have.</summary>
    [Theory]
    [InlineData(64, 1L << 40)] // beyond every segment file
    [InlineData(1L << 40, 1L << 41)] // both beyond
    [InlineData(200_064, 100_064)] // begin past the tail
    [InlineData(64, 100_066)] // not aligned as FasterLog's entries are
    [InlineData(0, 100_064)] // before the log's first address
    [InlineData(64, 1L << 62)] // beyond FASTER's address space
    public void CommitRecordWithImpossibleAddresses_SegmentsSetAsideWithAWarning_AndANewSpoolStarts(long begin, long until)
    {
        var commit = LatestCommit();
        var number = long.Parse(Path.GetFileName(commit).Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = new FASTER.core.FasterLogRecoveryInfo { BeginAddress = begin, UntilAddress = until, CommitNum = number, Cookie = [] }.ToByteArray();
        File.WriteAllBytes(commit, [.. BitConverter.GetBytes(body.Length), .. body]);

        _directory.AssertSetAsideAndNewSpoolWorks(Open, _warnings, records: 100);
    }

    private string LatestCommit() => _directory.Commits[^1];

    private (List<int> Numbers, SpoolStats Stats) Recover()
    {
        using var spool = Open();
        var numbers = spool.ReadBacklog().Select(r => Number(r.Key)).ToList();

        // What was skipped is counted as removed: once the rest is removed too, nothing is left.
        var stats = spool.Stats();
        return (numbers, stats);
    }

    private void Scramble(long address, int count) => Write(address, [.. Enumerable.Repeat((byte)0xA5, count)]);

    private void Write(long address, byte[] bytes) => _directory.Write(address, bytes, Geometry);

    private static int Segment(long address) => (int)(address >> Geometry.SegmentBits);

    private static long Offset(long address) => address & ((1L << Geometry.SegmentBits) - 1);

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, MaxBytes, TimeSpan.FromMilliseconds(50), _warnings.Enqueue);
}
