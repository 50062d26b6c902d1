using Akka.Actor;
using Config = Akka.Configuration.Config;
using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Exporter;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// FlowTracker's Kafka exporter: <see cref="Export"/> hands each trace to the exporter actor, which
/// feeds an Akka.Streams Kafka producer sink. Every trace becomes one record, key = trace id
/// (UTF-8), value = the trace's JSON, header <c>content-type: application/json</c>; a trace too large for one
/// record is split into parts, as <see cref="KafkaExporterOptions.OversizedTraces"/> says.
/// </summary>
/// <example>
/// Plain ActorSystem: <c>var exporter = KafkaTraceExporter.Start(system, options);</c>.
/// Under your own supervisor: <c>var exporter = KafkaTraceExporter.Create(options); Context.ActorOf(exporter.Props, "traces");</c>.
/// </example>
/// <remarks>
/// Its actor registers a CoordinatedShutdown task (phase <see cref="KafkaExporterOptions.ShutdownPhase"/>)
/// that stops intake, sends what is buffered and waits for the delivery reports up to
/// <see cref="KafkaExporterOptions.FlushTimeout"/>. An owned producer that hits a fatal error is rebuilt with
/// backoff and what it had not confirmed is sent again; once the restart budget is spent, the actor fails
/// and its parent's supervision strategy decides (Akka's default, restart, keeps every buffered trace).
/// </remarks>
public sealed class KafkaTraceExporter : ITraceExporter
{
    /// <summary>The actor name <see cref="Start"/> uses: <c>flowtracker-kafka-exporter</c>.</summary>
    public const string DefaultActorName = "flowtracker-kafka-exporter";

    private readonly KafkaExporterSettings _settings;
    private readonly ExporterCounters _counters = new();
    private volatile IActorRef? _actor;
    private RestartBackoff? _backoff;
    private int _warned;

    private KafkaTraceExporter(KafkaExporterSettings settings)
    {
        _settings = settings;
        Lifetime = new ExporterLifetime(this);
        var props = Props.Create(() => new KafkaExporterActor(_settings, _counters, this));
        Props = settings.Dispatcher is { } dispatcher ? props.WithDispatcher(dispatcher) : props;
    }

    /// <summary>The props of this exporter's actor, to spawn it under the application's own supervisor (once).</summary>
    public Props Props { get; }

    /// <summary>The exporter actor: set by <see cref="Start"/> at once, or when an actor spawned from <see cref="Props"/> starts; <see langword="null"/> before.</summary>
    public IActorRef? Actor => _actor;

    /// <summary>The accounting right now (also available by asking the actor <see cref="GetExporterStats"/>).</summary>
    public ExporterStats Stats => _counters.Snapshot();

    internal ExporterCounters Counters => _counters;

    internal ExporterLifetime Lifetime { get; }

    /// <summary>Whether stop was asked: intake is closed (health reports it).</summary>
    internal bool IsStopped => Lifetime.IsStopping;

    internal KafkaExporterSettings Settings => _settings;

    /// <summary>The clock of restart windows and log rate limits.</summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The restart budget: one per exporter, so that no restart of its actor or stream grants a fresh one.</summary>
    internal RestartBackoff Backoff => _backoff ??= new RestartBackoff(_settings.Restart, Time, Random.Shared.NextDouble);

    /// <summary>Run before each commit record of the spool is written, on the writing thread (tests stall or fail the disk there); set before the start.</summary>
    internal Action? BeforeSpoolCommitRecord { get; set; }

    /// <summary>Called with each producer the exporter creates (tests use it to inject a fatal error).</summary>
    internal Action<IClient>? ProducerCreated { get; set; }

    /// <summary>Validates the options and creates an exporter whose actor is not running yet: spawn <see cref="Props"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which and how to fix it.</exception>
    /// <remarks>
    /// The options set here win; what they leave unset (<see langword="null"/>) comes from the environment variables
    /// (<c>FLOWTRACKER_KAFKA_TOPIC</c>, <c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c>, <c>FLOWTRACKER_KAFKA_CLIENT_*</c>), then from the reference defaults.
    /// </remarks>
    public static KafkaTraceExporter Create(KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (resolved, keyName) = KafkaExporterSources.Resolve(options, KafkaExporterHocon.ProcessEnvironment(), Config.Empty, static option => option);
        return new KafkaTraceExporter(resolved.Validate(keyName));
    }

    /// <summary>
    /// Creates an exporter from HOCON (<c>flowtracker.kafka-exporter</c> of <paramref name="config"/>, over the
    /// embedded reference) and the environment variables <c>FLOWTRACKER_KAFKA_TOPIC</c>,
    /// <c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c> and <c>FLOWTRACKER_KAFKA_CLIENT_*</c> (a producer-config property:
    /// <c>FLOWTRACKER_KAFKA_CLIENT_SASL_PASSWORD</c> sets <c>sasl.password</c>); spawn <see cref="Props"/> where it belongs, for example
    /// <c>Context.ActorOf(KafkaTraceExporter.Create(Context.System.Settings.Config).Props, "traces")</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names its HOCON key path and value.</exception>
    public static KafkaTraceExporter Create(Config config) => Create(config, code: null);

    /// <summary>Creates the exporter and starts its actor as a top-level actor of <paramref name="system"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or <see cref="KafkaExporterOptions.ShutdownPhase"/> is not a phase of the system.</exception>
    /// <exception cref="IOException"><see cref="KafkaExporterOptions.SpoolDirectory"/> is in use by another exporter, in this process or another; the message names the holder.</exception>
    public static KafkaTraceExporter Start(ActorSystem system, KafkaExporterOptions options, string name = DefaultActorName) =>
        Create(options).StartIn(system, name);

