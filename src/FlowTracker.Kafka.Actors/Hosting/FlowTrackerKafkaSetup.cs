using Akka.Actor.Setup;
using Akka.Configuration;

namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// Marks an actor system built with <c>WithFlowTrackerKafkaExporter</c>, and carries what HOCON cannot: the options
/// set in code (which win, whatever their value, so they are not rendered to HOCON), and an IConfiguration section
/// (merged over the application's HOCON when the system starts, with the keys it was written under).
/// </summary>
internal sealed class FlowTrackerKafkaSetup(KafkaExporterOptions code, Config? section = null, Func<string, string>? sectionKeyName = null) : Setup
{
    public KafkaExporterOptions Code { get; } = code;

    /// <summary>The IConfiguration section as HOCON under <c>flowtracker.kafka-exporter</c>, when one was given.</summary>
    public Config? Section { get; } = section;

    /// <summary>How a value from the application's configuration is named: the section's key when it came from there.</summary>
    public Func<string, string>? SectionKeyName { get; } = sectionKeyName;
}
