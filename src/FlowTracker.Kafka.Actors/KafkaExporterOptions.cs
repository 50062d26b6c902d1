using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// What the Kafka exporter needs: a topic and EITHER a producer configuration (the exporter creates,
/// owns, flushes and disposes the producer) OR an application's producer (reused, never disposed).
/// Validated once, by <see cref="Validate"/>, when the exporter is created.
/// </summary>
/// <remarks>
/// Every option is nullable: <see langword="null"/> means "not set here", and an option that is set wins, whatever its
/// value (even one equal to its default). Precedence, highest first: these options in code, the environment variables
/// (<c>FLOWTRACKER_KAFKA_TOPIC</c>, <c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c>, <c>FLOWTRACKER_KAFKA_CLIENT_&lt;PROPERTY&gt;</c>),
/// the application's configuration (HOCON and an IConfiguration section, merged), the reference defaults named below.
/// </remarks>
public sealed class KafkaExporterOptions
{
    /// <summary>The topic every trace is written to. Required; no default.</summary>
    public string? Topic { get; set; }

    /// <summary>
    /// librdkafka properties of a producer the exporter creates and owns, for example
    /// <c>bootstrap.servers</c>, <c>client.id</c>, <c>acks</c>. Any librdkafka property may be
    /// given; they override <see cref="ProducerDefaults"/>, one by one. Assign a <c>Dictionary&lt;string, string&gt;</c>
    /// or Confluent's <c>ProducerConfig</c> as is. The same name everywhere: <c>producer-config</c> in HOCON,
    /// <c>ProducerConfig</c> in appsettings.json. Default: none. Mutually exclusive with <see cref="Producer"/>.
    /// </summary>
    public ProducerProperties? ProducerConfig { get; set; }

    /// <summary>
    /// The application's producer the exporter reuses, set by <see cref="UseProducer{TKey, TValue}"/>.
    /// Default: none. Mutually exclusive with <see cref="ProducerConfig"/>.
    /// </summary>
    public IClient? Producer { get; internal set; }

    /// <summary>Traces buffered or in flight at most; more are dropped (<c>BufferFull</c>). Default: 100,000.</summary>
    public int? MaxBufferedTraces { get; set; }

    /// <summary>
    /// Bytes buffered or in flight at most, each record counted as its encoded key, value and headers plus 800 B of
    /// bookkeeping (what holding it costs the exporter and librdkafka); more are dropped (<c>BufferFull</c>). More than 800.
    /// Default: 64 MiB.
    /// </summary>
    public long? MaxBufferedBytes { get; set; }

    /// <summary>
    /// The largest record the exporter sends, counted as librdkafka counts it against <c>message.max.bytes</c> (key,
    /// value, headers and 36 B of framing); a larger trace is split into parts that fit, or truncated or dropped, as
    /// <see cref="OversizedTraces"/> says. At least 1,000, and at most the owned producer's <c>message.max.bytes</c>.
    /// Default: the producer configuration's <c>message.max.bytes</c>, else librdkafka's 1,000,000 (also with
    /// <see cref="UseProducer{TKey, TValue}"/>, whose producer's setting cannot be read: set this if it is lower).
    /// </summary>
    public int? MaxMessageBytes { get; set; }

    /// <summary>What happens to a trace larger than <see cref="MaxMessageBytes"/>. Default: <see cref="Actors.OversizedTraces.Split"/>.</summary>
    public OversizedTraces? OversizedTraces { get; set; }

    /// <summary>
    /// How long stopping (and CoordinatedShutdown) waits for buffered traces to be sent and their delivery
    /// reports to arrive; what is still unconfirmed then is counted as dropped (<c>Shutdown</c>). Default: 10 seconds.
    /// </summary>
    public TimeSpan? FlushTimeout { get; set; }

    /// <summary>
    /// The CoordinatedShutdown phase whose task flushes the exporter; its timeout is raised to cover
    /// <see cref="FlushTimeout"/> when shorter. Default: <c>service-stop</c> (after the application stopped serving requests).
    /// </summary>
    public string? ShutdownPhase { get; set; }

    /// <summary>
    /// The wait before the first rebuild of an owned producer after a fatal error; each further restart within
    /// <see cref="MaxRestartsWithin"/> doubles it up to <see cref="RestartMaxBackoff"/>. Default: 1 second.
    /// </summary>
    public TimeSpan? RestartMinBackoff { get; set; }

    /// <summary>The longest wait before rebuilding an owned producer. Default: 30 seconds.</summary>
    public TimeSpan? RestartMaxBackoff { get; set; }

    /// <summary>Each backoff is stretched by a random share up to this factor (0.2 = up to 20% longer), so producers of many nodes do not restart in step. Default: 0.2.</summary>
    public double? RestartRandomFactor { get; set; }

    /// <summary>
    /// How many producer restarts are allowed within <see cref="MaxRestartsWithin"/>; at the next fatal error the
    /// failure goes to the exporter actor's parent, whose supervision strategy decides (0: never rebuild). Default: 10.
    /// </summary>
    public int? MaxRestarts { get; set; }

