using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>
/// The exporter's HOCON: the embedded reference (hocon/flowtracker-kafka.conf), reading options from a
/// configuration, and rendering options back to HOCON for Akka.Hosting to prepend.
/// </summary>
internal static partial class KafkaExporterHocon
{
    public const string Section = "flowtracker.kafka-exporter";
    /// <summary>Every environment variable the exporter reads starts so; also read at the root of an application's IConfiguration.</summary>
    public const string VariablePrefix = "FLOWTRACKER_KAFKA_";
    public const string TopicVariable = "FLOWTRACKER_KAFKA_TOPIC";
    public const string BootstrapServersVariable = "FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS";

    /// <summary><c>FLOWTRACKER_KAFKA_CLIENT_SASL_PASSWORD</c> sets producer-config."sasl.password": secrets stay out of files.</summary>
    public const string ClientPropertyPrefix = "FLOWTRACKER_KAFKA_CLIENT_";
    private const string ProducerConfig = "producer-config";
    private const string Off = "off";
    private const int MaxPropertyParts = 16;

    /// <summary>Option property → its key under <see cref="Section"/>; errors name the key the user wrote.</summary>
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        [nameof(KafkaExporterOptions.Topic)] = "topic",
        [nameof(KafkaExporterOptions.MaxBufferedTraces)] = "max-buffered-traces",
        [nameof(KafkaExporterOptions.MaxBufferedBytes)] = "max-buffered-bytes",
        [nameof(KafkaExporterOptions.MaxMessageBytes)] = "max-message-bytes",
        [nameof(KafkaExporterOptions.OversizedTraces)] = "oversized-traces",
        [nameof(KafkaExporterOptions.FlushTimeout)] = "flush-timeout",
        [nameof(KafkaExporterOptions.ShutdownPhase)] = "shutdown-phase",
        [nameof(KafkaExporterOptions.Dispatcher)] = "dispatcher",
        [nameof(KafkaExporterOptions.StatisticsInterval)] = "statistics-interval",
        [nameof(KafkaExporterOptions.RestartMinBackoff)] = "restart.min-backoff",
        [nameof(KafkaExporterOptions.RestartMaxBackoff)] = "restart.max-backoff",
        [nameof(KafkaExporterOptions.RestartRandomFactor)] = "restart.random-factor",
        [nameof(KafkaExporterOptions.MaxRestarts)] = "restart.max-restarts",
        [nameof(KafkaExporterOptions.MaxRestartsWithin)] = "restart.max-restarts-within",
        [nameof(KafkaExporterOptions.SpoolDirectory)] = "spool.directory",
        [nameof(KafkaExporterOptions.SpoolMaxBytes)] = "spool.max-bytes",
        [nameof(KafkaExporterOptions.SpoolCommitInterval)] = "spool.commit-interval",
        [nameof(KafkaExporterOptions.SpoolMemoryBytes)] = "spool.memory-bytes",
    };

    /// <summary>Option property → its key under <see cref="Section"/> (<c>restart.min-backoff</c>).</summary>
    public static IReadOnlyDictionary<string, string> OptionKeys => Keys;

    /// <summary>The reference configuration, embedded from hocon/flowtracker-kafka.conf.</summary>
    public static Config Reference { get; } = LoadReference();

    /// <summary>The full HOCON path of an option, for error messages.</summary>
    public static string KeyPath(string option)
    {
        if (Keys.TryGetValue(option, out var key))
        {
            return $"{Section}.{key}";
        }

        // "ProducerConfig[linger.ms]" → flowtracker.kafka-exporter.producer-config."linger.ms"
        if (option.StartsWith("ProducerConfig[", StringComparison.Ordinal))
        {
            return $"{Section}.{ProducerConfig}.\"{option["ProducerConfig[".Length..^1]}\"";
        }

        return option == nameof(KafkaExporterOptions.ProducerConfig) ? $"{Section}.{ProducerConfig}" : option;
    }

    /// <summary>
    /// Reads the options under <see cref="Section"/> of <paramref name="config"/>, over the reference
    /// defaults, then applies the documented environment variables (no options in code: see <see cref="KafkaExporterSources"/>).
    /// </summary>
    /// <param name="config">The configuration the section is read from.</param>
    /// <param name="environment">The environment variables (<see cref="ProcessEnvironment"/>).</param>
    /// <param name="keyName">How an error names an option (default: its HOCON key path); the configuration keys when the HOCON came from them.</param>
    /// <exception cref="ArgumentException">A key is unknown, or a value cannot be read as its type; the message names the key and the value.</exception>
    public static KafkaExporterOptions Read(Config config, IReadOnlyDictionary<string, string> environment, Func<string, string>? keyName = null) =>
        KafkaExporterSources.Resolve(code: null, environment, config, keyName).Options;

    /// <summary>The options under <see cref="Section"/> of <paramref name="config"/>, over the reference defaults: every option set.</summary>
    /// <exception cref="ArgumentException">A key is unknown, or a value cannot be read as its type; the message names the key and the value.</exception>
    public static KafkaExporterOptions ReadConfiguration(Config config, Func<string, string> keyName)
    {
        ArgumentNullException.ThrowIfNull(config);

        // The user's own section is checked before the reference is merged in, so an unknown key is one they wrote.
        var own = config.Root is { } root ? KafkaExporterHoconShape.Section(root) : null;
        var section = own?.ToConfig().SafeWithFallback(Reference.GetConfig(Section)) ?? Reference.GetConfig(Section);
        return new KafkaExporterOptions
        {
            Topic = Get(section, nameof(KafkaExporterOptions.Topic), keyName, static v => v.GetString()),
            MaxBufferedTraces = Get(section, nameof(KafkaExporterOptions.MaxBufferedTraces), keyName, static v => v.GetInt()),
            MaxBufferedBytes = ByteSize(section, nameof(KafkaExporterOptions.MaxBufferedBytes), keyName),
            MaxMessageBytes = Get(section, nameof(KafkaExporterOptions.MaxMessageBytes), keyName, static v => v.GetString() == "auto" ? (int?)null : v.GetInt()),
            OversizedTraces = Get(section, nameof(KafkaExporterOptions.OversizedTraces), keyName, static v => Oversized(v.GetString())),
            FlushTimeout = Duration(section, nameof(KafkaExporterOptions.FlushTimeout), keyName),
            ShutdownPhase = Get(section, nameof(KafkaExporterOptions.ShutdownPhase), keyName, static v => v.GetString()),
            Dispatcher = Get(section, nameof(KafkaExporterOptions.Dispatcher), keyName, static v => v.GetString()),
            StatisticsInterval = OptionalDuration(section, nameof(KafkaExporterOptions.StatisticsInterval), keyName),
            RestartMinBackoff = Duration(section, nameof(KafkaExporterOptions.RestartMinBackoff), keyName),
            RestartMaxBackoff = Duration(section, nameof(KafkaExporterOptions.RestartMaxBackoff), keyName),
            RestartRandomFactor = Get(section, nameof(KafkaExporterOptions.RestartRandomFactor), keyName, static v => v.GetDouble()),
            MaxRestarts = Get(section, nameof(KafkaExporterOptions.MaxRestarts), keyName, static v => v.GetInt()),
            MaxRestartsWithin = Duration(section, nameof(KafkaExporterOptions.MaxRestartsWithin), keyName),
            SpoolDirectory = Get(section, nameof(KafkaExporterOptions.SpoolDirectory), keyName, static v => v.GetString()),
            SpoolMaxBytes = ByteSize(section, nameof(KafkaExporterOptions.SpoolMaxBytes), keyName),
            SpoolCommitInterval = Duration(section, nameof(KafkaExporterOptions.SpoolCommitInterval), keyName),
            SpoolMemoryBytes = ByteSize(section, nameof(KafkaExporterOptions.SpoolMemoryBytes), keyName),
            ProducerConfig = ProducerConfigOf(section, keyName),
        };
    }

    /// <summary>
    /// The producer properties the application's configuration sets to something other than the reference's value
    /// (what an application's producer would silently ignore), as option names (<c>ProducerConfig[linger.ms]</c>).
    /// </summary>
    public static IReadOnlyList<string> ApplicationProducerProperties(Config config)
    {
        if (config.Root is not { } root || KafkaExporterHoconShape.Section(root) is not { } own)
        {
            return [];
        }

        var properties = ProducerConfigOf(own.ToConfig(), KeyPath);
        return properties
            .Where(p => !ExporterDefaults.Producer.TryGetValue(p.Key, out var reference) || reference != p.Value)
            .Select(p => $"ProducerConfig[{p.Key}]")
            .ToList();
    }

    /// <summary>This process's environment variables.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);

    /// <summary>The error for a key the exporter does not know; the same words whether it came from HOCON or IConfiguration.</summary>
    public static ArgumentException UnknownKey(string path, string librdkafkaKeys) =>
        new($"Kafka exporter configuration key {path} is unknown.{Renamed(path)} Known keys: {string.Join(", ", Keys.Values)}, {librdkafkaKeys}.", path);

    /// <summary>The old name of producer-config is not an alias: it is refused, saying what to write instead.</summary>
    private static string Renamed(string path) =>
        path.Split(':', '.').Any(static part => part.Replace("-", string.Empty, StringComparison.Ordinal).Equals("kafkaclients", StringComparison.OrdinalIgnoreCase))
            ? " kafka-clients was renamed: write producer-config (HOCON) or ProducerConfig (appsettings.json), the name of KafkaExporterOptions.ProducerConfig."
            : string.Empty;

    private static T Get<T>(Config section, string option, Func<string, string> keyName, Func<HoconValue, T> read, Func<string, string?>? check = null)
    {
        var key = Keys[option];

        // Never null: the reference has every key, and a non-object restart was refused with the section's keys.
        var value = section.GetValue(key);
        if (KafkaExporterHoconShape.OptionProblem(value, key, Describe(typeof(T))) is { } shapeProblem)
        {
            throw KafkaExporterHoconShape.Invalid(keyName(option), KafkaExporterHoconShape.Show(value, key), shapeProblem);
        }

        var raw = value.GetString() ?? "null";
        if (check?.Invoke(raw) is { } problem)
        {
            throw KafkaExporterHoconShape.Invalid(keyName(option), raw, problem);
        }

        try
        {
            return read(value);
        }
#pragma warning disable CA1031 // Akka's HOCON throws many types for a bad value; each becomes one clear error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw KafkaExporterHoconShape.Invalid(keyName(option), raw, $"it cannot be read as {Describe(typeof(T))}", ex);
        }
    }

    private static long ByteSize(Config section, string option, Func<string, string> keyName) =>
        Get(section, option, keyName, static v => v.GetByteSize() ?? throw new FormatException("not a byte size"));

    /// <summary>A duration needs its unit: Akka would read a bare <c>10</c> as 10 ms, which nobody writing 10 means.</summary>
    private static OversizedTraces Oversized(string text) => text.ToLowerInvariant() switch
    {
        "split" => Actors.OversizedTraces.Split,
        "truncate" => Actors.OversizedTraces.Truncate,
        "drop" => Actors.OversizedTraces.Drop,
        _ => throw new FormatException("expected split, truncate or drop"),
    };

    private static TimeSpan Duration(Config section, string option, Func<string, string> keyName) =>
        Get(section, option, keyName, static v => v.GetTimeSpan(allowInfinite: false), static raw =>
            raw.TrimStart().StartsWith('-') ? "must be positive"
            : !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null
            : UnsignedDecimal().IsMatch(raw.Trim()) ? $"a duration needs a unit, for example {raw.Trim()}s or {raw.Trim()}ms"
            : "a duration needs a unit, for example 10s or 500ms");

    /// <summary>A duration, or <c>off</c> (<see langword="null"/>).</summary>
    private static TimeSpan? OptionalDuration(Config section, string option, Func<string, string> keyName) =>
        section.GetValue(Keys[option]) is { } value && KafkaExporterHoconShape.Of(value) == HoconShape.Single && value.GetString() == Off
            ? null
            : Duration(section, option, keyName);

    /// <summary>What Akka reads before a duration's unit: an example built from anything else would not parse.</summary>
    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UnsignedDecimal();

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "a duration (for example 10s, 500ms, 5m)",
        _ when type == typeof(long) => "a byte size (for example 128MiB)",
        _ when type == typeof(int) => "a whole number",
        _ when type == typeof(int?) => "a whole number or auto",
        _ when type == typeof(double) => "a number",
        _ when type == typeof(OversizedTraces) => "one of split, truncate, drop",
        _ => "a string",
    };

    /// <summary>The producer-config block, dotted keys kept whole whether quoted or written as nested objects.</summary>
    private static Dictionary<string, string> ProducerConfigOf(Config section, Func<string, string> keyName)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (section.GetValue(ProducerConfig) is { } block)
        {
            var path = keyName(nameof(KafkaExporterOptions.ProducerConfig));
            var clients = KafkaExporterHoconShape.RequireObject(block, path, KafkaExporterHoconShape.ProducerConfigNotAnObject, KafkaExporterHoconShape.AnyClientVariable);
            Flatten(clients, prefix: string.Empty, properties, keyName);
        }

        return properties;
    }

    private static void Flatten(HoconObject block, string prefix, Dictionary<string, string> into, Func<string, string> keyName)
    {
        foreach (var (key, value) in block.Items)
        {
            var name = prefix + key;

            // A substitution of a path that contains itself nests without end; no librdkafka name has this many parts.
            var problem = name.Count(static c => c == '.') > MaxPropertyParts
                ? "it nests deeper than any librdkafka property name"
                : KafkaExporterHoconShape.ProducerConfigProblem(value, name);
            if (problem is not null)
            {
                throw KafkaExporterHoconShape.Invalid(keyName($"ProducerConfig[{name}]"), KafkaExporterHoconShape.Show(value, name), problem);
            }

            if (value.IsObject())
            {
                Flatten(value.GetObject(), name + ".", into, keyName);
            }
            else
            {
                into[name] = value.GetString();
            }
        }
    }

    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static Config LoadReference()
    {
        using var stream = typeof(KafkaExporterHocon).Assembly.GetManifestResourceStream("FlowTracker.Kafka.Actors.flowtracker-kafka.conf")
            ?? throw new InvalidOperationException("The reference HOCON is not embedded in FlowTracker.Kafka.Actors.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
