using System.Diagnostics;
using System.Globalization;
using System.Text;
using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>The child process's side of the spool tests, and how a test starts one.</summary>
internal static class SpoolChild
{
    public const string Append = "spool-append";
    public const string Hold = "spool-hold";
    public const string Export = "spool-export";
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The exporter's spool.commit-interval in the crash test: its default.</summary>
    public static readonly TimeSpan ExporterCommitInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Starts this test assembly as a program with <paramref name="args"/>; its standard input and output are the test's.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SpoolChild).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
    }

    /// <summary>Record <paramref name="sequence"/>: its key says the number, its value is derived from it.</summary>
    public static (byte[] Key, byte[] Value) Record(long sequence)
    {
        var value = new byte[1300];
        for (var i = 0; i < value.Length; i++)
        {
            value[i] = (byte)((sequence * 31) + i);
        }

        return (Encoding.UTF8.GetBytes(sequence.ToString(CultureInfo.InvariantCulture)), value);
    }

    /// <summary>Appends numbered records for ever; each time the spool's own commit covered more, says "committed N".</summary>
    public static int AppendUntilKilled(string directory)
    {
        using var spool = TraceSpool.Open(directory, 1L << 30, CommitInterval);
        long told = 0;
        for (long i = 0; ; i++)
        {
            var (key, value) = Record(i);
            spool.Append(key, value);
            if ((i & 0xFF) == 0 && spool.Stats().Committed is var committed && committed > told)
            {
                told = committed;
                Console.Out.WriteLine($"committed {committed}");
                Console.Out.Flush();
            }
        }
    }

    /// <summary>
    /// Runs an exporter with its spool on and exports numbered traces (<c>crash-N</c>) for ever, at
    /// <paramref name="perSecond"/>; every few milliseconds says how many it accepted (written ahead) and how many of
    /// those a commit made durable: "accepted A committed C".
    /// </summary>
    public static int ExportUntilKilled(string bootstrapServers, string topic, string directory, int perSecond)
    {
        using var system = Akka.Actor.ActorSystem.Create("spool-child", "akka.loglevel = OFF\nakka.stdout-loglevel = OFF");
        var exporter = KafkaTraceExporter.Start(system, new KafkaExporterOptions
        {
            Topic = topic,
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = bootstrapServers },
            SpoolDirectory = directory,
            SpoolCommitInterval = ExporterCommitInterval,
        });
        Console.Out.WriteLine("started");
        Console.Out.Flush();
        var clock = Stopwatch.StartNew();
        for (long sent = 0; ; Thread.Sleep(2))
        {
            for (var due = (long)(clock.Elapsed.TotalSeconds * perSecond); sent < due; sent++)
            {
                exporter.Export(Traces.Checkout($"crash-{sent}"));
            }

            var stats = exporter.Stats;
            Console.Out.WriteLine($"accepted {stats.Spooled} committed {exporter.Counters.Spool!().Committed}");
            Console.Out.Flush();
        }
    }

    /// <summary>Holds a spool until the test closes this process's standard input.</summary>
    public static int HoldUntilStdinCloses(string directory)
    {
        using var spool = TraceSpool.Open(directory, 1L << 30, CommitInterval);
        Console.Out.WriteLine("holding");
        Console.Out.Flush();
        Console.In.ReadToEnd();
        return 0;
    }
}
