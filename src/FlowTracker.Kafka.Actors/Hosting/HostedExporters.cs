using System.Runtime.CompilerServices;
using Akka.Actor;

namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>The exporter Akka.Hosting started for each actor system, for dependency injection to hand out.</summary>
internal static class HostedExporters
{
    private static readonly ConditionalWeakTable<ActorSystem, KafkaTraceExporter> Exporters = [];

    public static void Add(ActorSystem system, KafkaTraceExporter exporter) => Exporters.AddOrUpdate(system, exporter);

    public static KafkaTraceExporter Of(ActorSystem system) =>
        Exporters.TryGetValue(system, out var exporter)
            ? exporter
            : throw new InvalidOperationException(
                $"Actor system '{system.Name}' has no FlowTracker Kafka exporter: add it with WithFlowTrackerKafkaExporter(...) in AddAkka, and resolve it after the host started.");
}
