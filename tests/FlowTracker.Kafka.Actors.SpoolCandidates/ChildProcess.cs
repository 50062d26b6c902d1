using System.Diagnostics;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>This program again, in a child process: to be killed mid-write, or to open a store cold (no state of the writer's).</summary>
internal static class ChildProcess
{
    public static Process Run(params string[] args)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        var host = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.FileName = host;
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }
        else
        {
            start.FileName = host;
        }

        start.ArgumentList.Add("--child");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>The child's side: "crash" appends and commits until killed, telling each commit; "open" times the first record and a full read.</summary>
    public static int RunChild(string mode, string candidate, string directory, TimeSpan commitInterval)
    {
        var output = Console.Out;
        if (mode == "open")
        {
            var watch = Stopwatch.StartNew();
            using var store = Candidates.Open(candidate, directory);
            double first = -1;
            long count = 0, bad = 0;
            foreach (var (_, record) in store.ReadOldestFirst())
            {
                if (count++ == 0)
                {
                    first = watch.Elapsed.TotalMilliseconds;
                }

                bad += Records.Check(record) < 0 ? 1 : 0;
            }

            output.WriteLine($"first record {first:F0} ms, all {count} in {watch.Elapsed.TotalSeconds:F1} s ({count / watch.Elapsed.TotalSeconds:F0}/s){(bad > 0 ? $", {bad} bad" : "")}");
            return 0;
        }

        using (var store = Candidates.Open(candidate, directory))
        {
            var watch = Stopwatch.StartNew();
            var lastCommit = watch.Elapsed;
            for (long i = 0; ; i++)
            {
                store.Append(Records.Make(i));
                if (watch.Elapsed - lastCommit >= commitInterval)
                {
                    store.Commit();
                    lastCommit = watch.Elapsed;
                    output.WriteLine($"committed {i + 1}");
                    output.Flush();
                }
            }
        }
    }
}
