// README, "Surviving crashes and long outages: the spool".
using Akka.Actor;
using FlowTracker.Kafka.Actors;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class SpoolSnippet
{
    public static async Task RunAsync(ActorSystem system)
    {
        var exporter = KafkaTraceExporter.Start(system, new KafkaExporterOptions
        {
            Topic = "microservice-traces",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "localhost:9092" },
            SpoolDirectory = "/var/lib/checkout/trace-spool",   // on: a local directory of this process's own
            SpoolMaxBytes = 4L << 30,                           // default 1 GiB; when full, the newest trace is dropped (SpoolFull)
            SpoolCommitInterval = TimeSpan.FromMilliseconds(100), // default: the most a killed process loses
        });

        // ... at the end: what Kafka has not confirmed within FlushTimeout stays in the spool for the next start.
        ExporterStats stats = await exporter.StopAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"recovered {stats.Recovered}, left in spool {stats.LeftInSpool}, consistent: {stats.IsConsistent}");
    }
}
