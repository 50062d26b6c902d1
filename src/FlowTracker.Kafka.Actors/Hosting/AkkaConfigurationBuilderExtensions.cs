using Akka.Actor;
using FlowTracker.Kafka.Actors;
using FlowTracker.Kafka.Actors.Hosting;
using FlowTracker.Kafka.Actors.Settings;

namespace Akka.Hosting;

/// <summary>Adds FlowTracker's Kafka exporter to an Akka.Hosting actor system.</summary>
public static class AkkaConfigurationBuilderExtensions
{
    /// <summary>
    /// Adds the exporter configured entirely by HOCON (<c>flowtracker.kafka-exporter</c>, see hocon/flowtracker-kafka.conf)
    /// and the environment variables <c>FLOWTRACKER_KAFKA_TOPIC</c> and <c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c>.
    /// </summary>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder) =>
        builder.WithFlowTrackerKafkaExporter(new KafkaExporterOptions());

    /// <summary>Adds the exporter, configured by a delegate over HOCON's values (see the options overload).</summary>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, Action<KafkaExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new KafkaExporterOptions();
        configure(options);
        return builder.WithFlowTrackerKafkaExporter(options);
    }

    /// <summary>
    /// Adds the exporter. Follows the Akka.Hosting plugin convention: the reference HOCON is appended, and the
    /// options that differ from their defaults are rendered to HOCON and prepended, so they win over the
    /// application's HOCON, which wins over the reference; the environment variables win over all. An
    /// application's producer (<see cref="KafkaExporterOptions.Producer"/>) is used as is and replaces kafka-clients.
    /// The actor is registered under <see cref="FlowTrackerKafkaExporter"/>; get the <c>ITraceExporter</c> with
    /// <see cref="ActorSystemExporterExtensions.GetFlowTrackerKafkaExporter"/>.
    /// </summary>
    /// <remarks>Invalid settings fail the actor system's start with a message naming the HOCON key path and the value.</remarks>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var producer = options.Producer;
        builder.AddHocon(KafkaExporterHocon.Render(options), HoconAddMode.Prepend);
        builder.AddHocon(KafkaExporterHocon.Reference, HoconAddMode.Append);
        builder.WithActors((system, registry) =>
        {
            var exporter = KafkaTraceExporter.Create(system.Settings.Config, producer).StartIn(system);
            registry.Register<FlowTrackerKafkaExporter>(exporter.Actor!);
            HostedExporters.Add(system, exporter);
        });
        return builder;
    }
}