    /// <summary>
    /// The one precedence: <paramref name="code"/>'s options that are set, over <paramref name="environment"/>, over
    /// <paramref name="config"/> (the application's HOCON, with an IConfiguration section merged over it), over the reference.
    /// </summary>
    /// <param name="config">The application's configuration, over the embedded reference.</param>
    /// <param name="code">The options set in code, or <see langword="null"/>.</param>
    /// <param name="environment">The environment variables (default: the process's).</param>
    /// <param name="configKeyName">How a value from <paramref name="config"/> is named in errors (default: its HOCON key path).</param>
    internal static KafkaTraceExporter Create(Config config, KafkaExporterOptions? code, IReadOnlyDictionary<string, string>? environment = null, Func<string, string>? configKeyName = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (options, keyName) = KafkaExporterSources.Resolve(code, environment ?? KafkaExporterHocon.ProcessEnvironment(), config, configKeyName);
        return new KafkaTraceExporter(options.Validate(keyName));
    }

    /// <summary>Starts this exporter's actor as a top-level actor of <paramref name="system"/>.</summary>
    internal KafkaTraceExporter StartIn(ActorSystem system, string name = DefaultActorName)
    {
        ArgumentNullException.ThrowIfNull(system);

        // Here rather than only in the actor's start, so a phase or dispatcher the system lacks fails this call.
        if (_settings.Dispatcher is { } dispatcher && !system.Dispatchers.HasDispatcher(dispatcher))
        {
            var key = _settings.KeyName(nameof(KafkaExporterOptions.Dispatcher));
            throw new ArgumentException($"Kafka exporter option {key} = '{dispatcher}' is invalid: actor system '{system.Name}' has no such dispatcher configured.", key);
        }

        try
        {
            Lifetime.Attach(system, $"akka://{system.Name}/user/{name}");
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            // An unknown shutdown phase, or a spool directory another exporter holds: this exporter never runs, and leaves nothing behind.
            Lifetime.EndUnstarted();
            throw;
        }

        Warn();

        // Bound now, not when the actor starts: traces exported right after this call wait in its mailbox.
        _actor = system.ActorOf(Props, name);
        Lifetime.Watch(_actor);
        return this;
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
        else if (actor is null)
        {
            _counters.DropUnaccepted(DropReason.Shutdown);
        }
        else if (_counters.TryAccept(_settings.MaxBufferedTraces, spooled: _settings.Spool is not null))
        {
            actor.Tell(trace, ActorRefs.NoSender);
        }
    }

    /// <summary>
    /// Stops intake, sends what is buffered, waits for the delivery reports until
    /// <see cref="KafkaExporterOptions.FlushTimeout"/> has passed since this call (whatever the producer or the
    /// brokers are doing), stops the actor and returns the final accounting; what is still unconfirmed then is
    /// counted as dropped (<c>Shutdown</c>), or, with the spool on, left in the spool (<c>LeftInSpool</c>) for the next
    /// start, if the spool's last commit made it durable there (else dropped, <c>Shutdown</c>). Calling it again, or on
    /// a stopped exporter, returns the final accounting at once.
    /// </summary>
    /// <param name="timeout">
    /// How long this call waits for the final accounting, not the flush timeout: give it more than
    /// <see cref="KafkaExporterOptions.FlushTimeout"/>, since the accounting comes within the flush timeout plus the time
    /// to stop the stream and dispose the producer (well under a second), and with the spool on at most 2 s more for its
    /// last commit when the disk stalls.
    /// </param>
    /// <exception cref="TimeoutException">No final accounting within <paramref name="timeout"/>.</exception>
    public Task<ExporterStats> StopAsync(TimeSpan timeout)
    {
        if (!Lifetime.Completion.IsCompleted)
        {
            if (_actor is { } actor)
            {
                if (Lifetime.BeginStop(_settings.FlushTimeout))
                {
                    actor.Tell(StopExporter.Instance, ActorRefs.NoSender);
                }
            }
            else
            {
                Lifetime.EndUnstarted();
            }
        }

        return Lifetime.Completion.WaitAsync(timeout);
    }

    /// <summary>An actor spawned from <see cref="Props"/> started.</summary>
    internal void Bind(IActorRef actor, ActorSystem system)
    {
        if (_actor is { } bound && !bound.Equals(actor))
        {
            // A second actor would share this exporter's accounting and stream, and outlive its stop.
            throw new InvalidOperationException(
                $"This exporter's Props were spawned twice ({bound.Path} and {actor.Path}); spawn them once, or create another exporter.");
        }

        var first = _actor is null;
        _actor = actor;
        try
        {
            Lifetime.Attach(system, actor.Path.ToString());
        }
        finally
        {
            // Even when attaching fails (the actor then fails to start, and runs no PostStop), its end ends the exporter.
            if (first)
            {
                Lifetime.Watch(actor);
            }
        }

        Warn();
    }

    /// <summary>Says once what the settings' sources set that the exporter does not use.</summary>
    private void Warn()
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            foreach (var warning in _settings.Warnings)
            {
                Lifetime.Log.Warning("{SettingsWarning}", warning);
            }
        }
    }

    /// <summary>The CoordinatedShutdown task: stop, flush, and wait for the final accounting, bounded.</summary>
    internal async Task FlushOnShutdownAsync(TimeSpan timeout)
    {
        try
        {
            await StopAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Lifetime.Log.Warning("FlowTracker Kafka exporter: no final accounting within {Timeout} of shutdown.", timeout);
        }
    }
}
