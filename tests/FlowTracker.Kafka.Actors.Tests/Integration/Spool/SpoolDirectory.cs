using System.Collections.Concurrent;
using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>A fresh directory for one test, deleted with everything in it afterwards.</summary>
internal sealed class SpoolDirectory : IDisposable
{
    public SpoolDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flowtracker-spool-" + Guid.NewGuid().ToString("N"));

    public long Bytes => new DirectoryInfo(Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>The log's segment files, oldest first.</summary>
    public FileInfo[] Segments =>
        [.. new DirectoryInfo(Path).EnumerateFiles("spool.log.*").OrderBy(f => int.Parse(f.Name["spool.log.".Length..], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The commit records FASTER keeps (the newest two), oldest first.</summary>
    public List<string> Commits =>
        [.. Directory.EnumerateFiles(Path, "commit.*", SearchOption.AllDirectories)
            .OrderBy(f => long.Parse(System.IO.Path.GetFileName(f).Split('.')[1], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// A spool whose commit record could not be trusted: its records set aside to <c>unrecoverable-*</c> with one
    /// warning, a working new spool in their place (no segment with a garbage name), and nothing to warn of at the next start.
    /// </summary>
    public void AssertSetAsideAndNewSpoolWorks(Func<TraceSpool> open, ConcurrentQueue<string> warnings, int records)
    {
        using (var spool = open())
        {
            Assert.Empty(spool.ReadBacklog());
            var stats = spool.Stats();
            Assert.Equal(1, stats.Corrupt);
            Assert.Null(stats.DegradedReason);
            Assert.Contains("no readable commit", Assert.Single(warnings), StringComparison.Ordinal);
            Assert.NotEmpty(Directory.EnumerateFiles(Assert.Single(Directory.EnumerateDirectories(Path, "unrecoverable-*")), "spool.log.*"));
            Assert.All(Segments, s => Assert.DoesNotContain('-', s.Name));
            for (var i = 0; i < records; i++)
            {
                Assert.True(spool.Append(Key(i), Value(i, 700)).IsSpooled);
            }

            Assert.InRange(spool.Stats().LiveBytes, records * 700, records * 800);
        }

        // The bad commit went with the segments: the next start finds the new spool, and nothing to warn of.
        warnings.Clear();
        using var reopened = open();
        Assert.Equal(Enumerable.Range(0, records), reopened.ReadBacklog().Select(r => Number(r.Key)));
        Assert.InRange(reopened.Stats().LiveBytes, records * 700, records * 800);
        Assert.Equal(0, reopened.Stats().Corrupt);
        Assert.Empty(warnings);
    }

    /// <summary>
    /// Overwrites the log at <paramref name="address"/> as a failing disk (or another process) would. Shared with
    /// the spool's own handles, so that a spool still open reads the damage back.
    /// </summary>
    public void Write(long address, byte[] bytes, FlowTracker.Kafka.Actors.Spool.SpoolGeometry geometry)
    {
        var segment = Segments[(int)(address >> geometry.SegmentBits)];
        using var file = new FileStream(segment.FullName, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Position = address & ((1L << geometry.SegmentBits) - 1);
        file.Write(bytes);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
