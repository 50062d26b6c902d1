namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// The key of the exporter actor in Akka.Hosting's <c>ActorRegistry</c>: inject
/// <c>IRequiredActor&lt;FlowTrackerKafkaExporter&gt;</c> to reach it (for example to ask for its stats).
/// </summary>
public sealed class FlowTrackerKafkaExporter
{
    private FlowTrackerKafkaExporter()
    {
    }
}
