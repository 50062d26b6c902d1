using System.Text;
using Akka.Configuration;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// One name for the producer configuration (ProducerConfig in code and appsettings.json, producer-config in HOCON), the
/// standard configuration binder reading the README's appsettings.json, and Confluent's ProducerConfig assigned as is.
/// </summary>
public sealed class ProducerConfigTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void ReadmesAppSettings_BoundByTheStandardBinder_AndByServicesConfigure_AsTheExporterReadsThem()
    {
        var section = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(ReadmeAppSettings())))
            .Build().GetSection("FlowTracker:KafkaExporter");
        var services = new ServiceCollection().Configure<KafkaExporterOptions>(section).BuildServiceProvider();

        var bound = section.Get<KafkaExporterOptions>()!;
        var configured = services.GetRequiredService<IOptions<KafkaExporterOptions>>().Value;
        var (hocon, keyName) = KafkaExporterConfiguration.ToHocon(section);
        var read = KafkaExporterHocon.Read(hocon, NoEnvironment, keyName).Validate(keyName);

        foreach (var options in new[] { bound, configured })
        {
            Assert.Equal("microservice-traces", options.Topic);
            Assert.Equal(50_000, options.MaxBufferedTraces);
            Assert.Equal(TimeSpan.FromSeconds(10), options.FlushTimeout);
            Assert.Equal(TimeSpan.FromSeconds(30), options.RestartMaxBackoff);
            Assert.Equal("localhost:9092", options.ProducerConfig!["bootstrap.servers"]);
            Assert.Equal("checkout", options.ProducerConfig["client.id"]);
            Assert.Null(options.MaxBufferedBytes);

            var settings = options.Validate();
            Assert.Equal(read.Topic, settings.Topic);
            Assert.Equal(read.MaxBufferedTraces, settings.MaxBufferedTraces);
            Assert.Equal(read.FlushTimeout, settings.FlushTimeout);
            Assert.Equal(read.Restart, settings.Restart);
            Assert.Equal(read.ProducerConfig!.OrderBy(p => p.Key), settings.ProducerConfig!.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void ConfluentsProducerConfig_AssignedAsIs()
    {
        var options = new KafkaExporterOptions
        {
            Topic = "t",
            ProducerConfig = new Confluent.Kafka.ProducerConfig { BootstrapServers = "b:9092", LingerMs = 5, ClientId = "typed" },
        };

        var settings = options.Validate();

        Assert.Equal("b:9092", settings.ProducerConfig!["bootstrap.servers"]);
        Assert.Equal("5", settings.ProducerConfig["linger.ms"]);
        Assert.Equal("typed", settings.ProducerConfig["client.id"]);
        Assert.Equal("lz4", settings.ProducerConfig["compression.type"]);
    }

    [Fact]
    public void AnySequenceOfPairs_AcceptedThroughFrom_AndADictionaryAsIs()
    {
        var sorted = new SortedDictionary<string, string> { ["bootstrap.servers"] = "b:9092", ["linger.ms"] = "7" };

        var fromSequence = new KafkaExporterOptions { Topic = "t", ProducerConfig = ProducerProperties.From(sorted) }.Validate();
        var fromDictionary = new KafkaExporterOptions { Topic = "t", ProducerConfig = new Dictionary<string, string>(sorted) }.Validate();

        Assert.Equal("7", fromSequence.ProducerConfig!["linger.ms"]);
        Assert.Equal(fromSequence.ProducerConfig.OrderBy(p => p.Key), fromDictionary.ProducerConfig!.OrderBy(p => p.Key));
    }

    [Fact]
    public void OneName_CodeHoconAndAppSettings_GiveTheSameProducer()
    {
        var inCode = new KafkaExporterOptions { Topic = "t", ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092", ["linger.ms"] = "3" } }.Validate();
        var inHocon = KafkaExporterHocon.Read(
            ConfigurationFactory.ParseString("""flowtracker.kafka-exporter { topic = t, producer-config { "bootstrap.servers" = "b:9092", "linger.ms" = 3 } }"""),
            NoEnvironment).Validate();
        var (fromAppSettings, keyName) = KafkaExporterConfiguration.ToHocon(Section(new()
        {
            ["FlowTracker:KafkaExporter:Topic"] = "t",
            ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = "b:9092",
            ["FlowTracker:KafkaExporter:ProducerConfig:linger.ms"] = "3",
        }));
        var inAppSettings = KafkaExporterHocon.Read(fromAppSettings, NoEnvironment, keyName).Validate(keyName);

        Assert.Equal(inCode.ProducerConfig!.OrderBy(p => p.Key), inHocon.ProducerConfig!.OrderBy(p => p.Key));
        Assert.Equal(inCode.ProducerConfig!.OrderBy(p => p.Key), inAppSettings.ProducerConfig!.OrderBy(p => p.Key));
    }

    [Fact]
    public void OldName_Refused_SayingTheNewOne()
    {
        var hocon = Assert.Throws<ArgumentException>(() => KafkaExporterHocon.Read(
            ConfigurationFactory.ParseString("""flowtracker.kafka-exporter.kafka-clients { "bootstrap.servers" = "b:9092" }"""), NoEnvironment));
        var appSettings = Assert.Throws<ArgumentException>(() => KafkaExporterConfiguration.ToHocon(Section(new()
        {
            ["FlowTracker:KafkaExporter:KafkaClients:bootstrap.servers"] = "b:9092",
        })));

        Assert.Contains("flowtracker.kafka-exporter.kafka-clients is unknown. kafka-clients was renamed: write producer-config", hocon.Message, StringComparison.Ordinal);
        Assert.Contains("FlowTracker:KafkaExporter:KafkaClients:bootstrap:servers is unknown. kafka-clients was renamed", appSettings.Message, StringComparison.Ordinal);
    }

    /// <summary>The appsettings.json the README shows, so that the README cannot drift from what binds.</summary>
    private static string ReadmeAppSettings()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FlowTracker.Kafka.Actors.sln")))
        {
            directory = directory.Parent;
        }

        var readme = File.ReadAllText(Path.Combine(directory!.FullName, "README.md"));
        var blocks = readme.Split("```json\n")[1..].Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]);
        return Assert.Single(blocks, b => b.Contains("\"KafkaExporter\"", StringComparison.Ordinal));
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("FlowTracker:KafkaExporter");
}
