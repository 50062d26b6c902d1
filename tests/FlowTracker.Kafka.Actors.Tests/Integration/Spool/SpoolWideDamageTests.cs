using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// The outside tester's case: damage over several records of about 2,080 B (5,000 B of garbage, 100,000 B of zeros)
/// near a page's start or in its middle. The scan, and this run's read-back, must go on at the next whole record in
/// the same page: the tester lost the rest of the page, hundreds of records, uncounted.
/// </summary>
public sealed class SpoolWideDamageTests : IDisposable
{
    // The last page about 90 % full: the damage lies in its whole records, with more after it.
    private const int Records = 30_200;
    private const long SpoolBytes = 1L << 30;
    private const int ValueLength = 2060;
    private static readonly SpoolGeometry Geometry = SpoolGeometry.For(SpoolBytes);
    private readonly SpoolDirectory _directory = new();
    private readonly List<SpoolId> _ids = [];

    public void Dispose() => _directory.Dispose();

    /// <summary>Zeros from a record's start are, to FasterLog, the padding at its page's end: on the last page, the end of the log.</summary>
    public static TheoryData<string, bool, bool, bool> Damages => new()
    {
        { "garbage 5000 at page start + 777", false, true, false },
        { "zeros 100000 at page start + 777", false, false, false },
        { "garbage 5000 mid-page", true, true, false },
        { "zeros 100000 mid-page", true, false, false },
        { "zeros 100000 from the record at page start + 777", false, false, true },
        { "zeros 100000 from the record at mid-page", true, false, true },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Backlog_DamageOverSeveralRecordsOfItsLastPage_EveryRecordItDoesNotOverlapRecovered(string name, bool midPage, bool garbage, bool fromRecord) =>
        AssertBacklogRecovered(name, lastPage: true, midPage, garbage, fromRecord);

    [Theory]
    [MemberData(nameof(Damages))]
    public void Backlog_DamageOverSeveralRecordsOfAnEarlyPage_EveryRecordItDoesNotOverlapRecovered(string name, bool midPage, bool garbage, bool fromRecord) =>
        AssertBacklogRecovered(name, lastPage: false, midPage, garbage, fromRecord);

    private void AssertBacklogRecovered(string name, bool lastPage, bool midPage, bool garbage, bool fromRecord)
    {
        Assert.NotNull(name);
        using (var spool = Open())
        {
            Append(spool);
        }

        var hit = Damage(lastPage ? _ids[^1].Address >> Geometry.PageBits : 10, midPage, garbage, fromRecord);

        var warnings = new List<string>();
        using var reopened = TraceSpool.Open(_directory.Path, SpoolBytes, TimeSpan.FromMilliseconds(50), warnings.Add);
        var numbers = reopened.ReadBacklog().Select(r => Number(r.Key)).ToList();

        Assert.Equal(Enumerable.Range(0, Records).Except(hit), numbers);
        Assert.Equal(1, reopened.Stats().Corrupt);

        // One place, however many records: the warning says how many bytes, those of the records hit (and the padding
        // at the end of the page before, less than a record, when the damage starts its page).
        var bytes = long.Parse(System.Text.RegularExpressions.Regex.Match(Assert.Single(warnings), @"(\d+) byte\(s\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(bytes, hit.Sum(i => _ids[i].Size), hit.Sum(i => _ids[i].Size) + _ids[0].Size);
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void ReadBack_DamageOverSeveralRecords_EveryRecordItDoesNotOverlapRead(string name, bool midPage, bool garbage, bool fromRecord)
    {
        Assert.NotNull(name);
        using var spool = Open();
        Append(spool);
        spool.Commit();

        // A page well behind the four the log keeps in memory: read back from disk.
        var hit = Damage(10, midPage, garbage, fromRecord);

        var numbers = new List<int>();
        using (var reader = spool.ReadFrom(_ids[0].Address))
        {
            while (reader.TryNext(out var record))
            {
                numbers.Add(Number(record!.Key));
            }

            Assert.Equal(_ids[^1].End, reader.Position);
        }

        Assert.Equal(Enumerable.Range(0, Records).Except(hit), numbers);
        Assert.Equal(1, spool.Stats().Corrupt);
    }

    private void Append(TraceSpool spool)
    {
        for (var i = 0; i < Records; i++)
        {
            var append = spool.Append(Key(i), Value(i, ValueLength));
            Assert.True(append.IsSpooled);
            _ids.Add(append.Id);
        }
    }

    /// <summary>Damages <paramref name="page"/> from its start + 777 or its middle + 777 (or the record starting next); returns the records hit.</summary>
    private List<int> Damage(long page, bool midPage, bool garbage, bool fromRecord)
    {
        var length = garbage ? 5000 : 100_000;
        var bytes = new byte[length];
        if (garbage)
        {
            new Random(7).NextBytes(bytes);
        }

        var at = (page * Geometry.PageSize) + (midPage ? Geometry.PageSize / 2 : 0) + 777;
        at = fromRecord ? _ids.First(i => i.Address >= at).Address : at;
        _directory.Write(at, bytes, Geometry);

        // A record's last bytes may be FasterLog's alignment, which no CRC covers: damage there harms nothing.
        var hit = Enumerable.Range(0, Records)
            .Where(i => _ids[i].Address < at + length && _ids[i].Address + 4 + SpoolRecordFormat.SizeOf(Key(i), Value(i, ValueLength), null) > at)
            .ToList();
        Assert.InRange(hit.Count, 3, 50);
        return hit;
    }

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, SpoolBytes, TimeSpan.FromMilliseconds(50));
}