    /// <summary>The sliding window <see cref="MaxRestarts"/> counts restarts in. Default: 5 minutes.</summary>
    public TimeSpan? MaxRestartsWithin { get; set; }

    /// <summary>The dispatcher the exporter actor runs on. Default: <see langword="null"/>, the actor system's default dispatcher.</summary>
    public string? Dispatcher { get; set; }

    /// <summary>
    /// How often librdkafka reports its statistics (it sets <c>statistics.interval.ms</c> of the exporter's producer), which the
    /// exporter publishes as metrics: its producer queue, and per broker round-trip times, requests in flight and queued,
    /// requests, errors, retries and bytes sent, throttling (see <see cref="KafkaExporterMetrics"/>). Whole milliseconds, from
    /// 1 ms to 24 hours; <c>statistics-interval</c> in HOCON (<c>off</c> or a duration such as <c>15s</c>). Only for a producer the
    /// exporter owns: an application's producer (<see cref="UseProducer{TKey, TValue}"/>) reports its statistics to its own
    /// handler, so setting both is an error. Default: <see langword="null"/>, off (librdkafka computes no statistics).
    /// </summary>
    public TimeSpan? StatisticsInterval { get; set; }

    /// <summary>
    /// Turns the durable spool on: a directory on local disk, owned by this exporter alone (a second process on it is
    /// refused at start). Every accepted trace is written there before it is sent, and leaves once Kafka confirmed it (or
    /// it failed for good); what a crashed or stopped process left is sent first at the next start. A process killed
    /// outright loses at most the traces accepted within the last <see cref="SpoolCommitInterval"/> (plus the time one
    /// commit takes to reach the disk). With it on, an owned producer's <c>message.timeout.ms</c> defaults to 0 (no
    /// timeout). Default: none (<see langword="null"/> or empty), the spool is off and traces wait in memory only.
    /// </summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>
    /// The most the spool holds on disk; when full, the newest trace is dropped (<c>SpoolFull</c>). At least 1 MiB.
    /// It also sets the largest trace the spool takes, its page: 1 MiB from 32 MiB of max-bytes up, max-bytes / 32 below;
    /// a larger trace is kept in memory only (<c>NotSpooled</c>). Default: 1 GiB.
    /// </summary>
    public long? SpoolMaxBytes { get; set; }

    /// <summary>
    /// How often what was written to the spool is made durable (fsync'd with a commit record): the most a killed process
    /// loses. Default: 100 milliseconds.
    /// </summary>
    public TimeSpan? SpoolCommitInterval { get; set; }

    /// <summary>
    /// With the spool on, the encoded bytes held in memory at most (buffered and in flight, also bounded by
    /// <see cref="MaxBufferedBytes"/>); what is beyond waits on disk only, and is read back as Kafka confirms. Default: 8 MiB.
    /// </summary>
    public long? SpoolMemoryBytes { get; set; }

    /// <summary>
    /// The producer properties the exporter uses unless <see cref="ProducerConfig"/> overrides them:
    /// <c>acks=all</c>, <c>enable.idempotence=true</c>, <c>linger.ms=20</c>, <c>compression.type=lz4</c>,
    /// <c>partitioner=murmur2_random</c> (a trace lands where a JVM producer would put its key),
    /// <c>queue.buffering.max.messages=100000</c>, <c>queue.buffering.max.kbytes=32768</c> (librdkafka copies each record:
    /// its queue is bounded by bytes too, so an outage holds at most 64 MiB here plus 32 MiB there).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProducerDefaults => ExporterDefaults.Producer;

    /// <summary>
    /// Reuses an application's producer (any <c>IProducer&lt;TKey,TValue&gt;</c> built with Confluent's
    /// <c>ProducerBuilder</c>, or a dependent producer over one) through its handle, instead of creating one.
    /// The exporter never flushes-and-closes nor disposes it, and cannot rebuild it after a fatal error. Checked when
    /// the exporter is created: it must not be disposed yet, and must have delivery reports enabled
    /// (<c>EnableDeliveryReports = true</c>, the default). Disposing it while the exporter runs never crashes: the
    /// traces that would need it fail instead. Default: none. Mutually exclusive with <see cref="ProducerConfig"/>.
    /// </summary>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="producer"/> is <see langword="null"/>.</exception>
    public KafkaExporterOptions UseProducer<TKey, TValue>(IProducer<TKey, TValue> producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        Producer = producer;
        return this;
    }

    /// <summary>What resolving the sources found worth a warning; carried into the settings.</summary>
    internal IReadOnlyList<string> Warnings { get; set; } = [];

    /// <summary>Checks the options and returns the immutable settings the exporter runs with.</summary>
    /// <param name="keyName">How errors name an option (HOCON names its key path); default: the property name.</param>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message names it and its value.</exception>
    internal KafkaExporterSettings Validate(Func<string, string>? keyName = null) => KafkaExporterSettings.From(this, keyName);
}
