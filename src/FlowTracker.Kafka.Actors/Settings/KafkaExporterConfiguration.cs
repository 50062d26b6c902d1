using System.Globalization;
using System.Text;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>
/// The exporter's settings from a Microsoft.Extensions.Configuration section (appsettings.json, environment
/// variables, ...): the same keys as the HOCON, in either spelling (<c>max-buffered-traces</c> or
/// <c>MaxBufferedTraces</c>; <c>producer-config</c> or <c>ProducerConfig</c>), turned into HOCON so that one
/// reader and one validation serve both. Durations may be HOCON (<c>10s</c>) or .NET (<c>00:00:10</c>).
/// </summary>
internal static class KafkaExporterConfiguration
{
    private const string ProducerConfig = "producer-config";

    /// <summary>Normalized key ("maxbufferedtraces", "restart.minbackoff") → option property.</summary>
    private static readonly Dictionary<string, string> Options = KafkaExporterHocon.OptionKeys
        .Select(k => (Key: Normalize(k.Value), Option: k.Key))
        .Concat(KafkaExporterHocon.OptionKeys.Keys.Select(k => (Key: Normalize(k), Option: k)))
        .DistinctBy(k => k.Key)
        .ToDictionary(k => k.Key, k => k.Option, StringComparer.Ordinal);

    /// <summary>
    /// The section as HOCON under <c>flowtracker.kafka-exporter</c>, and how to name an option by the
    /// configuration key it came from (<c>FlowTracker:KafkaExporter:MaxBufferedTraces</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The section has a key the exporter does not know (a typo, most likely), or one option in two spellings.</exception>
    public static (Config Hocon, Func<string, string> KeyName) ToHocon(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var text = new StringBuilder();
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in section.GetChildren())
        {
            if (Normalize(child.Key) == Normalize(ProducerConfig))
            {
                origins[nameof(KafkaExporterOptions.ProducerConfig)] = child.Path;
                foreach (var (name, value) in Leaves(child, name: string.Empty))
                {
                    text.Append(CultureInfo.InvariantCulture, $"{KafkaExporterHocon.Section}.{ProducerConfig}.{KafkaExporterHocon.Quote(name)} = {KafkaExporterHocon.Quote(value)}\n");
                    origins[$"ProducerConfig[{name}]"] = $"{child.Path}:{name}";
                }

                continue;
            }

            foreach (var (name, value) in Leaves(child, child.Key))
            {
                var path = $"{section.Path}:{name.Replace('.', ':')}";
                if (!Options.TryGetValue(Normalize(name), out var option))
                {
                    throw KafkaExporterHocon.UnknownKey(path, $"{ProducerConfig}:<librdkafka property>");
                }

                if (origins.TryGetValue(option, out var earlier))
                {
                    // Two spellings of one option (an override file written in the other one): which one wins would be a guess.
                    throw new ArgumentException(
                        $"Kafka exporter option {option} is set twice in the configuration, as {earlier} and as {path}: keep one spelling.", path);
                }

                var hocon = KafkaExporterHocon.OptionKeys[option];
                text.Append(CultureInfo.InvariantCulture, $"{KafkaExporterHocon.Section}.{hocon} = {KafkaExporterHocon.Quote(AsHoconValue(value))}\n");
                origins[option] = path;
            }
        }

        var config = ConfigurationFactory.ParseString(text.ToString());
        return (config, option => origins.TryGetValue(option, out var path) ? path : KafkaExporterHocon.KeyPath(option));
    }

    /// <summary>The values under <paramref name="node"/>, named by their dotted path from <paramref name="name"/>.</summary>
    private static IEnumerable<(string Name, string Value)> Leaves(IConfigurationSection node, string name)
    {
        if (node.Value is { } value && !node.GetChildren().Any())
        {
            yield return (name, value);
            yield break;
        }

        foreach (var child in node.GetChildren())
        {
            foreach (var leaf in Leaves(child, name.Length == 0 ? child.Key : $"{name}.{child.Key}"))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>
    /// A .NET TimeSpan ("00:00:10") becomes milliseconds HOCON reads; anything else is left as written, so a bare
    /// "10" reaches the HOCON reader and is refused there for its missing unit, named by this configuration key.
    /// </summary>
    private static string AsHoconValue(string value) =>
        value.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration)
            ? $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
            : value;

    private static string Normalize(string key) => key.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
