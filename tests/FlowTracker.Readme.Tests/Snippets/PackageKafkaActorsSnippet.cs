// src/FlowTracker.Kafka.Actors/README.md, the package page of FlowTracker.Kafka.Actors (its Akka.Hosting block is HostingSnippet's).
using Akka.Actor;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class PackageKafkaActorsSnippet
{
    public static void Run(ActorSystem system, IProducer<string, string> myAppProducer)
    {
        var exporter = KafkaTraceExporter.Start(system, new KafkaExporterOptions
        {
            Topic = "microservice-traces",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "localhost:9092" },
        });
        // or reuse the application's producer: new KafkaExporterOptions { Topic = "..." }.UseProducer(myAppProducer)
        _ = exporter;
        _ = new KafkaExporterOptions { Topic = "microservice-traces" }.UseProducer(myAppProducer);
    }
}
