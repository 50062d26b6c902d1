namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// The key of the exporter actor in Akka.Hosting's <c>ActorRegistry</c>, not the exporter itself: inject
/// <c>IRequiredActor&lt;KafkaExporterActorKey&gt;</c> (or call <c>registry.Get&lt;KafkaExporterActorKey&gt;()</c>)
/// to reach the actor, for example to ask it for <see cref="ExporterStats"/> with <see cref="GetExporterStats"/>.
/// The exporter (<see cref="KafkaTraceExporter"/>) comes from <c>system.GetFlowTrackerKafkaExporter()</c>.
/// </summary>
public sealed class KafkaExporterActorKey
{
    private KafkaExporterActorKey()
    {
    }
}
