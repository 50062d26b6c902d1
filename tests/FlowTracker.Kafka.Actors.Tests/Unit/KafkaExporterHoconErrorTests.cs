using Akka.Configuration;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>HOCON the exporter cannot read is an ArgumentException naming the key, never a crash and never a guess.</summary>
public sealed class KafkaExporterHoconErrorTests
{
    private const string Valid = """flowtracker.kafka-exporter { topic = t, producer-config { "bootstrap.servers" = "b:9092" } }""";

    [Theory]
    [InlineData("producer-config = \"abc\"", "producer-config = 'abc' is invalid: it must be an object of librdkafka properties")]
    [InlineData("producer-config = [1, 2]", "producer-config = '[1, 2]' is invalid: it must be an object of librdkafka properties")]
    [InlineData("producer-config { x { } }", "producer-config.\"x\" = '{ }' is invalid: a librdkafka property is a single value")]
    [InlineData("producer-config { \"client.id\" = null }", "producer-config.\"client.id\" = 'null' is invalid: a librdkafka property needs a value")]
    [InlineData("producer-config { acks = [all] }", "producer-config.\"acks\" = '[all]' is invalid: a librdkafka property is a single value")]
    [InlineData("restart = 5", "restart = '5' is invalid: it must be an object")]
    [InlineData("max-buffered-traces = { a = 1 }", "max-buffered-traces = '{ a = 1 }' is invalid: it cannot be read as a whole number: it is an object")]
    [InlineData("max-buffered-bytes = [1]", "max-buffered-bytes = '[1]' is invalid: it cannot be read as a byte size")]
    [InlineData("max-message-bytes = { }", "max-message-bytes = '{ }' is invalid: it cannot be read as a whole number")]
    [InlineData("topic = [a]", "topic = '[a]' is invalid: it cannot be read as a string: it is a list")]
    [InlineData("dispatcher = { a = b }", "dispatcher = '{ a = b }' is invalid: it cannot be read as a string")]
    [InlineData("restart { max-backoff = [1s] }", "restart.max-backoff = '[1s]' is invalid: it cannot be read as a duration")]
    [InlineData("topic = ${?MY_TOPIC}", "topic = '${?MY_TOPIC}' is invalid: Akka.NET's HOCON does not resolve ${?...}; set FLOWTRACKER_KAFKA_TOPIC instead")]
    [InlineData("flush-timeout = ${?FLUSH}", "flush-timeout = '${?FLUSH}' is invalid: Akka.NET's HOCON does not resolve ${?...}")]
    [InlineData("producer-config { \"bootstrap.servers\" = ${?BROKERS} }", "producer-config.\"bootstrap.servers\" = '${?BROKERS}' is invalid: Akka.NET's HOCON does not resolve ${?...}; set FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS instead")]
    public void WrongShape_Rejected_NamingTheKeyTheValueAndWhatIsExpected(string line, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(Hocon(line)));

