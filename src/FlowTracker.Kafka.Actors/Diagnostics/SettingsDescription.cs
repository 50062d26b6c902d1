using System.Globalization;
using Akka.Event;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The start-up lines: the effective settings and the librdkafka version, secrets redacted. Three short
/// key=value lines rather than one long one, each a message template whose values are also properties, so
/// a structured sink gets them as fields and a console stays readable.
/// </summary>
internal static class SettingsDescription
{
    public const string Redacted = "[redacted]";

    public const string StartedTemplate = "FlowTracker Kafka exporter started: topic={Topic} bootstrap.servers={BootstrapServers} producer={Producer} librdkafka={LibrdkafkaVersion}";

    public const string SettingsTemplate =
        "FlowTracker Kafka exporter settings: max-buffered-traces={MaxBufferedTraces} max-buffered-bytes={MaxBufferedBytes} max-message-bytes={MaxMessageBytes} oversized-traces={OversizedTraces} "
        + "flush-timeout={FlushTimeout} shutdown-phase={ShutdownPhase} dispatcher={Dispatcher} restart.min-backoff={RestartMinBackoff} restart.max-backoff={RestartMaxBackoff} "
        + "restart.random-factor={RestartRandomFactor} restart.max-restarts={MaxRestarts} restart.max-restarts-within={MaxRestartsWithin} statistics-interval={StatisticsInterval} "
        + "spool.directory={SpoolDirectory} spool.max-bytes={SpoolMaxBytes} spool.commit-interval={SpoolCommitInterval} spool.memory-bytes={SpoolMemoryBytes}";

    public const string ProducerConfigTemplate = "FlowTracker Kafka exporter producer-config: {ProducerConfig}";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "sasl.password",
        "ssl.key.password",
        "ssl.keystore.password",
        "sasl.oauthbearer.client.secret",
    };

    /// <summary>Whether a librdkafka property holds a secret: the known ones, and any key naming a password or secret.</summary>
    public static bool IsSecret(string key) =>
        SecretKeys.Contains(key)
        || key.Contains("password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("secret", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes the start-up lines at Info: what runs, the exporter's settings, and (for an owned producer) its librdkafka properties.</summary>
    public static void Write(ILoggingAdapter log, KafkaExporterSettings settings)
    {
        if (!log.IsInfoEnabled)
        {
            return;
        }

        // An application's producer keeps its configuration to itself: its brokers are not known here.
        var bootstrap = settings.ProducerConfig?.GetValueOrDefault("bootstrap.servers") ?? "unknown";
        log.Info(StartedTemplate, settings.Topic, bootstrap, settings.OwnsProducer ? "owned" : "application's", Confluent.Kafka.Library.VersionString);
        var restart = settings.Restart;
        log.Info(
            SettingsTemplate,
            [
                settings.MaxBufferedTraces, settings.MaxBufferedBytes, settings.MaxMessageBytes, settings.OversizedTraces.ToString().ToLowerInvariant(), settings.FlushTimeout, settings.ShutdownPhase, settings.Dispatcher ?? "default",
                restart.Min, restart.Max, restart.RandomFactor.ToString(CultureInfo.InvariantCulture), restart.MaxRestarts, restart.Within,
                settings.StatisticsInterval is { } interval ? interval : "off",
                settings.Spool?.Directory ?? "off", Spool(settings.Spool, s => s.MaxBytes), Spool(settings.Spool, s => s.CommitInterval), Spool(settings.Spool, s => s.MemoryBytes),
            ]);
        if (settings.ProducerConfig is { } config)
        {
            log.Info(ProducerConfigTemplate, ProducerConfig(config));
        }
    }

    /// <summary>The properties as <c>key=value</c>, sorted, space separated; a value with spaces is quoted, a secret's replaced.</summary>
    public static string ProducerConfig(IReadOnlyDictionary<string, string> config) =>
        string.Join(' ', config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Value(p.Key, p.Value)}"));

    private static string Value(string key, string value) => IsSecret(key) ? Redacted
        : value.Length == 0 || value.Any(static c => char.IsWhiteSpace(c) || c is '"' or '=') ? "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
        : value;

    // With the spool off its other settings say nothing, and are shown as "-".
    private static object Spool<T>(SpoolSettings? spool, Func<SpoolSettings, T> value) => spool is null ? "-" : value(spool)!;
}
