using Akka.Configuration;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// The precedence table, row by row: options set in code &gt; environment variables &gt; the application's configuration
/// (HOCON, an IConfiguration section merged over it) &gt; the reference defaults. "Set in code" means set, whatever the value.
/// </summary>
public sealed class PrecedenceTests
{
    private const string Brokers = "b:9092";

    /// <summary>A value for the topic from each source (null: that source does not set it), and the winner.</summary>
    public static TheoryData<string?, string?, string?, string?, string> TopicRows => new()
    {
        // hocon,  section,    environment, code,   winner
        { "hocon", null,       null,        null,   "hocon" },
        { "hocon", "section",  null,        null,   "section" },
        { "hocon", "section",  "env",       null,   "env" },
        { "hocon", "section",  "env",       "code", "code" },
        { null,    null,       "env",       "code", "code" },
        { "hocon", null,       null,        "code", "code" },
    };

    [Theory]
    [MemberData(nameof(TopicRows))]
    public void Topic_TheHighestSourceThatSetsItWins(string? hocon, string? section, string? environment, string? code, string winner)
    {
        var settings = Resolve(
            hocon is null ? "" : $"topic = {hocon}",
            section is null ? [] : new() { ["Topic"] = section },
            environment is null ? [] : new() { [KafkaExporterHocon.TopicVariable] = environment },
            code is null ? new KafkaExporterOptions() : new KafkaExporterOptions { Topic = code });

        Assert.Equal(winner, settings.Topic);
    }

