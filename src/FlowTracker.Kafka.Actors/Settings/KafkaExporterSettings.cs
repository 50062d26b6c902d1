using System.Globalization;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>The exporter's validated, immutable settings.</summary>
internal sealed record KafkaExporterSettings(
    string Topic,
    IReadOnlyDictionary<string, string>? ProducerConfig,
    IClient? Producer,
    int MaxBufferedTraces,
    long MaxBufferedBytes,
    int MaxMessageBytes,
    TimeSpan FlushTimeout,
    string ShutdownPhase,
    RestartBackoffSettings Restart)
{
    public bool OwnsProducer => Producer is null;

    public static KafkaExporterSettings From(KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            throw Invalid(nameof(options.Topic), options.Topic, "a topic is required: set it to the Kafka topic traces are written to");
        }

        if (options.ProducerConfig is null && options.Producer is null)
        {
            throw new ArgumentException(
                "The Kafka exporter needs a producer: set ProducerConfig (the exporter creates and owns a producer, e.g. with bootstrap.servers) or Producer (reuse the application's producer).",
                nameof(options));
        }

        if (options.ProducerConfig is not null && options.Producer is not null)
        {
            throw new ArgumentException(
                "Set either ProducerConfig or Producer, not both: with Producer the exporter reuses the application's producer and its configuration.",
                nameof(options));
        }

        if (options.MaxBufferedTraces < 1)
        {
            throw Invalid(nameof(options.MaxBufferedTraces), options.MaxBufferedTraces, "must be at least 1");
        }

        if (options.MaxBufferedBytes < 1)
        {
            throw Invalid(nameof(options.MaxBufferedBytes), options.MaxBufferedBytes, "must be at least 1");
        }

        IReadOnlyDictionary<string, string>? config = null;
        if (options.ProducerConfig is not null)
        {
            var merged = new Dictionary<string, string>(ExporterDefaults.Producer, StringComparer.Ordinal);
            foreach (var (key, value) in options.ProducerConfig)
            {
                merged[key] = value;
            }

            config = merged;
        }

        var maxMessageBytes = options.MaxMessageBytes ?? MessageMaxBytesOf(config);
        if (maxMessageBytes < 1)
        {
            throw Invalid(nameof(options.MaxMessageBytes), maxMessageBytes, "must be at least 1");
        }

        if (options.FlushTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(options.FlushTimeout), options.FlushTimeout, "must be positive");
        }

        if (string.IsNullOrWhiteSpace(options.ShutdownPhase))
        {
            throw Invalid(nameof(options.ShutdownPhase), options.ShutdownPhase, "a CoordinatedShutdown phase is required, for example 'service-stop'");
        }

        return new KafkaExporterSettings(
            options.Topic, config, options.Producer, options.MaxBufferedTraces, options.MaxBufferedBytes, maxMessageBytes, options.FlushTimeout, options.ShutdownPhase, RestartOf(options));
    }

    private static RestartBackoffSettings RestartOf(KafkaExporterOptions options)
    {
        if (options.RestartMinBackoff <= TimeSpan.Zero)
        {
            throw Invalid(nameof(options.RestartMinBackoff), options.RestartMinBackoff, "must be positive");
        }

        if (options.RestartMaxBackoff < options.RestartMinBackoff)
        {
            throw Invalid(nameof(options.RestartMaxBackoff), options.RestartMaxBackoff, $"must be at least RestartMinBackoff ({options.RestartMinBackoff})");
        }

        if (!double.IsFinite(options.RestartRandomFactor) || options.RestartRandomFactor < 0)
        {
            throw Invalid(nameof(options.RestartRandomFactor), options.RestartRandomFactor, "must be zero or more");
        }

        if (options.MaxRestarts < 0)
        {
            throw Invalid(nameof(options.MaxRestarts), options.MaxRestarts, "must be zero or more");
        }

        if (options.MaxRestartsWithin <= TimeSpan.Zero)
        {
            throw Invalid(nameof(options.MaxRestartsWithin), options.MaxRestartsWithin, "must be positive");
        }

        return new RestartBackoffSettings(options.RestartMinBackoff, options.RestartMaxBackoff, options.RestartRandomFactor, options.MaxRestarts, options.MaxRestartsWithin);
    }

    private static int MessageMaxBytesOf(IReadOnlyDictionary<string, string>? config)
    {
        if (config is null || !config.TryGetValue("message.max.bytes", out var text))
        {
            return ExporterDefaults.LibrdkafkaMessageMaxBytes;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid("ProducerConfig[message.max.bytes]", text, "must be a whole number of bytes");
    }

    private static ArgumentException Invalid(string key, object? value, string problem) =>
        new($"Kafka exporter option {key} = '{value}' is invalid: {problem}.", key);
}
