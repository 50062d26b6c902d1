using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>appsettings.json and environment variables, through Microsoft.Extensions.Configuration.</summary>
public sealed class KafkaExporterConfigurationTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void EitherSpelling_AndDotNetOrHoconDurations_ReadLikeTheHocon()
    {
        var section = Section(new()
        {
            ["FlowTracker:KafkaExporter:Topic"] = "traces",
            ["FlowTracker:KafkaExporter:MaxBufferedTraces"] = "500",
            ["FlowTracker:KafkaExporter:max-buffered-bytes"] = "2MiB",
            ["FlowTracker:KafkaExporter:FlushTimeout"] = "00:00:02.5",
            ["FlowTracker:KafkaExporter:Restart:MinBackoff"] = "2s",
            ["FlowTracker:KafkaExporter:restart:max-restarts"] = "3",
            ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = "k1:9092",
            ["FlowTracker:KafkaExporter:producer-config:linger.ms"] = "5",
        });

        var (hocon, _) = KafkaExporterConfiguration.ToHocon(section);
        var settings = KafkaExporterHocon.Read(hocon, NoEnvironment).Validate();

        Assert.Equal("traces", settings.Topic);
        Assert.Equal(500, settings.MaxBufferedTraces);
        Assert.Equal(2 * 1024 * 1024, settings.MaxBufferedBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), settings.FlushTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Restart.Min);
        Assert.Equal(3, settings.Restart.MaxRestarts);
        Assert.Equal("k1:9092", settings.ProducerConfig!["bootstrap.servers"]);
        Assert.Equal("5", settings.ProducerConfig["linger.ms"]);
        Assert.Equal("lz4", settings.ProducerConfig["compression.type"]);
    }

    [Theory]
    [InlineData("MaxBufferedTraces", "-5", "FlowTracker:KafkaExporter:MaxBufferedTraces = '-5' is invalid")]
    [InlineData("max-buffered-traces", "0", "FlowTracker:KafkaExporter:max-buffered-traces = '0' is invalid")]
    [InlineData("Restart:MaxBackoff", "10ms", "FlowTracker:KafkaExporter:Restart:MaxBackoff = '00:00:00.0100000' is invalid")]
    [InlineData("ProducerConfig:acks", "1", "Kafka exporter option FlowTracker:KafkaExporter:ProducerConfig is invalid: librdkafka rejects it: `acks` must be set to `all`")]
    [InlineData("OversizedTraces", "bogus", "FlowTracker:KafkaExporter:OversizedTraces = 'bogus' is invalid: it cannot be read as one of split, truncate, drop")]
    [InlineData("ProducerConfig:lingerr.ms", "5", "Kafka exporter option FlowTracker:KafkaExporter:ProducerConfig:lingerr.ms = '5' is invalid: librdkafka rejects it")]
    public void InvalidValue_NamedByTheConfigurationKeyItCameFrom(string key, string value, string expected)
    {
        var section = Section(new()
        {
            ["FlowTracker:KafkaExporter:Topic"] = "t",
            ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = "b:9092",
            [$"FlowTracker:KafkaExporter:{key}"] = value,
        });

        var (hocon, keyName) = KafkaExporterConfiguration.ToHocon(section);
        var error = Assert.Throws<ArgumentException>(() => KafkaExporterHocon.Read(hocon, NoEnvironment, keyName).Validate(keyName));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKey_Rejected_NamingItsPath()
    {
        var section = Section(new() { ["FlowTracker:KafkaExporter:MaxBuferedTraces"] = "5" });

        var error = Assert.Throws<ArgumentException>(() => KafkaExporterConfiguration.ToHocon(section));

        Assert.Contains("FlowTracker:KafkaExporter:MaxBuferedTraces is unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneOptionInTwoSpellings_Rejected_NamingBoth()
    {
        var section = Section(new()
        {
            ["FlowTracker:KafkaExporter:MaxBufferedTraces"] = "50000",
            ["FlowTracker:KafkaExporter:max-buffered-traces"] = "5000",
        });

        var error = Assert.Throws<ArgumentException>(() => KafkaExporterConfiguration.ToHocon(section));

        Assert.Contains("MaxBufferedTraces is set twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("FlowTracker:KafkaExporter:max-buffered-traces", error.Message, StringComparison.Ordinal);
        Assert.Contains("FlowTracker:KafkaExporter:MaxBufferedTraces", error.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("FlowTracker:KafkaExporter");
}
