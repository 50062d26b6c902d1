using Akka.Actor;
using Akka.Hosting;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// Adds FlowTracker's Kafka exporter to an Akka.Hosting actor system (<c>WithFlowTrackerKafkaExporter</c>) and reaches
/// it from the system (<c>GetFlowTrackerKafkaExporter</c>), as Akka.Cluster.Hosting's <c>AkkaClusterHostingExtensions</c> do.
/// </summary>
public static class FlowTrackerKafkaHostingExtensions
{
    /// <summary>
    /// The name of the exporter's health check (tags <c>flowtracker</c>, <c>kafka</c>, and Akka.Hosting's <c>akka.net</c>):
    /// unhealthy when it cannot send (stopped, an application's producer dead, the restart budget spent); degraded when
    /// no broker is reachable, the buffer is 80% full or a producer was rebuilt in the last minute; healthy otherwise.
    /// </summary>
    public const string HealthCheckName = "flowtracker-kafka-exporter";

    /// <summary>
    /// Adds the exporter configured entirely by the application's configuration (HOCON <c>flowtracker.kafka-exporter</c>,
    /// see hocon/flowtracker-kafka.conf) and the environment variables <c>FLOWTRACKER_KAFKA_TOPIC</c>,
    /// <c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c> and <c>FLOWTRACKER_KAFKA_CLIENT_&lt;PROPERTY&gt;</c>.
    /// </summary>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder) =>
        builder.WithFlowTrackerKafkaExporter(new KafkaExporterOptions());

    /// <summary>Adds the exporter, configured by a delegate; what it leaves unset comes from the other sources (see the options overload).</summary>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, Action<KafkaExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new KafkaExporterOptions();
        configure(options);
        return builder.WithFlowTrackerKafkaExporter(options);
    }

    /// <summary>
    /// Adds the exporter configured by a Microsoft.Extensions.Configuration section (appsettings.json, environment
    /// variables): the property names of <see cref="KafkaExporterOptions"/> (<c>MaxBufferedTraces</c>,
    /// <c>RestartMinBackoff</c>, <c>ProducerConfig:bootstrap.servers</c>) or the HOCON keys (<c>max-buffered-traces</c>,
    /// <c>restart:min-backoff</c>); durations as <c>00:00:10</c> or <c>10s</c>. The section is merged over the
    /// application's HOCON (the section wins key by key), and the result is validated once, when the actor system starts;
    /// errors name a value by the configuration key it came from. The environment variables win over both, also when they
    /// come through the application's IConfiguration (<c>FLOWTRACKER_KAFKA_TOPIC</c> at its root).
    /// </summary>
    /// <exception cref="ArgumentException">The section has a key the exporter does not know; the message names its path.</exception>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, IConfigurationSection section) =>
        builder.WithFlowTrackerKafkaExporter(section, static _ => { });

    /// <summary>
    /// Adds the exporter configured by a Microsoft.Extensions.Configuration section (see the section overload) and by code:
    /// what <paramref name="configure"/> sets wins over the environment variables, which win over the section and the HOCON.
    /// </summary>
    /// <exception cref="ArgumentException">The section has a key the exporter does not know; the message names its path.</exception>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, IConfigurationSection section, Action<KafkaExporterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var (hocon, keyName) = KafkaExporterConfiguration.ToHocon(section);
        var options = new KafkaExporterOptions();
        configure(options);
        return builder.Add(new FlowTrackerKafkaSetup(options, hocon, keyName));
    }

    /// <summary>
    /// Adds the exporter. One precedence, highest first: the options set here (set means not <see langword="null"/>,
    /// whatever the value, so an option set to its default still wins), the environment variables, the application's
    /// configuration (HOCON, and an IConfiguration section merged over it), the reference HOCON (appended, as every
    /// Akka.Hosting plugin does). An application's producer (<see cref="KafkaExporterOptions.UseProducer{TKey, TValue}"/>)
    /// is used as is and keeps its own configuration: a producer property in the application's configuration next to it is an
    /// error naming both; one from an environment variable is ignored with a warning naming both.
    /// The actor is registered under <see cref="KafkaExporterActorKey"/>; get the <c>ITraceExporter</c> with
    /// <see cref="GetFlowTrackerKafkaExporter"/>.
    /// </summary>
    /// <remarks>Invalid settings fail the actor system's start with a message naming the key as it was written and the value.</remarks>
    public static AkkaConfigurationBuilder WithFlowTrackerKafkaExporter(this AkkaConfigurationBuilder builder, KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Add(new FlowTrackerKafkaSetup(options));
    }

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

    private static AkkaConfigurationBuilder Add(this AkkaConfigurationBuilder builder, FlowTrackerKafkaSetup setup)
    {
        builder.AddHocon(KafkaExporterHocon.Reference, HoconAddMode.Append);
        builder.AddSetup(setup);
        builder.WithActors((system, registry) => registry.Register<KafkaExporterActorKey>(HostedExporters.GetOrStart(system).Actor!));
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
