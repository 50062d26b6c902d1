using System.Globalization;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>The exporter's validated, immutable settings.</summary>
internal sealed record KafkaExporterSettings(
    string Topic,
    IReadOnlyDictionary<string, string>? ProducerConfig,
    IClient? Producer,
    int MaxBufferedTraces,
    long MaxBufferedBytes,
    int MaxMessageBytes,
    OversizedTraces OversizedTraces,
    TimeSpan FlushTimeout,
    string ShutdownPhase,
    RestartBackoffSettings Restart,
    string? Dispatcher)
{
    public const string StatisticsIntervalProperty = "statistics.interval.ms";

    /// <summary>The longest duration a timer takes: int.MaxValue milliseconds.</summary>
    internal static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    public bool OwnsProducer => Producer is null;

    /// <summary>
    /// How long a record may wait for its delivery report before its producer is judged to report nothing:
    /// librdkafka reports every record within <c>message.timeout.ms</c>, plus a request still in flight then
    /// (<c>request.timeout.ms</c>), plus 5 s; never, when <c>message.timeout.ms</c> is 0 (librdkafka then waits
    /// for the brokers for ever). An application's producer's settings are not known: librdkafka's defaults.
    /// </summary>
    public TimeSpan ReportTimeout =>
        Number("message.timeout.ms", "delivery.timeout.ms", 300_000) is var message && message == 0
            ? TimeSpan.MaxValue
            : TimeSpan.FromMilliseconds(message + Number("request.timeout.ms", "request.timeout.ms", 30_000) + 5_000);

    /// <summary>
    /// What librdkafka's queue of an owned producer may hold, <c>queue.buffering.max.kbytes</c> (librdkafka's default
    /// 1 GiB when unset); an application's producer's settings are not known: unbounded.
    /// </summary>
    public long LibrdkafkaQueueBytes =>
        OwnsProducer ? Number("queue.buffering.max.kbytes", "queue.buffering.max.kbytes", 1_048_576) * 1024 : long.MaxValue;

    private long Number(string key, string alias, long librdkafkaDefault) =>
        ProducerConfig is { } config
        && (config.GetValueOrDefault(key) ?? config.GetValueOrDefault(alias)) is { } text
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : librdkafkaDefault;

    /// <summary>How errors found after validation (an unknown shutdown phase or dispatcher) name an option: as the user wrote it.</summary>
    public Func<string, string> KeyName { get; init; } = static key => key;

    /// <summary>How often librdkafka reports statistics, published as metrics; null: off. Set in <see cref="ProducerConfig"/> as <c>statistics.interval.ms</c>.</summary>
    public TimeSpan? StatisticsInterval { get; init; }

    /// <summary>The durable spool's settings; <see langword="null"/> when it is off (no directory).</summary>
    public SpoolSettings? Spool { get; init; }

    /// <summary>
    /// The encoded bytes held in memory at most: with the spool on, the smaller of max-buffered-bytes and
    /// spool.memory-bytes (what is beyond waits on disk); without it, max-buffered-bytes (what is beyond is dropped).
    /// </summary>
    public long MemoryBytes => Spool is { } spool ? Math.Min(MaxBufferedBytes, spool.MemoryBytes) : MaxBufferedBytes;

    /// <summary>What the sources set that the exporter does not use (an environment variable's producer property next to an application's producer), said once when its actor starts.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <param name="options">What the user asked for.</param>
    /// <param name="keyName">How an error names an option: the property name, or the HOCON key path it came from.</param>
    public static KafkaExporterSettings From(KafkaExporterOptions options, Func<string, string>? keyName = null) =>
        new Validation(options, keyName ?? (static key => key)).Run();

    /// <summary>Every rule in one place; each error names the key and the value and says what to fix.</summary>
    private sealed class Validation(KafkaExporterOptions options, Func<string, string> keyName)
    {
        public KafkaExporterSettings Run()
        {
            ArgumentNullException.ThrowIfNull(options);
            if (string.IsNullOrWhiteSpace(options.Topic))
            {
                throw Invalid(nameof(options.Topic), options.Topic, "a topic is required: set it to the Kafka topic traces are written to");
            }

            CheckStatisticsInterval();
            var config = ProducerConfig();
            var spool = Spool();
            if (spool is not null && config is not null && !config.ContainsKey("message.timeout.ms") && !config.ContainsKey("delivery.timeout.ms"))
            {
                // With the spool, a trace waits for the brokers however long they are away: it costs disk, not memory,
                // and librdkafka would otherwise fail what it holds after 5 minutes (Local_MsgTimedOut).
                config["message.timeout.ms"] = "0";
            }

            var maxBufferedTraces = options.MaxBufferedTraces ?? ExporterDefaults.MaxBufferedTraces;
            var maxBufferedBytes = options.MaxBufferedBytes ?? ExporterDefaults.MaxBufferedBytes;
            var flushTimeout = options.FlushTimeout ?? ExporterDefaults.FlushTimeout;
            var shutdownPhase = options.ShutdownPhase ?? ExporterDefaults.ShutdownPhase;
            Require(maxBufferedTraces >= 1, nameof(options.MaxBufferedTraces), maxBufferedTraces, "must be at least 1");
            Require(
                maxBufferedBytes > OutgoingRecord.BookkeepingBytes,
                nameof(options.MaxBufferedBytes),
                maxBufferedBytes,
                $"must be more than {OutgoingRecord.BookkeepingBytes} (what holding one record costs beyond its bytes): a smaller budget can only drop traces");
            var producerLimit = MessageMaxBytesOf(config);
            var maxMessageBytes = options.MaxMessageBytes ?? producerLimit;
            Require(
                maxMessageBytes >= MinMessageBytes,
                nameof(options.MaxMessageBytes),
                maxMessageBytes,
                $"must be at least {MinMessageBytes} (librdkafka's least message.max.bytes): a smaller limit can only drop traces");

            // Beyond it, librdkafka refuses the record at Produce: a trace the exporter would have split is dropped instead.
            if (config is not null && maxMessageBytes > producerLimit)
            {
                throw Invalid(
                    nameof(options.MaxMessageBytes),
                    maxMessageBytes,
                    $"must be at most the producer's message.max.bytes ({producerLimit}{(config.ContainsKey("message.max.bytes") ? "" : ", librdkafka's default")}), which librdkafka checks each record against: raise ProducerConfig[message.max.bytes] too, or leave {keyName(nameof(options.MaxMessageBytes))} as auto");
            }
            var oversized = options.OversizedTraces ?? ExporterDefaults.Oversized;
            Require(Enum.IsDefined(oversized), nameof(options.OversizedTraces), oversized, "must be Split, Truncate or Drop");
            RequireTimer(flushTimeout, nameof(options.FlushTimeout));
            Require(!string.IsNullOrWhiteSpace(shutdownPhase), nameof(options.ShutdownPhase), shutdownPhase, "a CoordinatedShutdown phase is required, for example 'service-stop'");
            return new KafkaExporterSettings(
                options.Topic, config, options.Producer, maxBufferedTraces, maxBufferedBytes, maxMessageBytes, oversized,
                flushTimeout, shutdownPhase, Restart(), string.IsNullOrWhiteSpace(options.Dispatcher) ? null : options.Dispatcher)
            {
                KeyName = keyName,
                Warnings = options.Warnings,
                StatisticsInterval = options.StatisticsInterval,
                Spool = spool,
            };
        }

        private Dictionary<string, string>? ProducerConfig()
        {
            if (options.ProducerConfig is null && options.Producer is null)
            {
                throw new ArgumentException(
                    "The Kafka exporter needs a producer: set ProducerConfig (the exporter creates and owns a producer, e.g. with bootstrap.servers) or UseProducer (reuse the application's producer).",
                    nameof(options));
            }

            if (options.ProducerConfig is null)
            {
                if (ApplicationProducerHandle.Refusal(options.Producer!) is { } refusal)
                {
                    var key = keyName(nameof(options.Producer));
                    throw new ArgumentException($"Kafka exporter option {key} is invalid: {refusal}.", key);
                }

                return null;
            }

            if (options.Producer is not null)
            {
                throw new ArgumentException(
                    "Set either ProducerConfig or UseProducer, not both: with UseProducer the exporter reuses the application's producer and its configuration.",
                    nameof(options));
            }

            var merged = new Dictionary<string, string>(ExporterDefaults.Producer, StringComparer.Ordinal);
            foreach (var (key, value) in options.ProducerConfig)
            {
                merged[key] = value;
            }

            if (options.StatisticsInterval is { } interval)
            {
                merged[StatisticsIntervalProperty] = ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            }

            // librdkafka would start without brokers and retry forever; say it now instead.
            var servers = merged.GetValueOrDefault("bootstrap.servers") ?? merged.GetValueOrDefault("metadata.broker.list");
            Require(!string.IsNullOrWhiteSpace(servers), "ProducerConfig[bootstrap.servers]", servers, "the brokers to connect to are required, for example 'localhost:9092' (or UseProducer, to reuse the application's producer)");
            if (LibrdkafkaCheck.Rejection(merged) is var (problem, property))
            {
                throw property is not null && merged.TryGetValue(property, out var value)
                    ? Invalid($"ProducerConfig[{property}]", value, $"librdkafka rejects it: {problem}")
                    : new ArgumentException($"Kafka exporter option {keyName("ProducerConfig")} is invalid: librdkafka rejects it: {problem}.", keyName("ProducerConfig"));
            }

            return merged;
        }

        /// <summary>
        /// One name for the setting: librdkafka's own property would compute statistics nobody reads. And only an owned
        /// producer's statistics can be read: a handler is attached when a producer is built, and the application built its own.
        /// </summary>
        private void CheckStatisticsInterval()
        {
            if (options.ProducerConfig?.ContainsKey(StatisticsIntervalProperty) == true)
            {
                var key = $"ProducerConfig[{StatisticsIntervalProperty}]";
                throw Invalid(
                    key,
                    options.ProducerConfig[StatisticsIntervalProperty],
                    $"set {keyName(nameof(options.StatisticsInterval))} instead, which sets it and publishes the statistics as metrics");
            }

            if (options.StatisticsInterval is not { } interval)
            {
                return;
            }

            Require(
                interval >= TimeSpan.FromMilliseconds(1) && interval <= TimeSpan.FromHours(24) && interval.Ticks % TimeSpan.TicksPerMillisecond == 0,
                nameof(options.StatisticsInterval),
                interval,
                "must be whole milliseconds from 1ms to 24h (librdkafka's statistics.interval.ms), or off");
            if (options.Producer is not null && options.ProducerConfig is null)
            {
                throw Invalid(
                    nameof(options.StatisticsInterval),
                    interval,
                    $"the exporter reads the statistics of a producer it owns, and {keyName(nameof(options.Producer))} (UseProducer) is the application's: "
                    + "set statistics.interval.ms and a statistics handler when building that producer, or remove this option");
            }
        }

        private RestartBackoffSettings Restart()
        {
            var min = options.RestartMinBackoff ?? ExporterDefaults.RestartMinBackoff;
            var max = options.RestartMaxBackoff ?? ExporterDefaults.RestartMaxBackoff;
            var randomFactor = options.RestartRandomFactor ?? ExporterDefaults.RestartRandomFactor;
            var maxRestarts = options.MaxRestarts ?? ExporterDefaults.MaxRestarts;
            var within = options.MaxRestartsWithin ?? ExporterDefaults.MaxRestartsWithin;
            RequireTimer(min, nameof(options.RestartMinBackoff));
            Require(max >= min, nameof(options.RestartMaxBackoff), max, $"must be at least {keyName(nameof(options.RestartMinBackoff))} ({min})");
            RequireTimer(max, nameof(options.RestartMaxBackoff));
            Require(double.IsFinite(randomFactor) && randomFactor >= 0, nameof(options.RestartRandomFactor), randomFactor, "must be zero or more");
            Require(maxRestarts >= 0, nameof(options.MaxRestarts), maxRestarts, "must be zero or more");
            Require(within > TimeSpan.Zero, nameof(options.MaxRestartsWithin), within, "must be positive");
            return new RestartBackoffSettings(min, max, randomFactor, maxRestarts, within);
        }

        /// <summary>Every spool setting is checked, even with the spool off: a wrong value is wrong before it is used.</summary>
        private SpoolSettings? Spool()
        {
            var directory = options.SpoolDirectory;
            var maxBytes = options.SpoolMaxBytes ?? ExporterDefaults.SpoolMaxBytes;
            var commitInterval = options.SpoolCommitInterval ?? ExporterDefaults.SpoolCommitInterval;
            var memoryBytes = options.SpoolMemoryBytes ?? ExporterDefaults.SpoolMemoryBytes;
            Require(maxBytes >= SpoolGeometry.MinMaxBytes, nameof(options.SpoolMaxBytes), maxBytes, $"must be at least 1 MiB ({SpoolGeometry.MinMaxBytes} bytes)");
            RequireTimer(commitInterval, nameof(options.SpoolCommitInterval));
            Require(memoryBytes >= 1, nameof(options.SpoolMemoryBytes), memoryBytes, "must be at least 1");
            if (string.IsNullOrEmpty(directory))
            {
                return null;
            }

            Require(!string.IsNullOrWhiteSpace(directory), nameof(options.SpoolDirectory), directory, "must be a directory, or empty to leave the spool off");
            Require(!directory.StartsWith('~'), nameof(options.SpoolDirectory), directory, "'~' is a shell's shorthand, not expanded here: give the full path");
            string path;
            try
            {
                path = Path.GetFullPath(directory);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw Invalid(nameof(options.SpoolDirectory), directory, $"it is not a usable path ({ex.Message})");
            }

            // The spool writes its own files (a lock, its geometry, commit records) beside its log: never into a filesystem's root.
            Require(!string.Equals(Path.TrimEndingDirectorySeparator(path), Path.TrimEndingDirectorySeparator(Path.GetPathRoot(path) ?? string.Empty), StringComparison.Ordinal), nameof(options.SpoolDirectory), directory, "must be a directory of the exporter's own, not a filesystem's root");
            return new SpoolSettings(path, maxBytes, commitInterval, memoryBytes);
        }

        /// <summary>The least <c>message.max.bytes</c> librdkafka accepts.</summary>
        private const int MinMessageBytes = 1000;

        private int MessageMaxBytesOf(Dictionary<string, string>? config)
        {
            if (config is null || !config.TryGetValue("message.max.bytes", out var text))
            {
                return ExporterDefaults.LibrdkafkaMessageMaxBytes;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Invalid("ProducerConfig[message.max.bytes]", text, "must be a whole number of bytes");
        }

        /// <summary>
        /// A duration that arms a timer: positive, and at most what .NET's and Akka's timers take (int.MaxValue
        /// milliseconds, about 24.8 days): beyond it the timer throws on a thread of its own, and the process dies.
        /// </summary>
        private void RequireTimer(TimeSpan value, string key) =>
            Require(value > TimeSpan.Zero && value <= MaxTimer, key, value, $"must be positive and at most {MaxTimer} (what a timer takes)");

        private void Require(bool condition, string key, object? value, string problem)
        {
            if (!condition)
            {
                throw Invalid(key, value, problem);
            }
        }

        private ArgumentException Invalid(string key, object? value, string problem)
        {
            // Error messages end up in logs: a secret's value is never part of one.
            var shown = key.StartsWith("ProducerConfig[", StringComparison.Ordinal) && SettingsDescription.IsSecret(key["ProducerConfig[".Length..^1])
                ? SettingsDescription.Redacted
                : value;
            return new($"Kafka exporter option {keyName(key)} = '{shown}' is invalid: {problem}.", keyName(key));
        }
    }
}
