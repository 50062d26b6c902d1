using FlowTracker.Kafka.Actors;
using FlowTracker.Kafka.Actors.Hosting;

namespace Akka.Actor;

/// <summary>Reaching the exporter that Akka.Hosting started in an actor system.</summary>
public static class ActorSystemExporterExtensions
{
    /// <summary>
    /// The exporter <c>WithFlowTrackerKafkaExporter</c> added to this system (started now if Akka.Hosting has not
    /// started it yet, so it can be resolved while the application is built). Hand it to FlowTracker with
    /// one line: <c>services.AddSingleton&lt;ITraceExporter&gt;(sp =&gt; sp.GetRequiredService&lt;ActorSystem&gt;().GetFlowTrackerKafkaExporter());</c>
    /// </summary>
    /// <exception cref="InvalidOperationException">No exporter was added to this system.</exception>
    public static KafkaTraceExporter GetFlowTrackerKafkaExporter(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return HostedExporters.GetOrStart(system);
    }
}
