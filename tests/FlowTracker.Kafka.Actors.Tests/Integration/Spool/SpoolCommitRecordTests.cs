using System.Collections.Concurrent;
using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>
/// The newest commit record damaged after a run that removed records out of order, so that its cookie holds removed
/// ranges: every field recovery trusts is verified, and a record that fails is set aside as the README says. Damage
/// that goes unseen would send removed records again (uncounted duplicates) or lose the spool.
/// </summary>
public sealed class SpoolCommitRecordTests : IDisposable
{
    private const int Records = 600;
    private readonly SpoolDirectory _directory = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly List<int> _left;

    public SpoolCommitRecordTests()
    {
        using var spool = Open();
        var ids = Enumerable.Range(0, Records).Select(i => spool.Append(Key(i), Value(i, 200 + (i % 7 * 100))).Id).ToList();

        // The first ones truncated away; every 25th after removed out of order: ranges only the cookie remembers.
        var removed = Enumerable.Range(0, 50).Concat(Enumerable.Range(50, Records - 100).Where(i => i % 25 == 0)).ToHashSet();
        foreach (var i in removed)
        {
            spool.Remove(ids[i]);
        }

        _left = [.. Enumerable.Range(0, Records).Where(i => !removed.Contains(i))];
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Undamaged_RecoversExactlyWhatWasLeft()
    {
        using var spool = Open();
        Assert.Equal(_left, spool.ReadBacklog().Select(r => Number(r.Key)));
        Assert.Empty(_warnings);
    }

    /// <summary>A commit written by a build before the cookie had its CRC (count, then ranges) is still read, its removed ranges honoured.</summary>
    [Fact]
    public void CookieOfTheEarlierFormat_StillRead_RemovedStayRemoved()
    {
        var commit = LatestCommit();
        var bytes = File.ReadAllBytes(commit);
        var info = default(FASTER.core.FasterLogRecoveryInfo);
        using (var reader = new BinaryReader(new MemoryStream(bytes, 4, BitConverter.ToInt32(bytes))))
        {
            info.Initialize(reader);
        }

        var ranges = RemovedRanges.FromCookie(info.Cookie);
        byte[] legacy = [.. BitConverter.GetBytes(ranges.Count), .. ranges.SelectMany(r => BitConverter.GetBytes(r.Start).Concat(BitConverter.GetBytes(r.End)))];
        var body = new FASTER.core.FasterLogRecoveryInfo { BeginAddress = info.BeginAddress, UntilAddress = info.UntilAddress, CommitNum = info.CommitNum, Cookie = legacy }.ToByteArray();
        File.WriteAllBytes(commit, [.. BitConverter.GetBytes(body.Length), .. body]);

        using var spool = Open();
        Assert.Equal(_left, spool.ReadBacklog().Select(r => Number(r.Key)));
        Assert.Empty(_warnings);
    }

    /// <summary>The tester's D2: the commit file overwritten with random bytes, at the file's length and at 2,048.</summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    [InlineData(4, 2048)]
    [InlineData(5, 2048)]
    [InlineData(6, 2048)]
    [InlineData(7, 2048)]
    [InlineData(8, 4096)]
    public void WholeFileRandom_SetAside(int seed, int length)
    {
        var commit = LatestCommit();
        var bytes = new byte[length == 0 ? new FileInfo(commit).Length : length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(commit, bytes);

        _directory.AssertSetAsideAndNewSpoolWorks(Open, _warnings, records: 50);
    }

    /// <summary>
    /// The tester's D3: 8 bytes of 0xFF at every 8-byte offset of the commit file. Inside the record (FASTER's fields
    /// and the cookie) it must be set aside; past it (the device's padding) nothing is read, and all is recovered.
    /// </summary>
    [Fact]
    public void EightBytesOfFFAtEveryOffset_SetAsideInsideTheRecord_HarmlessPastIt()
    {
        var commit = LatestCommit();
        var original = File.ReadAllBytes(commit);
        var recordEnd = 4 + BitConverter.ToInt32(original);
        var failures = new List<string>();
        var aside = 0;
        for (var at = 0; at + 8 <= original.Length; at += 8)
        {
            var bytes = original.ToArray();
            bytes.AsSpan(at, 8).Fill(0xFF);
            if (bytes.AsSpan().SequenceEqual(original))
            {
                continue;
            }

            var copy = new SpoolDirectory();
            try
            {
                CopyTo(copy.Path);
                File.WriteAllBytes(Path.Combine(copy.Path, Path.GetRelativePath(_directory.Path, commit)), bytes);
                var warnings = new ConcurrentQueue<string>();
                List<int> numbers;
                SpoolStats stats;
                using (var spool = TraceSpool.Open(copy.Path, MaxBytes, TimeSpan.FromHours(1), warnings.Enqueue))
                {
                    numbers = [.. spool.ReadBacklog().Select(r => Number(r.Key))];
                    stats = spool.Stats();
                }

                var setAside = Directory.EnumerateDirectories(copy.Path, "unrecoverable-*").Any();
                aside += setAside ? 1 : 0;
                var expected = at < recordEnd
                    ? setAside && numbers.Count == 0 && stats.Corrupt == 1 && stats.DegradedReason is null && warnings.Any(w => w.Contains("no readable commit", StringComparison.Ordinal))
                    : !setAside && numbers.SequenceEqual(_left) && warnings.IsEmpty;
                if (!expected)
                {
                    failures.Add($"offset {at} (record ends at {recordEnd}): set aside {setAside}, recovered {numbers.Count} of {_left.Count}, " +
                        $"{numbers.Except(_left).Count()} removed ones again, degraded '{stats.DegradedReason}', warnings [{string.Join(" | ", warnings)}]");
                }
            }
            finally
            {
                copy.Dispose();
            }
        }

        Assert.True(aside > 0);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private void CopyTo(string target)
    {
        foreach (var file in Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(_directory.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    private string LatestCommit() => _directory.Commits[^1];

    private TraceSpool Open() => TraceSpool.Open(_directory.Path, MaxBytes, TimeSpan.FromHours(1), _warnings.Enqueue);
}
