using Akka.Configuration;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

public sealed class KafkaExporterHoconTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void ReferenceHocon_AgreesWithTheDefaultsInCode()
    {
        var required = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" };
        var fromHocon = KafkaExporterHocon.Read(Config.Empty, NoEnvironment);
        var inCode = new KafkaExporterOptions { Topic = "t", ProducerConfig = required }.Validate();
        fromHocon.Topic = "t";
        fromHocon.ProducerConfig!["bootstrap.servers"] = "b:9092";
        var fromReference = fromHocon.Validate();

        Assert.Equal(inCode.MaxBufferedTraces, fromReference.MaxBufferedTraces);
        Assert.Equal(inCode.MaxBufferedBytes, fromReference.MaxBufferedBytes);
        Assert.Equal(inCode.MaxMessageBytes, fromReference.MaxMessageBytes);
        Assert.Null(fromHocon.MaxMessageBytes);
        Assert.Equal(inCode.FlushTimeout, fromReference.FlushTimeout);
        Assert.Equal(inCode.ShutdownPhase, fromReference.ShutdownPhase);
        Assert.Equal(inCode.Restart, fromReference.Restart);
        Assert.Equal(inCode.Dispatcher, fromReference.Dispatcher);
        Assert.Equal(inCode.ProducerConfig!.OrderBy(p => p.Key), fromReference.ProducerConfig!.OrderBy(p => p.Key));
        Assert.Equal(KafkaExporterOptions.ProducerDefaults.Count + 1, fromReference.ProducerConfig!.Count);
    }

    [Fact]
    public void EveryOption_HasAKeyInTheReferenceHocon()
    {
        var section = KafkaExporterHocon.Reference.GetConfig(KafkaExporterHocon.Section);
        var options = typeof(KafkaExporterOptions).GetProperties()
            .Where(p => p.CanWrite && p.Name is not nameof(KafkaExporterOptions.Producer) and not nameof(KafkaExporterOptions.ProducerConfig));

        Assert.All(options, p => Assert.True(
            section.HasPath(KafkaExporterHocon.KeyPath(p.Name)[(KafkaExporterHocon.Section.Length + 1)..]),
            $"{p.Name} has no key in hocon/flowtracker-kafka.conf"));
    }

    [Fact]
    public void EveryValueInHocon_Read_AndProducerConfigKeysKeptWholeQuotedOrNot()
    {
        var config = ConfigurationFactory.ParseString("""
            flowtracker.kafka-exporter {
              topic = traces
              max-buffered-traces = 500
              max-buffered-bytes = 2MiB
              max-message-bytes = 4000
              flush-timeout = 2500ms
              shutdown-phase = before-actor-system-terminate
              dispatcher = my-dispatcher
              restart { min-backoff = 2s, max-backoff = 1m, random-factor = 0.5, max-restarts = 3, max-restarts-within = 10m }
              producer-config {
                "bootstrap.servers" = "k1:9092,k2:9092"
                linger.ms = 5
                acks = "1"
                "enable.idempotence" = false
              }
            }
            """);

        var options = KafkaExporterHocon.Read(config, NoEnvironment);

        Assert.Equal("traces", options.Topic);
        Assert.Equal(500, options.MaxBufferedTraces);
        Assert.Equal(2 * 1024 * 1024, options.MaxBufferedBytes);
        Assert.Equal(4000, options.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.FlushTimeout);
        Assert.Equal("before-actor-system-terminate", options.ShutdownPhase);
        Assert.Equal("my-dispatcher", options.Dispatcher);
        Assert.Equal(new RestartBackoffSettings(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), 0.5, 3, TimeSpan.FromMinutes(10)), options.Validate().Restart);
        Assert.Equal("k1:9092,k2:9092", options.ProducerConfig!["bootstrap.servers"]);
        Assert.Equal("5", options.ProducerConfig["linger.ms"]);
        Assert.Equal("1", options.ProducerConfig["acks"]);
        Assert.Equal("lz4", options.ProducerConfig["compression.type"]);
    }

    [Fact]
    public void EnvironmentVariables_OverrideTopicBootstrapServersAndAnyClientProperty()
    {
        var config = ConfigurationFactory.ParseString("""flowtracker.kafka-exporter { topic = from-hocon, producer-config { "bootstrap.servers" = "hocon:9092" } }""");
        var environment = new Dictionary<string, string>
        {
            [KafkaExporterHocon.TopicVariable] = "from-env",
            [KafkaExporterHocon.BootstrapServersVariable] = "env:9092",
            ["FLOWTRACKER_KAFKA_CLIENT_SASL_PASSWORD"] = "s3cret",
            ["FLOWTRACKER_KAFKA_CLIENT_"] = "ignored: no property name",
            ["UNRELATED"] = "ignored",
        };

        var options = KafkaExporterHocon.Read(config, environment);

        Assert.Equal("from-env", options.Topic);
        Assert.Equal("env:9092", options.ProducerConfig!["bootstrap.servers"]);
        Assert.Equal("s3cret", options.ProducerConfig["sasl.password"]);
        Assert.Equal(KafkaExporterOptions.ProducerDefaults.Count + 2, options.ProducerConfig.Count);
    }

    [Theory]
    [InlineData("max-buffered-traces = 0", "flowtracker.kafka-exporter.max-buffered-traces = '0' is invalid")]
    [InlineData("max-buffered-traces = many", "flowtracker.kafka-exporter.max-buffered-traces = 'many' is invalid")]
    [InlineData("max-buffered-bytes = lots", "flowtracker.kafka-exporter.max-buffered-bytes = 'lots' is invalid")]
    [InlineData("flush-timeout = soon", "flowtracker.kafka-exporter.flush-timeout = 'soon' is invalid")]
    [InlineData("flush-timeout = -1s", "flowtracker.kafka-exporter.flush-timeout = '-1s' is invalid: must be positive")]
    [InlineData("flush-timeout = 0s", "flowtracker.kafka-exporter.flush-timeout = '00:00:00' is invalid: must be positive")]
    [InlineData("restart.random-factor = -1", "flowtracker.kafka-exporter.restart.random-factor = '-1' is invalid")]
    [InlineData("restart.max-backoff = 10ms", "flowtracker.kafka-exporter.restart.max-backoff = '00:00:00.0100000' is invalid: must be at least flowtracker.kafka-exporter.restart.min-backoff")]
    [InlineData("topic = \"\"", "flowtracker.kafka-exporter.topic = '' is invalid")]
    [InlineData("producer-config { \"message.max.bytes\" = big }", "flowtracker.kafka-exporter.producer-config.\"message.max.bytes\" = 'big' is invalid")]
    [InlineData("producer-config { \"lingerr.ms\" = 5 }", "flowtracker.kafka-exporter.producer-config.\"lingerr.ms\" = '5' is invalid: librdkafka rejects it: No such configuration property")]
    [InlineData("producer-config { \"acks\" = 1 }", "flowtracker.kafka-exporter.producer-config is invalid: librdkafka rejects it: `acks` must be set to `all` when `enable.idempotence` is true")]
    public void InvalidHoconValue_Rejected_NamingTheKeyPathAndTheValue(string line, string expected)
    {
        var config = ConfigurationFactory.ParseString($"flowtracker.kafka-exporter {{ {line} }}")
            .WithFallback(ConfigurationFactory.ParseString("""flowtracker.kafka-exporter { topic = t, producer-config { "bootstrap.servers" = "b:9092" } }"""));

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(config));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingBootstrapServers_Rejected_NamingTheProducerConfigKey()
    {
        var config = ConfigurationFactory.ParseString("flowtracker.kafka-exporter.topic = t");

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(config, code: null, NoEnvironment));

        Assert.Contains("flowtracker.kafka-exporter.producer-config.\"bootstrap.servers\" = '' is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProductionExample_ValidWithTheBrokersFromTheEnvironment()
    {
        var settings = ReadExample("production.conf", new() { [KafkaExporterHocon.BootstrapServersVariable] = "k:9092" });

        Assert.Equal("all", settings.ProducerConfig!["acks"]);
        Assert.Equal("true", settings.ProducerConfig["enable.idempotence"]);
        Assert.Equal("zstd", settings.ProducerConfig["compression.type"]);
        Assert.Equal("100000", settings.ProducerConfig["queue.buffering.max.messages"]);
    }

    [Fact]
    public void SaslSslExample_ValidWithItsSecretsFromTheEnvironment()
    {
        var settings = ReadExample("sasl-ssl.conf", new()
        {
            [KafkaExporterHocon.BootstrapServersVariable] = "k:9092",
            ["FLOWTRACKER_KAFKA_CLIENT_SASL_USERNAME"] = "key",
            ["FLOWTRACKER_KAFKA_CLIENT_SASL_PASSWORD"] = "secret",
        });

        Assert.Equal("SASL_SSL", settings.ProducerConfig!["security.protocol"]);
        Assert.Equal("key", settings.ProducerConfig["sasl.username"]);
        Assert.Equal("secret", settings.ProducerConfig["sasl.password"]);
        Assert.DoesNotContain("\"sasl.password\" =", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon-examples", "sasl-ssl.conf")), StringComparison.Ordinal);
    }

    private static KafkaExporterSettings ReadExample(string file, Dictionary<string, string> environment)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon-examples", file));
        return KafkaExporterHocon.Read(ConfigurationFactory.ParseString(text), environment).Validate(KafkaExporterHocon.KeyPath);
    }
}
