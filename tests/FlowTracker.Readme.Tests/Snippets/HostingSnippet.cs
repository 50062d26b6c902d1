// README, "Exporting to Kafka with Akka.Hosting".
using Akka.Actor;                        // ActorSystem
using Akka.Hosting;                      // AddAkka
using FlowTracker;                       // ITraceExporter
using FlowTracker.Kafka.Actors.Hosting;  // WithFlowTrackerKafkaExporter, GetFlowTrackerKafkaExporter
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class HostingSnippet
{
    public static void Run(WebApplicationBuilder builder)
    {
        builder.Services.AddAkka("my-system", (akka, _) => akka
            .AddHoconFile("akka.conf", HoconAddMode.Prepend)     // your flowtracker.kafka-exporter { ... }
            .WithFlowTrackerKafkaExporter());                    // or (options) or (o => o.Topic = "...")

        // The one line that hands the exporter to FlowTracker (middleware, tracer, any class):
        builder.Services.AddSingleton<ITraceExporter>(sp => sp.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter());
        builder.Services.AddFlowTracker();
    }
}
