using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

public sealed class KafkaExporterOptionsTests
{
    private static readonly Dictionary<string, string> Config = new() { ["bootstrap.servers"] = "127.0.0.1:9092" };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void MissingTopic_Rejected_NamingTopic(string? topic)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(new KafkaExporterOptions { Topic = topic, ProducerConfig = Config }));

        Assert.Contains("Topic", error.Message, StringComparison.Ordinal);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NeitherConfigNorProducer_Rejected_SayingWhatToSet()
    {
        var error = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions { Topic = "t" }.Validate());

        Assert.Contains("ProducerConfig", error.Message, StringComparison.Ordinal);
        Assert.Contains("Producer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BothConfigAndProducer_Rejected()
    {
        using var producer = new ProducerBuilder<Null, Null>(new ProducerConfig(Config)).Build();

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(new KafkaExporterOptions { Topic = "t", ProducerConfig = Config }.UseProducer(producer)));

        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1L, "MaxBufferedTraces = '0'")]
    [InlineData(1, 0L, "MaxBufferedBytes = '0'")]
    [InlineData(1, 800L, "MaxBufferedBytes = '800' is invalid: must be more than 800")]
    public void NonPositiveLimits_Rejected_NamingKeyAndValue(int traces, long bytes, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(new KafkaExporterOptions
        {
            Topic = "t",
            ProducerConfig = Config,
            MaxBufferedTraces = traces,
            MaxBufferedBytes = bytes,
        }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserProducerConfig_OverridesDefaults_AndKeepsTheRest()
    {
        var settings = new KafkaExporterOptions
        {
            Topic = "t",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092", ["acks"] = "1", ["enable.idempotence"] = "false", ["message.max.bytes"] = "2000" },
        }.Validate();

        Assert.Equal("1", settings.ProducerConfig!["acks"]);
        Assert.Equal("murmur2_random", settings.ProducerConfig["partitioner"]);
        Assert.Equal("false", settings.ProducerConfig["enable.idempotence"]);
        Assert.Equal("lz4", settings.ProducerConfig["compression.type"]);
        Assert.Equal(2000, settings.MaxMessageBytes);
    }

    [Fact]
    public void UnparseableMessageMaxBytes_Rejected_NamingKeyAndValue()
    {
        var error = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions
        {
            Topic = "t",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092", ["message.max.bytes"] = "lots" },
        }.Validate());

        Assert.Contains("ProducerConfig[message.max.bytes] = 'lots'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(999, null, "MaxMessageBytes = '999' is invalid: must be at least 1000")]
    [InlineData(1_000_001, null, "MaxMessageBytes = '1000001' is invalid: must be at most the producer's message.max.bytes (1000000, librdkafka's default)")]
    [InlineData(5_001, "5000", "MaxMessageBytes = '5001' is invalid: must be at most the producer's message.max.bytes (5000)")]
    public void MaxMessageBytesLibrdkafkaWouldRefuse_Rejected_NamingBothSettings(int maxMessageBytes, string? messageMaxBytes, string expected)
    {
        var config = new Dictionary<string, string>(Config);
        if (messageMaxBytes is not null)
        {
            config["message.max.bytes"] = messageMaxBytes;
        }

        var error = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions { Topic = "t", ProducerConfig = config, MaxMessageBytes = maxMessageBytes }.Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxMessageBytesWithinTheProducersLimit_Accepted()
    {
        var config = new Dictionary<string, string>(Config) { ["message.max.bytes"] = "3000000" };

        Assert.Equal(2_000_000, KafkaExporterSettings.From(new KafkaExporterOptions { Topic = "t", ProducerConfig = config, MaxMessageBytes = 2_000_000 }).MaxMessageBytes);
        Assert.Equal(3_000_000, KafkaExporterSettings.From(new KafkaExporterOptions { Topic = "t", ProducerConfig = config }).MaxMessageBytes);
    }

    public static TheoryData<Action<KafkaExporterOptions>, string> InvalidRestartAndShutdownOptions => new()
    {
        { o => o.RestartMinBackoff = TimeSpan.Zero, "RestartMinBackoff = '00:00:00'" },
        { o => o.RestartMaxBackoff = TimeSpan.FromMilliseconds(500), "RestartMaxBackoff = '00:00:00.5000000' is invalid: must be at least RestartMinBackoff" },
        { o => o.RestartRandomFactor = -0.1, "RestartRandomFactor = '-0.1'" },
        { o => o.RestartRandomFactor = double.NaN, "RestartRandomFactor = 'NaN'" },
        { o => o.MaxRestarts = -1, "MaxRestarts = '-1'" },
        { o => o.MaxRestartsWithin = TimeSpan.FromSeconds(-1), "MaxRestartsWithin = '-00:00:01'" },
        { o => o.FlushTimeout = TimeSpan.Zero, "FlushTimeout = '00:00:00'" },
        { o => o.ShutdownPhase = " ", "ShutdownPhase = ' '" },
    };

    [Theory]
    [MemberData(nameof(InvalidRestartAndShutdownOptions))]
    public void InvalidRestartOrShutdownOption_Rejected_NamingKeyAndValue(Action<KafkaExporterOptions> spoil, string expected)
    {
        var options = new KafkaExporterOptions { Topic = "t", ProducerConfig = Config };
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_RestartWithBackoffAndFlushInServiceStop()
    {
        var settings = new KafkaExporterOptions { Topic = "t", ProducerConfig = Config }.Validate();

        Assert.Equal(new RestartBackoffSettings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, 10, TimeSpan.FromMinutes(5)), settings.Restart);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.FlushTimeout);
        Assert.Equal("service-stop", settings.ShutdownPhase);
    }

    [Fact]
    public void PropertyLibrdkafkaRejects_NamedWithItsValue_UnlessTheValueIsASecret()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions
        {
            Topic = "t",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092", ["lingerr.ms"] = "5" },
        }.Validate());
        var secret = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions
        {
            Topic = "t",
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092", ["vendor.api.secret"] = "do-not-show" },
        }.Validate());

        Assert.Contains("ProducerConfig[lingerr.ms] = '5' is invalid: librdkafka rejects it: No such configuration property", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("ProducerConfig[vendor.api.secret] = '[redacted]' is invalid", secret.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-show", secret.Message, StringComparison.Ordinal);
    }
}
