using System.Text;
using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>The spool on a real disk: what goes in, what comes back at the next start, what it refuses, and the space it gives back.</summary>
public sealed class TraceSpoolTests : IDisposable
{
    internal const long MaxBytes = 8L << 20;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly SpoolDirectory _directory = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Reopened_GivesBackWhatWasNotRemoved_OldestFirst_WithKeysValuesAndHeaders()
    {
        var ids = new List<SpoolId>();
        using (var spool = Open())
        {
            for (var i = 0; i < 100; i++)
            {
                var append = spool.Append(Key(i), Value(i, 1300), [new SpoolHeader("content-type", "application/json"u8.ToArray()), new SpoolHeader("n", [(byte)i])]);
                Assert.Equal(SpoolAppendStatus.Spooled, append.Status);
                ids.Add(append.Id);
            }

            foreach (var id in ids.Where((_, i) => i % 3 == 0))
            {
                spool.Remove(id);
            }
        }

        using var reopened = Open();
        var backlog = reopened.ReadBacklog().ToList();

        var expected = Enumerable.Range(0, 100).Where(i => i % 3 != 0).ToList();
        Assert.Equal(expected, backlog.Select(r => Number(r.Key)));
        Assert.All(backlog, r => Assert.Equal(Value(Number(r.Key), 1300), r.Value));
        Assert.All(backlog, r => Assert.Equal(["content-type", "n"], r.Headers.Select(h => h.Name)));
        Assert.All(backlog, r => Assert.Equal([(byte)Number(r.Key)], r.Headers[1].Value));
        Assert.Equal(expected.Count, reopened.Stats().Recovered);
        Assert.Equal(0, reopened.Stats().Corrupt);
    }

    [Fact]
    public void RemovedInAnyOrder_AcrossPagePadding_ReopenedHoldsExactlyTheRest_AndThenNothing()
    {
        var random = new Random(15);
        var ids = new Dictionary<int, SpoolId>();
        using (var spool = Open())
        {
            // Sizes up to a tenth of a page: many records start a new page, leaving padding behind the one before.
            for (var i = 0; i < 400; i++)
            {
                var append = spool.Append(Key(i), Value(i, random.Next(10, 25_000)));
                Assert.True(append.IsSpooled);
                ids[i] = append.Id;
            }

            foreach (var i in ids.Keys.OrderBy(_ => random.Next()).Take(270).ToList())
            {
                spool.Remove(ids[i]);
                ids.Remove(i);
            }
        }

        using var reopened = Open();
        var backlog = reopened.ReadBacklog().ToList();
        Assert.Equal(ids.Keys.Order(), backlog.Select(r => Number(r.Key)));
        Assert.All(backlog, r => Assert.Equal(ids[Number(r.Key)], r.Id));

        var fresh = reopened.Append(Key(9999), Value(9999, 500));
        foreach (var record in backlog)
        {
            reopened.Remove(record.Id);
        }

        reopened.Remove(fresh.Id);
        reopened.Commit();
        Assert.Equal(0, reopened.Stats().LiveBytes);
    }

    [Fact]
    public void ReopenedWithAnotherMaxBytes_KeepsTheGeometryItWasCreatedWith_AndReadsWhatItHeld()
    {
        using (var spool = Open())
        {
            // Over a megabyte: past the first of this geometry's 1 MiB segments.
            for (var i = 0; i < 1000; i++)
            {
                Assert.True(spool.Append(Key(i), Value(i, 1300)).IsSpooled);
            }
        }

        using var reopened = TraceSpool.Open(_directory.Path, MaxBytes * 128, Interval, _warnings.Enqueue);

        Assert.Equal(Enumerable.Range(0, 1000), reopened.ReadBacklog().Select(r => Number(r.Key)));
        Assert.Equal(0, reopened.Stats().Corrupt);
    }

    [Fact]
    public void EverythingRemoved_Reopened_NothingComesBack_NothingCorrupt_NothingSetAside()
    {
        using (var spool = Open())
        {
            // Fewer bytes than one page: the log begins, after the removals, inside its first page.
            foreach (var id in Enumerable.Range(0, 200).Select(i => spool.Append(Key(i), Value(i, 1000)).Id).ToList())
            {
                spool.Remove(id);
            }
        }

        using var reopened = Open();

        Assert.Equal(0, reopened.BacklogBytes);
        Assert.Empty(reopened.ReadBacklog());
        Assert.Equal(0, reopened.Stats().Corrupt);
        Assert.Empty(_warnings);
        Assert.Empty(Directory.EnumerateDirectories(_directory.Path, "unrecoverable-*"));
    }

