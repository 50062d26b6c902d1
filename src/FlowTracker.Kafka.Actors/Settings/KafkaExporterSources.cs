using Akka.Configuration;

namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>
/// The one precedence, highest first: options set in code (whatever their value), the environment variables, the
/// application's configuration (HOCON and an IConfiguration section, merged), the reference defaults. Producer
/// properties are decided one by one the same way. Each option keeps the name of the source it came from, so that
/// the one validation names it the way the user wrote it.
/// </summary>
internal static class KafkaExporterSources
{
    /// <param name="code">The options set in code; <see langword="null"/> properties are not set.</param>
    /// <param name="environment">The environment variables: the process's, and those an IConfiguration carries.</param>
    /// <param name="configuration">The application's configuration (HOCON, with an IConfiguration section merged over it).</param>
    /// <param name="configurationKeyName">How a value from the configuration is named (default: its HOCON key path).</param>
    /// <returns>The options to validate, every one set, and how to name each by its source.</returns>
    /// <exception cref="ArgumentException">
    /// A configuration key is unknown or unreadable, or an application's producer is given while a producer property
    /// is also set (it would be ignored): the message names both.
    /// </exception>
    public static (KafkaExporterOptions Options, Func<string, string> KeyName) Resolve(
        KafkaExporterOptions? code, IReadOnlyDictionary<string, string> environment, Config configuration, Func<string, string>? configurationKeyName = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        configurationKeyName ??= KafkaExporterHocon.KeyPath;
        var options = KafkaExporterHocon.ReadConfiguration(configuration, configurationKeyName);
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        string KeyName(string option) => origins.TryGetValue(option, out var origin) ? origin : configurationKeyName(option);

        var fromEnvironment = ApplyEnvironment(options, environment, origins);
        if (code is not null)
        {
            ApplyCode(options, code, origins);
        }

        var warnings = new List<string>();
        if (code?.Producer is { } producer)
        {
            // Code's own ProducerConfig next to UseProducer is refused by the validation ("not both"). The application's
            // configuration is refused too; environment variables, shared by every process of a deployment, are ignored with a warning.
            if (code.ProducerConfig is null && KafkaExporterHocon.ApplicationProducerProperties(configuration).FirstOrDefault() is { } configured)
            {
                var key = KeyName(configured);
                throw new ArgumentException(
                    $"Kafka exporter option {nameof(KafkaExporterOptions.Producer)} (UseProducer, in code) and {key} are both set: the application's producer "
                    + $"keeps its own configuration and would ignore {key}. Remove {key}, or drop UseProducer to let the exporter own a producer.",
                    key);
            }

            if (code.ProducerConfig is null && fromEnvironment.Count > 0)
            {
                warnings.Add(
                    $"Kafka exporter: {string.Join(", ", fromEnvironment.Select(KeyName).Distinct())} ignored: {nameof(KafkaExporterOptions.Producer)} "
                    + "(UseProducer, in code) reuses the application's producer, which keeps its own configuration.");
            }

            options.Producer = producer;
            options.ProducerConfig = code.ProducerConfig;
        }

        options.Warnings = warnings;
        return (options, KeyName);
    }

