using Akka.Actor.Setup;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// Marks an actor system built with <c>WithFlowTrackerKafkaExporter</c>, and carries what HOCON cannot:
/// an application's producer. Akka's setups are how objects reach a system before it exists.
/// </summary>
internal sealed class FlowTrackerKafkaSetup(IClient? producer) : Setup
{
    public IClient? Producer { get; } = producer;
}
