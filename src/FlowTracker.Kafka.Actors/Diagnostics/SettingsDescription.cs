using System.Globalization;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>The one start-up line: the effective settings and the librdkafka version, secrets redacted.</summary>
internal static class SettingsDescription
{
    public const string Redacted = "[redacted]";

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

    public static string Describe(KafkaExporterSettings settings)
    {
        var producer = settings.ProducerConfig is { } config
            ? "owned, producer-config {" + string.Join(", ", config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(IsSecret(p.Key) ? Redacted : p.Value)}")) + "}"
            : "the application's (reused through its handle)";
        var restart = settings.Restart;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"topic={settings.Topic}, producer={producer}, max-buffered-traces={settings.MaxBufferedTraces}, max-buffered-bytes={settings.MaxBufferedBytes}, "
            + $"max-message-bytes={settings.MaxMessageBytes}, flush-timeout={settings.FlushTimeout}, shutdown-phase={settings.ShutdownPhase}, "
            + $"restart={{min-backoff={restart.Min}, max-backoff={restart.Max}, random-factor={restart.RandomFactor}, max-restarts={restart.MaxRestarts}, within={restart.Within}}}, "
            + $"dispatcher={settings.Dispatcher ?? "default"}, spool={Describe(settings.Spool)}, librdkafka={Confluent.Kafka.Library.VersionString}");
    }

    private static string Describe(SpoolSettings? spool) => spool is null
        ? "off"
        : string.Create(CultureInfo.InvariantCulture, $"{{directory={spool.Directory}, max-bytes={spool.MaxBytes}, commit-interval={spool.CommitInterval}, memory-bytes={spool.MemoryBytes}}}");
}
