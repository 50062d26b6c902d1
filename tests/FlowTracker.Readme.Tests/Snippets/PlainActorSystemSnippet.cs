// README, "Exporting to Kafka (plain ActorSystem)".
using FlowTracker;
using FlowTracker.Kafka.Actors;
using Akka.Actor;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class PlainActorSystemSnippet
{
    public static void Run(ActorSystem system, IProducer<string, string> myAppProducer, WebApplicationBuilder builder)
    {
        // 1. The exporter creates, owns, flushes and disposes its producer. Any librdkafka property works.
        var exporter = KafkaTraceExporter.Start(system, new KafkaExporterOptions
        {
            Topic = "microservice-traces",
            ProducerConfig = new Dictionary<string, string>
            {
                ["bootstrap.servers"] = "localhost:9092",
                ["client.id"] = "flowtracker-exporter",
            },
            // or Confluent's typed configuration, as is:
            // ProducerConfig = new Confluent.Kafka.ProducerConfig { BootstrapServers = "localhost:9092", ClientId = "flowtracker-exporter" },
        });

        // 2. Reuse the application's producer (any IProducer<TKey,TValue>): shared through its handle,
        //    never flushed, closed or disposed by the exporter; it stays yours.
        var reusing = KafkaTraceExporter.Start(system, new KafkaExporterOptions { Topic = "microservice-traces" }.UseProducer(myAppProducer), "traces-2");

        builder.Services.AddSingleton<ITraceExporter>(exporter);   // the middleware and tracer now export to Kafka
        _ = reusing;
    }
}