        Assert.Contains($"Kafka exporter option flowtracker.kafka-exporter.{expected}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flush-timeout = 10", "flush-timeout = '10' is invalid: a duration needs a unit, for example 10s or 10ms")]
    [InlineData("restart.min-backoff = 5", "restart.min-backoff = '5' is invalid: a duration needs a unit, for example 5s or 5ms")]
    [InlineData("restart.max-backoff = 50000", "restart.max-backoff = '50000' is invalid: a duration needs a unit")]
    [InlineData("restart { max-restarts-within = 1.5 }", "restart.max-restarts-within = '1.5' is invalid: a duration needs a unit, for example 1.5s or 1.5ms")]
    [InlineData("flush-timeout = 1e3", "flush-timeout = '1e3' is invalid: a duration needs a unit, for example 10s or 500ms")]
    public void DurationWithoutUnit_Rejected_WithAnExampleThatHasOne(string line, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(Hocon(line)));

        Assert.Contains($"Kafka exporter option flowtracker.kafka-exporter.{expected}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max-bufferd-traces = 3", "flowtracker.kafka-exporter.max-bufferd-traces")]
    [InlineData("restart { max-restart = 3 }", "flowtracker.kafka-exporter.restart.max-restart")]
    [InlineData("restrat { max-restarts = 3 }", "flowtracker.kafka-exporter.restrat")]
    [InlineData("\"restart.max-backoff\" = 5s", "flowtracker.kafka-exporter.\"restart.max-backoff\"")]
    [InlineData("sasl.password = hunter2", "flowtracker.kafka-exporter.sasl")]
    public void UnknownKey_Rejected_NamingItsFullPathAndTheKnownKeys(string line, string path)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(Hocon(line)));

        Assert.StartsWith($"Kafka exporter configuration key {path} is unknown. Known keys: topic, max-buffered-traces,", error.Message, StringComparison.Ordinal);
        Assert.Contains("restart.max-restarts-within, spool.directory, spool.max-bytes, spool.commit-interval, spool.memory-bytes, producer-config.\"<librdkafka property>\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flowtracker.kafka-exporter = 5", "flowtracker.kafka-exporter = '5' is invalid: it must be an object")]
    [InlineData("flowtracker = [1]", "flowtracker = '[1]' is invalid: it must be an object")]
    [InlineData("flowtracker.kafka-exporter = ${?EXPORTER}", "flowtracker.kafka-exporter = '${?EXPORTER}' is invalid: Akka.NET's HOCON does not resolve ${?...}")]
    [InlineData("flowtracker.kafka-exporter.producer-config = ${?CLIENTS}", "flowtracker.kafka-exporter.producer-config = '${?CLIENTS}' is invalid: Akka.NET's HOCON does not resolve ${?...}; set FLOWTRACKER_KAFKA_CLIENT_<PROPERTY> instead")]
    public void SectionOrProducerConfig_NotAnObject_Rejected(string hocon, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.Contains($"Kafka exporter option {expected}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("producer-config { \"sasl.password\" = [hunter2] }", "producer-config.\"sasl.password\"")]
    [InlineData("producer-config { sasl { password = [hunter2, x] } }", "producer-config.\"sasl.password\"")]
    [InlineData("producer-config { \"sasl.password\" = ${?KAFKA_PASSWORD} }", "producer-config.\"sasl.password\"")]
    public void SecretProducerConfigValue_NeverInTheMessage(string line, string key)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(Hocon(line)));

        Assert.Contains($"flowtracker.kafka-exporter.{key} = '[redacted]' is invalid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretSubstitution_Rejected_PointingToTheExportersVariable()
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(Hocon("producer-config { \"sasl.password\" = ${?KAFKA_PASSWORD} }")));

        Assert.Contains("set FLOWTRACKER_KAFKA_CLIENT_SASL_PASSWORD instead", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FlushTimeout", "10", "FlowTracker:KafkaExporter:FlushTimeout = '10' is invalid: a duration needs a unit")]
    [InlineData("Restart:MinBackoff", "5", "FlowTracker:KafkaExporter:Restart:MinBackoff = '5' is invalid: a duration needs a unit")]
    [InlineData("restart:max-restarts-within", "60000", "FlowTracker:KafkaExporter:restart:max-restarts-within = '60000' is invalid: a duration needs a unit")]
    [InlineData("MaxBufferedTraces", "many", "FlowTracker:KafkaExporter:MaxBufferedTraces = 'many' is invalid: it cannot be read as a whole number")]
    public void InvalidValueFromConfiguration_NamedByItsConfigurationKey(string key, string value, string expected)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlowTracker:KafkaExporter:Topic"] = "t",
            ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = "b:9092",
            [$"FlowTracker:KafkaExporter:{key}"] = value,
        }).Build().GetSection("FlowTracker:KafkaExporter");

        // What the actor system's start does: the section merged over the application's (here empty) HOCON, validated once.
        var (hocon, keyName) = KafkaExporterConfiguration.ToHocon(section);
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(hocon, code: null, new Dictionary<string, string>(), keyName));

        Assert.Contains($"Kafka exporter option {expected}", error.Message, StringComparison.Ordinal);
    }

    private static Config Hocon(string line) =>
        ConfigurationFactory.ParseString($"flowtracker.kafka-exporter {{ {line} }}").WithFallback(ConfigurationFactory.ParseString(Valid));
}
