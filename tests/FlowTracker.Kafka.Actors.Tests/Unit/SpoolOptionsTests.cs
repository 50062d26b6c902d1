using Akka.Configuration;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>The spool's options: one name each (code, HOCON, appsettings), their defaults, and errors that name them.</summary>
public sealed class SpoolOptionsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];
    private const string Required = """flowtracker.kafka-exporter { topic = t, producer-config { "bootstrap.servers" = "b:9092" } }""";

    [Fact]
    public void ReferenceHocon_SpoolDefaults_AgreeWithTheDefaultsInCode()
    {
        var fromHocon = KafkaExporterHocon.Read(ConfigurationFactory.ParseString(Required), NoEnvironment);
        fromHocon.SpoolDirectory = "spool";
        var inCode = new KafkaExporterOptions { Topic = "t", ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" }, SpoolDirectory = "spool" };

        Assert.Equal(inCode.Validate().Spool, fromHocon.Validate().Spool);
        Assert.Equal(new SpoolSettings(Path.GetFullPath("spool"), 1L << 30, TimeSpan.FromMilliseconds(100), 8L << 20), inCode.Validate().Spool);
    }

    [Theory]
    [InlineData("")]
    [InlineData("spool.directory = \"\"")]
    public void SpoolOff_WhenNoDirectoryIsNamed(string line)
    {
        var settings = Read(line);

        Assert.Null(settings.Spool);
        Assert.Equal(settings.MaxBufferedBytes, settings.MemoryBytes);
    }

    [Fact]
    public void SpoolKeys_ReadFromHocon()
    {
        var settings = Read("spool { directory = \"/var/spool/traces\", max-bytes = 2GiB, commit-interval = 250ms, memory-bytes = 8MiB }");

        Assert.Equal(new SpoolSettings("/var/spool/traces", 2L << 30, TimeSpan.FromMilliseconds(250), 8L << 20), settings.Spool);
        Assert.Equal(8L << 20, settings.MemoryBytes);
    }

    [Fact]
    public void SpoolKeys_ReadFromAppsettings_ByThePropertyNames()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlowTracker:KafkaExporter:Topic"] = "t",
            ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = "b:9092",
            ["FlowTracker:KafkaExporter:SpoolDirectory"] = "/var/spool/traces",
            ["FlowTracker:KafkaExporter:SpoolMaxBytes"] = "2GiB",
            ["FlowTracker:KafkaExporter:SpoolCommitInterval"] = "00:00:00.25",
            ["FlowTracker:KafkaExporter:SpoolMemoryBytes"] = "134217728",
        }).Build().GetSection("FlowTracker:KafkaExporter");

        var (hocon, _) = KafkaExporterConfiguration.ToHocon(section);
        var settings = KafkaExporterHocon.Read(hocon, NoEnvironment).Validate();

        // The smaller of max-buffered-bytes (64 MiB by default) and spool.memory-bytes bounds memory.
        Assert.Equal(new SpoolSettings("/var/spool/traces", 2L << 30, TimeSpan.FromMilliseconds(250), 128L << 20), settings.Spool);
        Assert.Equal(64L << 20, settings.MemoryBytes);
    }

    [Theory]
    [InlineData(null, "0")]
    [InlineData("60000", "60000")]
    public void SpoolOn_AnOwnedProducerWaitsForTheBrokersForEver_UnlessMessageTimeoutIsSet(string? set, string expected)
    {
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" };
        if (set is not null)
        {
            config["message.timeout.ms"] = set;
        }

        var settings = KafkaTraceExporter.Create(new KafkaExporterOptions { Topic = "t", ProducerConfig = config, SpoolDirectory = "spool" }).Settings;
        var withoutSpool = KafkaTraceExporter.Create(new KafkaExporterOptions { Topic = "t", ProducerConfig = config }).Settings;

        Assert.Equal(expected, settings.ProducerConfig!["message.timeout.ms"]);
        Assert.Equal(set is null ? TimeSpan.MaxValue : TimeSpan.FromSeconds(95), settings.ReportTimeout);
        Assert.Equal(set, withoutSpool.ProducerConfig!.GetValueOrDefault("message.timeout.ms"));
        using var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(settings.ProducerConfig).Build();
    }

    [Fact]
    public void SpoolOptionsInCode_WinOverHocon()
    {
        var config = ConfigurationFactory.ParseString("flowtracker.kafka-exporter.spool { directory = from-hocon, max-bytes = 2GiB }").WithFallback(ConfigurationFactory.ParseString(Required));

        var exporter = KafkaTraceExporter.Create(config, new KafkaExporterOptions { SpoolDirectory = "/from/code" }, NoEnvironment);

        Assert.Equal("/from/code", exporter.Settings.Spool!.Directory);
        Assert.Equal(2L << 30, exporter.Settings.Spool.MaxBytes);
    }

    [Theory]
    [InlineData("spool.max-bytes = 1000", "flowtracker.kafka-exporter.spool.max-bytes = '1000' is invalid: must be at least 1 MiB")]
    [InlineData("spool.max-bytes = plenty", "flowtracker.kafka-exporter.spool.max-bytes = 'plenty' is invalid")]
    [InlineData("spool.commit-interval = 0s", "flowtracker.kafka-exporter.spool.commit-interval = '00:00:00' is invalid: must be positive")]
    [InlineData("spool.directory = \"/\"", "flowtracker.kafka-exporter.spool.directory = '/' is invalid: must be a directory of the exporter's own, not a filesystem's root")]
    [InlineData("spool.directory = \"~/spool\"", "flowtracker.kafka-exporter.spool.directory = '~/spool' is invalid: '~' is a shell's shorthand, not expanded here: give the full path")]
    [InlineData("spool.commit-interval = 30d", "flowtracker.kafka-exporter.spool.commit-interval = '30.00:00:00' is invalid: must be positive and at most 24.20:31:23.6470000 (what a timer takes)")]
    [InlineData("spool.commit-interval = 100", "flowtracker.kafka-exporter.spool.commit-interval = '100' is invalid: a duration needs a unit")]
    [InlineData("spool.memory-bytes = 0", "flowtracker.kafka-exporter.spool.memory-bytes = '0' is invalid: must be at least 1")]
    [InlineData("spool.size = 1GiB", "Kafka exporter configuration key flowtracker.kafka-exporter.spool.size is unknown")]
    [InlineData("spool = on", "flowtracker.kafka-exporter.spool = 'on' is invalid: it must be an object with the keys directory, max-bytes, commit-interval, memory-bytes")]
    public void InvalidSpoolValue_Rejected_NamingTheKeyAndTheValue(string line, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(line));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlankSpoolDirectoryInCode_Rejected_NamingTheOption()
    {
        var options = new KafkaExporterOptions { Topic = "t", ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" }, SpoolDirectory = "  " };

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(options));

        Assert.Contains("Kafka exporter option SpoolDirectory = '  ' is invalid: must be a directory, or empty to leave the spool off", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Before: 30 days passed validation, and the spool's commit timer threw on a thread of its own (the process aborted).</summary>
    [Theory]
    [InlineData(nameof(KafkaExporterOptions.SpoolCommitInterval))]
    [InlineData(nameof(KafkaExporterOptions.FlushTimeout))]
    [InlineData(nameof(KafkaExporterOptions.RestartMinBackoff))]
    [InlineData(nameof(KafkaExporterOptions.RestartMaxBackoff))]
    public void TimerLongerThanATimerTakes_Rejected_NamingTheOptionAndTheValue(string option)
    {
        var options = new KafkaExporterOptions { Topic = "t", ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" } };
        typeof(KafkaExporterOptions).GetProperty(option)!.SetValue(options, TimeSpan.MaxValue);

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(options));

        Assert.Contains($"Kafka exporter option {option} = '{TimeSpan.MaxValue}' is invalid: must be positive and at most", error.Message, StringComparison.Ordinal);
    }

    private static KafkaExporterSettings Read(string line) =>
        KafkaTraceExporter.Create(ConfigurationFactory.ParseString($"flowtracker.kafka-exporter {{ {line} }}").WithFallback(ConfigurationFactory.ParseString(Required)), code: null, NoEnvironment).Settings;
}
