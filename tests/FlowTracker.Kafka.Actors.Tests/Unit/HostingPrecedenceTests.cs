using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using FlowTracker.Kafka.Actors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// The precedence through Akka.Hosting: the IConfiguration section merged with the application's HOCON and validated once
/// when the actor system starts; environment variables also honoured when they come through the application's IConfiguration.
/// No broker is needed: the exporter's settings are asserted, nothing is sent.
/// </summary>
public sealed class HostingPrecedenceTests
{
    private const string Nowhere = "127.0.0.1:1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TopicInTheApplicationsHocon_BootstrapServersInTheSection_Merged_HostStarts()
    {
        var hocon = ConfigurationFactory.ParseString("flowtracker.kafka-exporter { topic = from-hocon, max-buffered-traces = 5000 }");
        var exporter = await StartAsync(
            new()
            {
                ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = Nowhere,
                ["FlowTracker:KafkaExporter:ProducerConfig:client.id"] = "from-section",
                ["FlowTracker:KafkaExporter:MaxBufferedTraces"] = "6000",
            },
            (akka, configuration) => akka.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter(configuration.GetSection("FlowTracker:KafkaExporter")));

        // bootstrap.servers is not asserted: FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS, set when the suite runs on a real cluster, wins over it.
        Assert.Equal("from-hocon", exporter.Settings.Topic);
        Assert.Equal("from-section", exporter.Settings.ProducerConfig!["client.id"]);
        Assert.Equal(6000, exporter.Settings.MaxBufferedTraces);
    }

    [Fact]
    public async Task EnvironmentVariableThroughIConfiguration_WinsOverHocon_LosesToCode()
    {
        var hocon = ConfigurationFactory.ParseString($$"""flowtracker.kafka-exporter { topic = from-hocon, producer-config { "bootstrap.servers" = "{{Nowhere}}" } }""");
        var configuration = new Dictionary<string, string?> { ["FLOWTRACKER_KAFKA_TOPIC"] = "from-configuration", ["FLOWTRACKER_KAFKA_CLIENT_CLIENT_ID"] = "configured-id" };

        var fromEnvironment = await StartAsync(configuration, (akka, _) => akka.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter());
        var fromCode = await StartAsync(configuration, (akka, _) => akka.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter(o => o.Topic = "from-code"));

        Assert.Equal("from-configuration", fromEnvironment.Settings.Topic);
        Assert.Equal("configured-id", fromEnvironment.Settings.ProducerConfig!["client.id"]);
        Assert.Equal("from-code", fromCode.Settings.Topic);
    }

    [Fact]
    public async Task SectionAndCode_CodeWinsEvenWithTheDefault_TheSectionOverHocon()
    {
        var hocon = ConfigurationFactory.ParseString("flowtracker.kafka-exporter { topic = from-hocon, max-buffered-traces = 5000, restart.max-restarts = 4 }");
        var exporter = await StartAsync(
            new()
            {
                ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = Nowhere,
                ["FlowTracker:KafkaExporter:MaxBufferedTraces"] = "6000",
                ["FlowTracker:KafkaExporter:MaxRestarts"] = "5",
            },
            (akka, configuration) => akka.AddHocon(hocon, HoconAddMode.Prepend)
                .WithFlowTrackerKafkaExporter(configuration.GetSection("FlowTracker:KafkaExporter"), o => o.MaxBufferedTraces = 100_000));

        Assert.Equal(100_000, exporter.Settings.MaxBufferedTraces);
        Assert.Equal(5, exporter.Settings.Restart.MaxRestarts);
        Assert.Equal("from-hocon", exporter.Settings.Topic);
    }

    [Fact]
    public async Task InvalidSectionValue_FailsTheStart_NamedByItsConfigurationKey()
    {
        var hocon = ConfigurationFactory.ParseString("flowtracker.kafka-exporter.topic = t");

        var error = await Record.ExceptionAsync(() => StartAsync(
            new() { ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = Nowhere, ["FlowTracker:KafkaExporter:FlushTimeout"] = "00:00:00" },
            (akka, configuration) => akka.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter(configuration.GetSection("FlowTracker:KafkaExporter"))));

        Assert.NotNull(error);
        Assert.Contains("Kafka exporter option FlowTracker:KafkaExporter:FlushTimeout = '00:00:00' is invalid: must be positive", Messages(error), StringComparison.Ordinal);
    }

    /// <summary>Starts a host with the given application configuration, reads its exporter's settings, and stops it.</summary>
    private static async Task<KafkaTraceExporter> StartAsync(Dictionary<string, string?> configuration, Action<AkkaConfigurationBuilder, IConfiguration> configure)
    {
        using var host = new HostBuilder()
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration))
            .ConfigureServices((context, services) => services.AddAkka("precedence", (akka, _) => configure(akka, context.Configuration)))
            .Build();
        await host.StartAsync().WaitAsync(Patience);
        var exporter = host.Services.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter();
        await host.StopAsync().WaitAsync(Patience);
        return exporter;
    }

    private static string Messages(Exception error)
    {
        var messages = new List<string>();
        var pending = new Queue<Exception>([error]);
        while (pending.TryDequeue(out var e))
        {
            messages.Add(e.Message);
            foreach (var inner in e is AggregateException a ? a.InnerExceptions : e.InnerException is { } i ? [i] : [])
            {
                pending.Enqueue(inner);
            }
        }

        return string.Join(" | ", messages);
    }
}
