using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// The spool's loss window: a child process (this program, <c>--crash-child</c>) exports at a steady rate with every
/// broker down and says every few milliseconds how many traces it has written ahead; it is killed with SIGKILL at a
/// random moment, and a new exporter on its spool sends what survived. Traces are appended in order and a commit
/// covers a prefix, so the lost ones are the last accepted: the window is the time from when the child had accepted
/// as many as were recovered to the kill.
/// </summary>
internal static class CrashLossBenchmark
{
    public const string ChildSwitch = "--crash-child";
    private const int PerSecond = 10_000;

    public static async Task RunAsync(Report report, TextWriter output)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);

        // The embedded broker keeps about 5 MB per partition: room for what the child writes in a few seconds.
        cluster.CreateTopic("crash", partitions: 16);
        cluster.SetAllBrokersDown();
        using var directory = new BenchDirectory("crash");
        var reports = new ConcurrentQueue<(TimeSpan At, long Accepted)>();
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt;
        using (var child = StartChild(cluster.BootstrapServers, directory.Path))
        {
            if (child.StandardOutput.ReadLine() != "started")
            {
                throw new InvalidOperationException("the crash child did not start");
            }

            var reading = Task.Run(() =>
            {
                while (child.StandardOutput.ReadLine() is { } line)
                {
                    if (line.StartsWith("accepted ", StringComparison.Ordinal))
                    {
                        reports.Enqueue((clock.Elapsed, long.Parse(line.AsSpan(9), CultureInfo.InvariantCulture)));
                    }
                }
            });
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1_500, 3_000)));
            killedAt = clock.Elapsed;
            child.Kill(); // SIGKILL: no finalizer, no Dispose, no flush.
            await child.WaitForExitAsync();
            await reading;
        }

        cluster.SetAllBrokersUp();
        using var system = ActorSystem.Create("bench-crash", "akka.loglevel = ERROR");
        var options = BenchOptions.Defaults(cluster.BootstrapServers, "crash");
        options.SpoolDirectory = directory.Path;
        options.FlushTimeout = TimeSpan.FromMinutes(1);
        var stats = await KafkaTraceExporter.Start(system, options, "after-crash").StopAsync(TimeSpan.FromMinutes(2));

        var accepted = reports.Select(r => r.Accepted).DefaultIfEmpty(0).Max();
        var covered = reports.Where(r => r.Accepted >= stats.Recovered).Select(r => r.At).DefaultIfEmpty(killedAt).Min();
        var window = killedAt - covered;
        output.WriteLine($"  killed after {killedAt.TotalMilliseconds:N0} ms; accepted at least {accepted:N0}; next start: {stats}");
        report.Add(
            "spool crash",
            string.Create(CultureInfo.InvariantCulture, $"SIGKILL at a random moment, {PerSecond:N0} traces/s, brokers down, commit-interval 100 ms"),
            string.Create(
                CultureInfo.InvariantCulture,
                $"accepted ≥ {accepted:N0}, recovered and delivered {stats.Delivered:N0} of {stats.Recovered:N0}; lost {Math.Max(0, accepted - stats.Recovered):N0}, those accepted in the last {window.TotalMilliseconds:N0} ms"),
            "loss ≤ commit interval (+ one commit)");
    }

    /// <summary>The child's side: an exporter with its spool on, exporting until it is killed; says "accepted N" every few milliseconds.</summary>
    public static void Child(string bootstrapServers, string directory)
    {
        using var system = ActorSystem.Create("crash-child", "akka.loglevel = OFF\nakka.stdout-loglevel = OFF");
        var options = BenchOptions.Defaults(bootstrapServers, "crash");
        options.SpoolDirectory = directory;
        var exporter = KafkaTraceExporter.Start(system, options);
        var pool = BenchTraces.Create(1_000);
        Console.Out.WriteLine("started");
        Console.Out.Flush();
        var clock = Stopwatch.StartNew();
        for (long sent = 0; ; Thread.Sleep(2))
        {
            for (var due = (long)(clock.Elapsed.TotalSeconds * PerSecond); sent < due; sent++)
            {
                exporter.Export(pool[sent % pool.Length]);
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accepted {exporter.Stats.Spooled}"));
            Console.Out.Flush();
        }
    }

    private static Process StartChild(string bootstrapServers, string directory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(CrashLossBenchmark).Assembly.Location);
        start.ArgumentList.Add(ChildSwitch);
        start.ArgumentList.Add(bootstrapServers);
        start.ArgumentList.Add(directory);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child");
    }
}
