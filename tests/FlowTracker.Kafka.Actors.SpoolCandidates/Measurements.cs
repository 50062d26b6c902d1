using System.Diagnostics;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>One candidate's numbers, each measured in a fresh directory.</summary>
internal sealed class Measurements(string candidate, string root, TimeSpan commitInterval)
{
    public double AppendPerSecond { get; private set; }

    public double SteadyPerSecond { get; private set; }

    public long SteadyPeakBytes { get; private set; }

    public long AfterRemoveAllBytes { get; private set; }

    public long AfterReclaimBytes { get; private set; }

    public long BytesPerRecordAtRest { get; private set; }

    public string OpenLargeStore { get; private set; } = "";

    public List<CrashResult> Crashes { get; } = [];

    /// <summary>Append only, a group commit every interval: what an outage costs.</summary>
    public void Append(int records)
    {
        var directory = Fresh("append");
        using var store = Candidates.Open(candidate, directory);
        var payloads = Enumerable.Range(0, 1024).Select(i => Records.Make(i)).ToArray();
        var watch = Stopwatch.StartNew();
        var lastCommit = watch.Elapsed;
        for (var i = 0; i < records; i++)
        {
            store.Append(payloads[i & 1023]);
            if (watch.Elapsed - lastCommit >= commitInterval)
            {
                store.Commit();
                lastCommit = watch.Elapsed;
            }
        }

        store.Commit();
        AppendPerSecond = records / watch.Elapsed.TotalSeconds;
        BytesPerRecordAtRest = Records.DirectoryBytes(directory) / records;
    }

    /// <summary>
    /// The healthy path: every record appended, and removed once "Kafka confirmed it" <paramref name="inFlight"/>
    /// records later; then everything removed, and what the store gives back.
    /// </summary>
    public void AppendAndRemove(int records, int inFlight)
    {
        var directory = Fresh("steady");
        using var store = Candidates.Open(candidate, directory);
        var payloads = Enumerable.Range(0, 1024).Select(i => Records.Make(i)).ToArray();
        var ids = new long[inFlight];
        var watch = Stopwatch.StartNew();
        var lastCommit = watch.Elapsed;
        long peak = 0;
        for (var i = 0; i < records; i++)
        {
            if (i >= inFlight)
            {
                store.Remove(ids[i % inFlight]);
            }

            ids[i % inFlight] = store.Append(payloads[i & 1023]);
            if (watch.Elapsed - lastCommit >= commitInterval)
            {
                store.Commit();
                lastCommit = watch.Elapsed;
                if ((i & 0xF) == 0)
                {
                    peak = Math.Max(peak, Records.DirectoryBytes(directory));
                }
            }
        }

        store.Commit();
        SteadyPerSecond = records / watch.Elapsed.TotalSeconds;
        SteadyPeakBytes = Math.Max(peak, Records.DirectoryBytes(directory));
        for (var i = Math.Max(0, records - inFlight); i < records; i++)
        {
            store.Remove(ids[i % inFlight]);
        }

        store.Commit();
        AfterRemoveAllBytes = Records.DirectoryBytes(directory);
        store.Reclaim();
        AfterReclaimBytes = Records.DirectoryBytes(directory);
    }

    /// <summary>Builds a store of <paramref name="records"/> records, then a fresh process opens it and reads it.</summary>
    public void OpenLarge(int records)
    {
        var directory = Fresh("large");
        var build = Stopwatch.StartNew();
        using (var store = Candidates.Open(candidate, directory))
        {
            var lastCommit = build.Elapsed;
            for (var i = 0; i < records; i++)
            {
                store.Append(Records.Make(i));
                if (build.Elapsed - lastCommit >= commitInterval)
                {
                    store.Commit();
                    lastCommit = build.Elapsed;
                }
            }

            store.Commit();
        }

        var line = ChildProcess.Run("open", candidate, directory).StandardOutput.ReadToEnd().Trim();
        OpenLargeStore = $"{line}, built in {build.Elapsed.TotalSeconds:F0} s, {Records.DirectoryBytes(directory) / (1 << 20)} MiB";
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A child process appends and commits; it is killed (SIGKILL) after a few commits; what survived is checked.</summary>
    public void Crash(int kills, Random random)
    {
        for (var k = 0; k < kills; k++)
        {
            var directory = Fresh($"crash{k}");
            using var child = ChildProcess.Run("crash", candidate, directory);
            var killAfter = random.Next(5, 20);
            long committed = 0;
            for (var seen = 0; seen < killAfter && child.StandardOutput.ReadLine() is { } line;)
            {
                if (line.StartsWith("committed ", StringComparison.Ordinal))
                {
                    committed = long.Parse(line["committed ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    seen++;
                }
            }

            child.Kill();
            child.WaitForExit();
            Crashes.Add(CrashResult.Check(candidate, directory, committed));
        }
    }

    private string Fresh(string name)
    {
        var directory = Path.Combine(root, candidate, name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return directory;
    }
}