    [Fact]
    public void MaxBytes_Reached_RefusesNewestAndCounts_UntilRemovalsFreeRoom()
    {
        using var spool = TraceSpool.Open(_directory.Path, SpoolGeometry.MinMaxBytes, Interval);
        var accepted = new List<SpoolId>();
        SpoolAppend append;
        while ((append = spool.Append(Key(accepted.Count), Value(accepted.Count, 1300))).IsSpooled)
        {
            accepted.Add(append.Id);
        }

        Assert.Equal(SpoolAppendStatus.Full, append.Status);
        Assert.Equal(SpoolAppendStatus.Full, spool.Append(Key(0), Value(0, 1300)).Status);
        Assert.Equal(2, spool.Stats().Full);
        Assert.InRange(accepted.Count * 1300L, SpoolGeometry.MinMaxBytes * 9 / 10, SpoolGeometry.MinMaxBytes);

        foreach (var id in accepted.Take(accepted.Count / 2))
        {
            spool.Remove(id);
        }

        spool.Commit();
        Assert.True(spool.Append(Key(1), Value(1, 1300)).IsSpooled);
    }

    [Fact]
    public void RemovingDeliveredRecords_DeletesWholeSegmentFiles()
    {
        using var spool = Open();
        var ids = Enumerable.Range(0, 5000).Select(i => spool.Append(Key(i), Value(i, 1300)).Id).ToList();
        spool.Commit();
        var full = _directory.Bytes;
        Assert.True(_directory.Segments.Length >= 6, $"{_directory.Segments.Length} segment(s)");

        foreach (var id in ids)
        {
            spool.Remove(id);
        }

        spool.Commit();
        Assert.Equal(0, spool.Stats().LiveBytes);

        // The tail segment stays (the next record goes there); FASTER deletes the ones before it in the background after the commit.
        Assert.True(SpinWait.SpinUntil(() => _directory.Segments.Length == 1, TimeSpan.FromSeconds(10)), string.Join(", ", _directory.Segments.Select(s => s.Name)));
        Assert.True(_directory.Bytes <= full / 5, $"{_directory.Bytes} of {full} bytes left");
    }

    [Fact]
    public void Dispose_CommitsWhatWasAppendedSinceTheLastCommit()
    {
        using (var spool = TraceSpool.Open(_directory.Path, MaxBytes, TimeSpan.FromHours(1)))
        {
            spool.Append(Key(1), Value(1, 100));
        }

        using var reopened = Open();
        Assert.Equal([1], reopened.ReadBacklog().Select(r => Number(r.Key)));
    }

    /// <summary>Before: a closed spool said it held 0 bytes, so an exporter's final stats (taken after its stop) showed SpoolBytes = 0 beside thousands left in the spool.</summary>
    [Fact]
    public void Disposed_ItsStatsStillSayWhatItLeavesOnDisk()
    {
        var spool = Open();
        for (var i = 0; i < 50; i++)
        {
            spool.Append(Key(i), Value(i, 1_000));
        }

        spool.Commit();
        var open = spool.Stats().LiveBytes;
        spool.Dispose();

        Assert.InRange(open, 50 * 1_000, 50 * 2_000);
        Assert.Equal(open, spool.Stats().LiveBytes);
    }

    [Fact]
    public void SecondOpen_InTheSameProcess_IsRefusedNamingTheDirectoryAndHolder()
    {
        using var first = Open();

        var refused = Assert.Throws<SpoolLockedException>(Open);

        Assert.Contains(_directory.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"process {Environment.ProcessId} ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnusableDirectory_GivesADegradedSpool_ThatRefusesQuietlyAndWarnsOnce()
    {
        var file = Path.Combine(_directory.Path, "a-file");
        File.WriteAllText(file, "not a directory");

        using var spool = TraceSpool.Open(Path.Combine(file, "spool"), MaxBytes, Interval, _warnings.Enqueue);
        var appends = Enumerable.Range(0, 10).Select(i => spool.Append(Key(i), Value(i, 10))).ToList();
        spool.Remove(appends[0].Id);
        spool.Commit();

        Assert.All(appends, a => Assert.Equal(SpoolAppendStatus.Unavailable, a.Status));
        Assert.True(spool.Stats().IsDegraded);
        Assert.Equal(10, spool.Stats().NotSpooled);
        Assert.Empty(spool.ReadBacklog());
        Assert.Contains("could not be opened", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void DiskFull_AtCommit_DegradesToMemoryOnly_WithoutThrowing()
    {
        // Every segment file is /dev/full: opening works, every write fails with ENOSPC, as on a full disk.
        for (var i = 0; i < 16; i++)
        {
            File.CreateSymbolicLink(Path.Combine(_directory.Path, $"spool.log.{i}"), "/dev/full");
        }

        using var spool = Open();
        var before = spool.Append(Key(1), Value(1, 1300));

        // FasterLog reports a failed flush at the commit after the one that flushed.
        spool.Commit();
        spool.Commit();
        var after = spool.Append(Key(2), Value(2, 1300));

        Assert.Equal(SpoolAppendStatus.Spooled, before.Status);
        Assert.Equal(SpoolAppendStatus.Unavailable, after.Status);
        Assert.Contains("commit failed", spool.Stats().DegradedReason, StringComparison.Ordinal);
        Assert.Contains("memory only", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    internal static byte[] Key(int number) => Encoding.UTF8.GetBytes(number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal static int Number(byte[] key) => int.Parse(Encoding.UTF8.GetString(key), System.Globalization.CultureInfo.InvariantCulture);

    internal static byte[] Value(int number, int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((number * 31) + i))];

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, MaxBytes, Interval, _warnings.Enqueue);
}
