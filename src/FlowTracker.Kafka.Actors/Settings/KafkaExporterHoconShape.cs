using Akka.Configuration.Hocon;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>What a HOCON value is, before it is read as a number, a duration or a string.</summary>
internal enum HoconShape
{
    Single,
    Object,
    List,

    /// <summary><c>${?VAR}</c>: Akka.NET resolves it to the whole document, so reading it as an object never ends.</summary>
    EnvironmentSubstitution,
    Other,
}

/// <summary>
/// Checks the shape of the user's <c>flowtracker.kafka-exporter</c> section (known keys, objects where objects
/// belong) and renders values for error messages, so that a wrong value is an ArgumentException naming its key.
/// </summary>
internal static class KafkaExporterHoconShape
{
    public const string ProducerConfigNotAnObject = "it must be an object of librdkafka properties, for example producer-config { \"bootstrap.servers\" = \"localhost:9092\" }";
    public const string AnyClientVariable = KafkaExporterHocon.ClientPropertyPrefix + "<PROPERTY>";
    private const string ProducerConfig = "producer-config";
    private const string SingleValue = "a librdkafka property is a single value (a string, number or boolean)";

    /// <summary>The objects under the section whose keys are the exporter's (<c>restart</c>); producer-config' keys are librdkafka's.</summary>
    private static readonly HashSet<string> Blocks = KafkaExporterHocon.OptionKeys.Values
        .Where(k => k.Contains('.', StringComparison.Ordinal))
        .Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)])
        .ToHashSet(StringComparer.Ordinal);

    private static readonly HashSet<string> Leaves = KafkaExporterHocon.OptionKeys.Values.ToHashSet(StringComparer.Ordinal);

    public static HoconShape Of(HoconValue value)
    {
        // Checked first: asking such a value whether it is an object already follows it to the document root.
        if (value.Values.Exists(static e => e is HoconSubstitution { Path: null or "" }))
        {
            return HoconShape.EnvironmentSubstitution;
        }

        if (value.IsObject())
        {
            return HoconShape.Object;
        }

        if (value.Values.Exists(static e => e is HoconArray))
        {
            return HoconShape.List;
        }

        return value.IsString() ? HoconShape.Single : HoconShape.Other;
    }

    /// <summary>
    /// The section's value in <paramref name="root"/>, checked: objects on the way to it and in it where the exporter
    /// expects them, and no key it does not know. Null when the configuration has no such section.
    /// </summary>
    /// <exception cref="ArgumentException">A key is unknown or a value is not an object where one is expected.</exception>
    public static HoconValue? Section(HoconValue root)
    {
        var value = root;
        var path = string.Empty;
        foreach (var segment in KafkaExporterHocon.Section.Split('.'))
        {
            path = path.Length == 0 ? segment : $"{path}.{segment}";
            value = value.GetChildObject(segment);
            if (value is null)
            {
                return null;
            }

            RequireObject(value, path, "it must be an object, for example flowtracker.kafka-exporter { topic = traces }");
        }

        CheckKeys(value.GetObject(), prefix: string.Empty);
        return value;
    }

    /// <param name="value">The value that must be an object.</param>
    /// <param name="path">How errors name it.</param>
    /// <param name="problem">What an error says when it is not one.</param>
    /// <param name="variable">The environment variable to suggest when it is a <c>${?VAR}</c> (when there is one).</param>
    /// <exception cref="ArgumentException">The value is not an object.</exception>
    public static HoconObject RequireObject(HoconValue value, string path, string problem, string? variable = null) => Of(value) switch
    {
        HoconShape.Object => value.GetObject(),
        HoconShape.EnvironmentSubstitution => throw Invalid(path, Show(value), SubstitutionProblem(variable)),
        _ => throw Invalid(path, Show(value), problem),
    };

    /// <summary>Why a producer-config value cannot be a librdkafka property, or null when it can.</summary>
    public static string? ProducerConfigProblem(HoconValue value, string property) => Of(value) switch
    {
        HoconShape.Single when value.GetString() is null => "a librdkafka property needs a value (a string, number or boolean), not null",
        HoconShape.Single => null,
        HoconShape.Object when value.GetObject().Items.Count == 0 => $"{SingleValue}, not an empty object",
        HoconShape.Object => null,
        HoconShape.List => $"{SingleValue}, not a list",
        HoconShape.EnvironmentSubstitution => SubstitutionProblem(VariableFor(property)),
        _ => SingleValue,
    };

    /// <summary>Why a value of an option cannot be read as <paramref name="expected"/>, or null when it is a single value.</summary>
    public static string? OptionProblem(HoconValue value, string key, string expected) => Of(value) switch
    {
        HoconShape.Single => null,
        HoconShape.Object => $"it cannot be read as {expected}: it is an object",
        HoconShape.List => $"it cannot be read as {expected}: it is a list",
        HoconShape.EnvironmentSubstitution => SubstitutionProblem(key == "topic" ? KafkaExporterHocon.TopicVariable : null),
        _ => $"it cannot be read as {expected}: it is not a single value",
    };

    /// <summary>
    /// The value as the user wrote it, near enough to find it. <paramref name="name"/> is the dotted name it was
    /// found under (a librdkafka property, within producer-config): whatever looks secret is never shown.
    /// </summary>
    public static string Show(HoconValue value, string name = "", int depth = 0)
    {
        if (SettingsDescription.IsSecret(name))
        {
            return SettingsDescription.Redacted;
        }

        switch (Of(value))
        {
            case HoconShape.Single:
                return value.GetString() ?? "null";
            case HoconShape.EnvironmentSubstitution:
                var at = value.Values.FindIndex(static e => e is HoconSubstitution);
                return at + 1 < value.Values.Count && value.Values[at + 1] is HoconLiteral { Value: { } variable } ? $"${{?{variable}}}" : "${?...}";
            case HoconShape.Object when depth >= 3:
                return "{ ... }";
            case HoconShape.Object:
                var items = value.GetObject().Items.Select(i => $"{Segment(i.Key)} = {Show(i.Value, Join(name, i.Key), depth + 1)}");
                return value.GetObject().Items.Count == 0 ? "{ }" : $"{{ {string.Join(", ", items)} }}";
            case HoconShape.List when depth >= 3:
                return "[...]";
            case HoconShape.List:
                return $"[{string.Join(", ", value.GetArray().Select(e => Show(e, name, depth + 1)))}]";
            default:
                return string.Empty;
        }
    }

    public static ArgumentException Invalid(string key, string shown, string problem, Exception? inner = null) =>
        new($"Kafka exporter option {key} = '{shown}' is invalid: {problem}.", key, inner);

    /// <summary>A key as it appears in a path: quoted when it holds a dot, as <c>"linger.ms"</c> must be.</summary>
    public static string Segment(string key) =>
        key.Length == 0 || key.Any(static c => c is '.' or '"' or '$' or '{' or '}' || char.IsWhiteSpace(c)) ? KafkaExporterHocon.Quote(key) : key;

    /// <summary>The environment variable the exporter reads for a librdkafka property, when there is one.</summary>
    private static string? VariableFor(string property) => property switch
    {
        "bootstrap.servers" => KafkaExporterHocon.BootstrapServersVariable,
        // The variable's name maps back to the property only for names of lower-case letters, digits and dots, as librdkafka's are.
        { Length: > 0 } when property.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.') =>
            KafkaExporterHocon.ClientPropertyPrefix + property.ToUpperInvariant().Replace('.', '_'),
        _ => null,
    };

    private static void CheckKeys(HoconObject block, string prefix)
    {
        foreach (var (key, value) in block.Items)
        {
            var path = prefix + Segment(key);
            if (path == ProducerConfig)
            {
                RequireObject(value, $"{KafkaExporterHocon.Section}.{path}", ProducerConfigNotAnObject, AnyClientVariable);
            }
            else if (Blocks.Contains(path))
            {
                var keys = Leaves.Where(l => l.StartsWith(path + ".", StringComparison.Ordinal)).Select(l => l[(path.Length + 1)..]);
                CheckKeys(RequireObject(value, $"{KafkaExporterHocon.Section}.{path}", $"it must be an object with the keys {string.Join(", ", keys)}"), path + ".");
            }
            else if (!Leaves.Contains(path))
            {
                throw KafkaExporterHocon.UnknownKey($"{KafkaExporterHocon.Section}.{path}", $"{ProducerConfig}.\"<librdkafka property>\"");
            }
        }
    }

    private static string SubstitutionProblem(string? variable) =>
        "Akka.NET's HOCON does not resolve ${?...}; " + (variable is null ? "write the value itself" : $"set {variable} instead");

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
}
