using Akka.Actor;
using FlowTracker.Kafka.Actors.Hosting;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace Akka.Hosting;

/// <summary>Adds FlowTracker's Kafka exporter to an Akka.Hosting actor system.</summary>
public static class AkkaConfigurationBuilderExtensions
{
    /// <summary>
    /// The name of the exporter's health check (tags <c>flowtracker</c>, <c>kafka</c>, and Akka.Hosting's <c>akka.net</c>):
    /// unhealthy when it cannot send (stopped, an application's producer dead, the restart budget spent); degraded when
    /// no broker is reachable, the buffer is 80% full or a producer was rebuilt in the last minute; healthy otherwise.
    /// </summary>
    public const string HealthCheckName = "flowtracker-kafka-exporter";

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
    /// Adds the exporter configured by a Microsoft.Extensions.Configuration section (appsettings.json, environment
    /// variables): the keys of the reference HOCON, spelled either way (<c>max-buffered-traces</c> or
    /// <c>MaxBufferedTraces</c>, <c>restart:min-backoff</c>, <c>kafka-clients:bootstrap.servers</c>); durations as
    /// <c>10s</c> or <c>00:00:10</c>. The section wins over HOCON; the environment variables of the HOCON-only overload win over it.
    /// </summary>
    /// <exception cref="ArgumentException">A key is unknown or a value invalid; the message names the configuration key path and the value.</exception>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (hocon, keyName) = KafkaExporterConfiguration.ToHocon(section);

        // Checked here, where the values still have the names the user wrote them under.
        KafkaExporterHocon.Read(hocon, KafkaExporterHocon.ProcessEnvironment(), keyName).Validate(keyName);
        builder.AddHocon(hocon, HoconAddMode.Prepend);
        return builder.WithFlowTrackerKafkaExporter();
    }

    /// <summary>
    /// Adds the exporter. Follows the Akka.Hosting plugin convention: the reference HOCON is appended, and the
    /// options that differ from their defaults are rendered to HOCON and prepended, so they win over the
    /// application's HOCON, which wins over the reference; the environment variables win over all. An
    /// application's producer (<see cref="KafkaExporterOptions.UseProducer{TKey, TValue}"/>) is used as is and replaces kafka-clients.
    /// The actor is registered under <see cref="FlowTrackerKafkaExporter"/>; get the <c>ITraceExporter</c> with
    /// <see cref="ActorSystemExporterExtensions.GetFlowTrackerKafkaExporter"/>.
    /// </summary>
    /// <remarks>Invalid settings fail the actor system's start with a message naming the HOCON key path and the value.</remarks>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.AddHocon(KafkaExporterHocon.Render(options), HoconAddMode.Prepend);
        builder.AddHocon(KafkaExporterHocon.Reference, HoconAddMode.Append);
        builder.AddSetup(new FlowTrackerKafkaSetup(options.Producer));
        builder.WithActors((system, registry) => registry.Register<FlowTrackerKafkaExporter>(HostedExporters.GetOrStart(system).Actor!));
        builder.WithHealthCheck(
            HealthCheckName,
            (system, _, _) =>
            {
                var exporter = HostedExporters.GetOrStart(system);
                return Task.FromResult(ExporterHealth.Evaluate(exporter.Stats, exporter.Settings, exporter.IsStopped, exporter.Time.GetUtcNow()));
            },
            tags: ["flowtracker", "kafka"]);
        return builder;
    }
}