    [Fact]
    public void ExplicitValueEqualToTheDefault_WinsOverHocon()
    {
        var settings = Resolve("max-buffered-traces = 5000, flush-timeout = 1s", code: new KafkaExporterOptions
        {
            MaxBufferedTraces = ExporterDefaults.MaxBufferedTraces,
            FlushTimeout = ExporterDefaults.FlushTimeout,
        });

        Assert.Equal(100_000, settings.MaxBufferedTraces);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.FlushTimeout);
    }

    [Fact]
    public void UnsetInCode_LeavesTheConfigurationsValue_AndTheReferenceFillsTheRest()
    {
        var settings = Resolve("max-buffered-traces = 5000", code: new KafkaExporterOptions { MaxRestarts = 3 });

        Assert.Equal(5000, settings.MaxBufferedTraces);
        Assert.Equal(3, settings.Restart.MaxRestarts);
        Assert.Equal(ExporterDefaults.MaxBufferedBytes, settings.MaxBufferedBytes);
        Assert.Equal(ExporterDefaults.RestartMinBackoff, settings.Restart.Min);
    }

    [Fact]
    public void ProducerProperties_DecidedOneByOne_CodeOverEnvironmentOverConfigurationOverReference()
    {
        var settings = Resolve(
            """producer-config { "client.id" = hocon, "linger.ms" = 50, "acks" = all }""",
            new() { ["ProducerConfig:linger.ms"] = "60", ["ProducerConfig:message.timeout.ms"] = "9000" },
            new() { [KafkaExporterHocon.BootstrapServersVariable] = "env:9092", ["FLOWTRACKER_KAFKA_CLIENT_LINGER_MS"] = "70" },
            new KafkaExporterOptions { ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "code:9092" } });

        Assert.Equal("code:9092", settings.ProducerConfig!["bootstrap.servers"]);
        Assert.Equal("70", settings.ProducerConfig["linger.ms"]);
        Assert.Equal("9000", settings.ProducerConfig["message.timeout.ms"]);
        Assert.Equal("hocon", settings.ProducerConfig["client.id"]);
        Assert.Equal("lz4", settings.ProducerConfig["compression.type"]);
    }

    [Fact]
    public void TopicInHocon_BootstrapServersInTheSection_MergedThenValid()
    {
        var settings = Resolve("topic = from-hocon", new() { ["ProducerConfig:bootstrap.servers"] = "section:9092" }, code: new KafkaExporterOptions(), brokers: null);

        Assert.Equal("from-hocon", settings.Topic);
        Assert.Equal("section:9092", settings.ProducerConfig!["bootstrap.servers"]);
    }

    public static TheoryData<string, Dictionary<string, string?>, Dictionary<string, string>, Action<KafkaExporterOptions>, string> InvalidFromEachSource => new()
    {
        { "max-buffered-traces = 0", [], [], _ => { }, "flowtracker.kafka-exporter.max-buffered-traces = '0'" },
        { "", new() { ["MaxBufferedTraces"] = "0" }, [], _ => { }, "FlowTracker:KafkaExporter:MaxBufferedTraces = '0'" },
        { "max-buffered-traces = 5", [], [], o => o.MaxBufferedTraces = 0, "option MaxBufferedTraces = '0'" },
        { "", [], new() { ["FLOWTRACKER_KAFKA_CLIENT_LINGERR_MS"] = "5" }, _ => { }, "FLOWTRACKER_KAFKA_CLIENT_LINGERR_MS = '5' is invalid: librdkafka rejects it" },
        { """producer-config { "lingerr.ms" = 5 }""", [], [], _ => { }, "flowtracker.kafka-exporter.producer-config.\"lingerr.ms\" = '5'" },
    };

    [Theory]
    [MemberData(nameof(InvalidFromEachSource))]
    public void InvalidValue_NamedTheWayItsSourceWroteIt(string hocon, Dictionary<string, string?> section, Dictionary<string, string> environment, Action<KafkaExporterOptions> code, string expected)
    {
        var options = new KafkaExporterOptions();
        code(options);

        var error = Assert.Throws<ArgumentException>(() => Resolve(hocon, section, environment, options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""producer-config { "client.id" = mine }""", null, "flowtracker.kafka-exporter.producer-config.\"client.id\"")]
    [InlineData("", "client.id", "FlowTracker:KafkaExporter:ProducerConfig:client.id")]
    public void ApplicationProducer_NextToAProducerPropertyInTheConfiguration_RefusedNamingBoth(string hocon, string? sectionProperty, string named)
    {
        using var producer = ApplicationProducers.Build();
        var section = sectionProperty is null ? new Dictionary<string, string?>() : new() { [$"ProducerConfig:{sectionProperty}"] = "mine" };

        var error = Assert.Throws<ArgumentException>(() =>
            Resolve(hocon, section, [], new KafkaExporterOptions { Topic = "t" }.UseProducer(producer), brokers: null));

        Assert.Contains($"Kafka exporter option Producer (UseProducer, in code) and {named} are both set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationProducer_NextToAProducerEnvironmentVariable_IgnoredWithAWarningNamingBoth()
    {
        using var producer = ApplicationProducers.Build();
        var environment = new Dictionary<string, string> { [KafkaExporterHocon.BootstrapServersVariable] = "env:9092" };

        var settings = Resolve("", [], environment, new KafkaExporterOptions { Topic = "t" }.UseProducer(producer), brokers: null);

        Assert.Null(settings.ProducerConfig);
        var warning = Assert.Single(settings.Warnings);
        Assert.Contains("FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS ignored: Producer (UseProducer, in code) reuses the application's producer", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationProducer_WithOnlyTheReferencesProducerProperties_Accepted()
    {
        using var producer = ApplicationProducers.Build();

        var settings = Resolve("topic = t", code: new KafkaExporterOptions().UseProducer(producer), brokers: null);

        Assert.Null(settings.ProducerConfig);
        Assert.False(settings.OwnsProducer);
    }

    /// <summary>What the actor system's start does: the section merged over the HOCON, every source resolved, validated once.</summary>
    private static KafkaExporterSettings Resolve(
        string hocon, Dictionary<string, string?>? section = null, Dictionary<string, string>? environment = null, KafkaExporterOptions? code = null, string? brokers = Brokers)
    {
        var values = (section ?? []).ToDictionary(v => $"FlowTracker:KafkaExporter:{v.Key}", v => v.Value);
        var appHocon = ConfigurationFactory.ParseString($"flowtracker.kafka-exporter {{ {hocon} }}");
        if (brokers is not null)
        {
            appHocon = appHocon.WithFallback(ConfigurationFactory.ParseString($"flowtracker.kafka-exporter {{ topic = t, producer-config {{ \"bootstrap.servers\" = \"{brokers}\" }} }}"));
        }

        var (sectionHocon, keyName) = KafkaExporterConfiguration.ToHocon(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("FlowTracker:KafkaExporter"));
        var config = sectionHocon.WithFallback(appHocon);
        var (options, names) = KafkaExporterSources.Resolve(code, environment ?? [], config, keyName);
        return options.Validate(names);
    }
}