    /// <summary>Sets what the documented variables set; returns the producer properties they set.</summary>
    private static List<string> ApplyEnvironment(KafkaExporterOptions options, IReadOnlyDictionary<string, string> environment, Dictionary<string, string> origins)
    {
        var producerProperties = new List<string>();
        void Property(string property, string value, string variable)
        {
            options.ProducerConfig ??= new ProducerProperties();
            options.ProducerConfig[property] = value;
            origins[$"ProducerConfig[{property}]"] = variable;
            producerProperties.Add($"ProducerConfig[{property}]");
        }

        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith(KafkaExporterHocon.ClientPropertyPrefix, StringComparison.Ordinal) && name.Length > KafkaExporterHocon.ClientPropertyPrefix.Length)
            {
                Property(name[KafkaExporterHocon.ClientPropertyPrefix.Length..].ToLowerInvariant().Replace('_', '.'), value, name);
            }
        }

        if (environment.GetValueOrDefault(KafkaExporterHocon.TopicVariable) is { Length: > 0 } topic)
        {
            options.Topic = topic;
            origins[nameof(KafkaExporterOptions.Topic)] = KafkaExporterHocon.TopicVariable;
        }

        if (environment.GetValueOrDefault(KafkaExporterHocon.BootstrapServersVariable) is { Length: > 0 } servers)
        {
            Property("bootstrap.servers", servers, KafkaExporterHocon.BootstrapServersVariable);
        }

        return producerProperties;
    }

    /// <summary>Every option code set wins, whatever its value; producer properties one by one.</summary>
    private static void ApplyCode(KafkaExporterOptions options, KafkaExporterOptions code, Dictionary<string, string> origins)
    {
        void Set(string option, bool isSet, Action apply)
        {
            if (isSet)
            {
                apply();
                origins[option] = option;
            }
        }

        Set(nameof(code.Topic), code.Topic is not null, () => options.Topic = code.Topic);
        Set(nameof(code.MaxBufferedTraces), code.MaxBufferedTraces.HasValue, () => options.MaxBufferedTraces = code.MaxBufferedTraces);
        Set(nameof(code.MaxBufferedBytes), code.MaxBufferedBytes.HasValue, () => options.MaxBufferedBytes = code.MaxBufferedBytes);
        Set(nameof(code.MaxMessageBytes), code.MaxMessageBytes.HasValue, () => options.MaxMessageBytes = code.MaxMessageBytes);
        Set(nameof(code.OversizedTraces), code.OversizedTraces.HasValue, () => options.OversizedTraces = code.OversizedTraces);
        Set(nameof(code.FlushTimeout), code.FlushTimeout.HasValue, () => options.FlushTimeout = code.FlushTimeout);
        Set(nameof(code.ShutdownPhase), code.ShutdownPhase is not null, () => options.ShutdownPhase = code.ShutdownPhase);
        Set(nameof(code.Dispatcher), code.Dispatcher is not null, () => options.Dispatcher = code.Dispatcher);
        Set(nameof(code.StatisticsInterval), code.StatisticsInterval.HasValue, () => options.StatisticsInterval = code.StatisticsInterval);
        Set(nameof(code.RestartMinBackoff), code.RestartMinBackoff.HasValue, () => options.RestartMinBackoff = code.RestartMinBackoff);
        Set(nameof(code.RestartMaxBackoff), code.RestartMaxBackoff.HasValue, () => options.RestartMaxBackoff = code.RestartMaxBackoff);
        Set(nameof(code.RestartRandomFactor), code.RestartRandomFactor.HasValue, () => options.RestartRandomFactor = code.RestartRandomFactor);
        Set(nameof(code.MaxRestarts), code.MaxRestarts.HasValue, () => options.MaxRestarts = code.MaxRestarts);
        Set(nameof(code.MaxRestartsWithin), code.MaxRestartsWithin.HasValue, () => options.MaxRestartsWithin = code.MaxRestartsWithin);
        Set(nameof(code.SpoolDirectory), code.SpoolDirectory is not null, () => options.SpoolDirectory = code.SpoolDirectory);
        Set(nameof(code.SpoolMaxBytes), code.SpoolMaxBytes.HasValue, () => options.SpoolMaxBytes = code.SpoolMaxBytes);
        Set(nameof(code.SpoolCommitInterval), code.SpoolCommitInterval.HasValue, () => options.SpoolCommitInterval = code.SpoolCommitInterval);
        Set(nameof(code.SpoolMemoryBytes), code.SpoolMemoryBytes.HasValue, () => options.SpoolMemoryBytes = code.SpoolMemoryBytes);
        if (code.ProducerConfig is { } properties)
        {
            options.ProducerConfig ??= new ProducerProperties();
            origins[nameof(code.ProducerConfig)] = nameof(code.ProducerConfig);
            foreach (var (property, value) in properties)
            {
                Set($"ProducerConfig[{property}]", isSet: true, () => options.ProducerConfig[property] = value);
            }
        }
    }
}
