using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// The outside tester's case: 2,000 traces of about 736 B, 300 seeded random bytes written at half the log's length.
/// Before the scan resynchronised by length and CRC, a garbage length FasterLog could follow lost the rest of the page.
/// </summary>
public sealed class SpoolResyncTests : IDisposable
{
    private const int Records = 2000;
    private readonly SpoolDirectory _directory = new();
    private readonly List<SpoolId> _ids = [];

    public SpoolResyncTests()
    {
        using var spool = Open();
        for (var i = 0; i < Records; i++)
        {
            _ids.Add(spool.Append(Key(i), Value(i, 712)).Id);
        }
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void RandomBytesAtHalfTheLog_OnlyTheRecordsTheyHitSkipped_TheRestRecovered(int seed)
    {
        var damage = new byte[300];
        new Random(seed).NextBytes(damage);
        var geometry = SpoolGeometry.For(MaxBytes);
        // Shifted by the seed, so that some cover a record's length (FasterLog then lost the rest of the page), some not.
        var at = ((_ids[0].Address + _ids[^1].End) / 2) + (seed * 131);
        using (var file = _directory.Segments[(int)(at >> geometry.SegmentBits)].Open(FileMode.Open))
        {
            file.Position = at & ((1L << geometry.SegmentBits) - 1);
            file.Write(damage);
        }

        using var spool = Open();
        var numbers = spool.ReadBacklog().Select(r => Number(r.Key)).ToList();

        // A record's last bytes may be FasterLog's alignment, which no CRC covers: damage there harms nothing.
        var hit = Enumerable.Range(0, Records)
            .Where(i => _ids[i].Address < at + damage.Length && _ids[i].Address + 4 + SpoolRecordFormat.SizeOf(Key(i), Value(i, 712), null) > at)
            .ToList();
        Assert.InRange(hit.Count, 1, 2);
        Assert.Equal(Enumerable.Range(0, Records).Except(hit), numbers);
        Assert.Equal(1, spool.Stats().Corrupt);
    }

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, MaxBytes, TimeSpan.FromMilliseconds(50));
}
