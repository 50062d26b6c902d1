using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>
/// Asks librdkafka itself whether it accepts a producer configuration, by building (and at once
/// disposing) a producer with it: a few milliseconds at start-up, instead of a stream that fails each
/// time it builds its producer. Catches unknown properties, bad values and combinations librdkafka
/// refuses (for example <c>acks=1</c> with idempotence).
/// </summary>
internal static partial class LibrdkafkaCheck
{
    /// <summary>The problem librdkafka reports, and the property it names if any; null when it accepts the configuration.</summary>
    public static (string Problem, string? Property)? Rejection(IReadOnlyDictionary<string, string> config)
    {
        try
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(config)
                .SetLogHandler(static (_, _) => { })
                .SetErrorHandler(static (_, _) => { })
                .Build();
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KafkaException)
        {
            var quoted = QuotedName().Match(ex.Message);
            var property = quoted.Success ? quoted.Groups[1].Value : null;
            if (property is not null && !config.ContainsKey(property))
            {
                // librdkafka names the canonical property of an alias (compression.type → compression.codec):
                // find the user's key by the value librdkafka quotes.
                property = config.FirstOrDefault(p => ex.Message.Contains($"\"{p.Value}\"", StringComparison.Ordinal)).Key ?? property;
            }

            return (ex.Message, property);
        }
    }

    [GeneratedRegex("property:? \"([^\"]+)\"")]
    private static partial Regex QuotedName();
}
