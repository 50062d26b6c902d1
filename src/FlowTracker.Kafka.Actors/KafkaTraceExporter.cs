using Akka.Actor;
using FlowTracker.Kafka.Actors.Actors;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// FlowTracker's Kafka exporter: <see cref="Export"/> hands each trace to the exporter actor, which
/// feeds an Akka.Streams Kafka producer sink. Every trace becomes one record, key = trace id
/// (UTF-8), value = the trace's JSON, header <c>content-type: application/json</c>.
/// </summary>
/// <example>
/// Plain ActorSystem: <c>var exporter = KafkaTraceExporter.Start(system, options);</c>.
/// Under your own supervisor: <c>var exporter = KafkaTraceExporter.Create(options); Context.ActorOf(exporter.Props, "traces");</c>.
/// </example>
public sealed class KafkaTraceExporter : ITraceExporter
{
    /// <summary>The actor name <see cref="Start"/> uses: <c>flowtracker-kafka-exporter</c>.</summary>
    public const string DefaultActorName = "flowtracker-kafka-exporter";

    private readonly KafkaExporterSettings _settings;
    private readonly ExporterCounters _counters = new();
    private volatile IActorRef? _actor;
    private volatile bool _intakeOpen = true;

    private KafkaTraceExporter(KafkaExporterSettings settings)
    {
        _settings = settings;
        Props = Props.Create(() => new KafkaExporterActor(_settings, _counters, this));
    }

    /// <summary>The props of this exporter's actor, to spawn it under the application's own supervisor (once).</summary>
    public Props Props { get; }

    /// <summary>The exporter actor once it has started; <see langword="null"/> before.</summary>
    public IActorRef? Actor => _actor;

    /// <summary>The accounting right now (also available by asking the actor <see cref="GetExporterStats"/>).</summary>
    public ExporterStats Stats => _counters.Snapshot();

    internal bool IsIntakeOpen => _intakeOpen;

    /// <summary>Validates the options and creates an exporter whose actor is not running yet: spawn <see cref="Props"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which and how to fix it.</exception>
    public static KafkaTraceExporter Create(KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new KafkaTraceExporter(options.Validate());
    }

    /// <summary>Creates the exporter and starts its actor as a top-level actor of <paramref name="system"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which and how to fix it.</exception>
    public static KafkaTraceExporter Start(ActorSystem system, KafkaExporterOptions options, string name = DefaultActorName)
    {
        ArgumentNullException.ThrowIfNull(system);
        var exporter = Create(options);
        system.ActorOf(exporter.Props, name);
        return exporter;
    }

    /// <summary>
    /// Hands a trace to the exporter. Never blocks and never throws: a trace that cannot be taken is
    /// counted as dropped with its reason (see <see cref="Stats"/>).
    /// </summary>
    public void Export(Trace trace)
    {
        var actor = _actor;
        if (trace is null)
        {
            _counters.DropUnaccepted(DropReason.InvalidTrace);
        }
        else if (actor is null || !_intakeOpen)
        {
            _counters.DropUnaccepted(DropReason.Shutdown);
        }
        else if (_counters.TryAccept(_settings.MaxBufferedTraces))
        {
            actor.Tell(trace, ActorRefs.NoSender);
        }
    }

    /// <summary>
    /// Stops intake, sends what is buffered, waits for every delivery report, stops the actor and
    /// returns the final accounting.
    /// </summary>
    /// <exception cref="InvalidOperationException">The actor never started.</exception>
    public Task<ExporterStats> StopAsync(TimeSpan timeout)
    {
        var actor = _actor ?? throw new InvalidOperationException("The exporter's actor has not started.");
        return actor.Ask<ExporterStats>(StopExporter.Instance, timeout);
    }

    internal void Bind(IActorRef actor) => _actor = actor;

    internal void CloseIntake() => _intakeOpen = false;
}
