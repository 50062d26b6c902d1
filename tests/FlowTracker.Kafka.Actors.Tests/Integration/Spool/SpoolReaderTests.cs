using System.Collections.Concurrent;
using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// This run's records read back (what waited on disk only while memory was full), damaged on disk after they were
/// written: past a damaged place the reader goes on at the next whole record, as the backlog scan does, instead of at
/// the next page; the records it skips are counted.
/// </summary>
public sealed class SpoolReaderTests : IDisposable
{
    private const int Records = 3000;
    private static readonly SpoolGeometry Geometry = SpoolGeometry.For(MaxBytes);
    private readonly SpoolDirectory _directory = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly List<SpoolId> _ids = [];
    private readonly TraceSpool _spool;

    public SpoolReaderTests()
    {
        _spool = TraceSpool.Open(_directory.Path, MaxBytes, TimeSpan.FromMilliseconds(50), _warnings.Enqueue);
        var random = new Random(15);
        for (var i = 0; i < Records; i++)
        {
            _ids.Add(_spool.Append(Key(i), Value(i, random.Next(100, 3000))).Id);
        }

        _spool.Commit();
    }

    public void Dispose()
    {
        _spool.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Undamaged_EveryRecordReadBack_InOrder_WithItsValue()
    {
        var records = ReadAll();

        Assert.Equal(Enumerable.Range(0, Records), records.Select(r => Number(r.Key)));
        Assert.All(records, r => Assert.Equal(Value(Number(r.Key), r.Value.Length), r.Value));
        Assert.Equal(_ids, records.Select(r => r.Id));
        Assert.Equal(0, _spool.Stats().Corrupt);
    }

    [Fact]
    public void RecordsLengthScrambled_OnlyThatRecordSkipped_TheRestOfItsPageRead()
    {
        // A garbage length makes FasterLog throw; the reader went on at the next page and lost the rest of this one.
        var damaged = RecordFollowedInItsPage();
        _directory.Write(_ids[damaged].Address, [0xA5, 0xA5, 0xA5, 0xA5], Geometry);

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != damaged), ReadAll().Select(r => Number(r.Key)));
        Assert.Equal(1, _spool.Stats().Corrupt);
    }

    [Fact]
    public void ZerosOverARecordInTheMiddleOfAPage_OnlyThatRecordSkipped_TheRestOfItsPageRead()
    {
        // A zero length is, to FasterLog, the padding at a page's end: it went on at the next page, silently.
        var damaged = RecordFollowedInItsPage();
        _directory.Write(_ids[damaged].Address, new byte[16], Geometry);

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != damaged), ReadAll().Select(r => Number(r.Key)));
        Assert.Equal(1, _spool.Stats().Corrupt);
    }

    [Fact]
    public void TwoDamagedPlacesInOnePage_EachSkippedAndCounted_TheRestRead()
    {
        var first = RecordFollowedInItsPage();
        _directory.Write(_ids[first].Address, [0xA5, 0xA5, 0xA5, 0xA5], Geometry);
        _directory.Write(_ids[first + 2].Address + 2, [.. Enumerable.Repeat((byte)0xA5, 8)], Geometry);

        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != first && i != first + 2), ReadAll().Select(r => Number(r.Key)));
        Assert.Equal(2, _spool.Stats().Corrupt);
    }

    /// <summary>A record well behind the log's four pages in memory (so it is read from disk) with three more after it in its page.</summary>
    private int RecordFollowedInItsPage() =>
        Enumerable.Range(1000, 100).First(i => _ids[i].Address >> Geometry.PageBits == _ids[i + 3].Address >> Geometry.PageBits);

    private List<SpoolRecord> ReadAll()
    {
        using var reader = _spool.ReadFrom(_ids[0].Address);
        var records = new List<SpoolRecord>();
        while (reader.TryNext(out var record))
        {
            records.Add(record!);
        }

        Assert.Equal(_ids[^1].End, reader.Position);
        return records;
    }
}
