using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using FlowTracker.Kafka.Actors.Hosting;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>The exporter as an Akka.Hosting user adds it: one builder call, HOCON, the registry and DI.</summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class HostingTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HoconOnly_TracesFromTheDependencyInjectedExporter_ReachTheTopic()
    {
        var topic = await fixture.NewTopicAsync("hosting-hocon");
        var hocon = ConfigurationFactory.ParseString($$"""
            flowtracker.kafka-exporter {
              topic = "{{topic}}"
              producer-config { "bootstrap.servers" = "{{fixture.Cluster.BootstrapServers}}" }
            }
            """);
        using var host = await StartHostAsync(builder => builder.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter());

        var exporter = host.Services.GetRequiredService<ITraceExporter>();
        exporter.ExportCheckouts("hocon", 100);
        await host.StopAsync().WaitAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: 100);

        Assert.Equal(100, records.Count);
        Assert.Equal(100, ((KafkaTraceExporter)exporter).Stats.Delivered);
    }

    [Fact]
    public async Task ExporterResolvedWhileTheAppIsBuilt_BeforeTheHostStarts_Delivers()
    {
        var topic = await fixture.NewTopicAsync("hosting-early");
        using var host = BuildHost(builder => builder.WithFlowTrackerKafkaExporter(ExporterOptions.For(fixture.Cluster.BootstrapServers, topic)));

        // What UseFlowTracker() does: the tracer, and with it every ITraceExporter, is resolved before Run().
        var exporter = (KafkaTraceExporter)host.Services.GetRequiredService<ITraceExporter>();
        await host.StartAsync().WaitAsync(Patience);
        var registered = host.Services.GetRequiredService<IRequiredActor<KafkaExporterActorKey>>().ActorRef;
        exporter.ExportCheckouts("early", 10);
        await host.StopAsync().WaitAsync(Patience);

        Assert.Equal(exporter.Actor, registered);
        Assert.Equal(10, exporter.Stats.Delivered);
    }

    [Fact]
    public async Task OptionsObject_ActorReachableThroughTheRegistry()
    {
        var topic = await fixture.NewTopicAsync("hosting-options");
        using var host = await StartHostAsync(builder => builder.WithFlowTrackerKafkaExporter(ExporterOptions.For(fixture.Cluster.BootstrapServers, topic)));

        host.Services.GetRequiredService<ITraceExporter>().ExportCheckouts("options", 10);
        var actor = host.Services.GetRequiredService<IRequiredActor<KafkaExporterActorKey>>().ActorRef;
        await AwaitAssertAsync(async () =>
            Assert.Equal(10, (await actor.Ask<ExporterStats>(GetExporterStats.Instance, Patience)).Delivered), Patience);
        await host.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task Delegate_SetsWhatItSets_AndLeavesTheApplicationsHoconValuesAlone()
    {
        var topic = await fixture.NewTopicAsync("hosting-delegate");
        var hocon = ConfigurationFactory.ParseString("flowtracker.kafka-exporter { max-buffered-traces = 1234, topic = overridden-by-the-delegate }");
        using var host = await StartHostAsync(builder => builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            .WithFlowTrackerKafkaExporter(o =>
            {
                o.Topic = topic;
                o.ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = fixture.Cluster.BootstrapServers };
            }));

        var exporter = host.Services.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter();

        Assert.Equal(topic, exporter.Settings.Topic);
        Assert.Equal(1234, exporter.Settings.MaxBufferedTraces);
        await host.StopAsync().WaitAsync(Patience);
    }

    [FaultInjectionFact]
    public async Task HealthCheck_HealthyThenDegradedWhileBrokersAreDown_ThenHealthyAgain()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("hosting-health");
        using var host = await StartHostAsync(builder => builder.WithFlowTrackerKafkaExporter(ExporterOptions.For(cluster.BootstrapServers, "hosting-health", o =>
            o.ProducerConfig!["reconnect.backoff.max.ms"] = "500")));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var exporter = host.Services.GetRequiredService<ITraceExporter>();
        exporter.ExportCheckouts("healthy", 5);
        await AwaitAssertAsync(async () => Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status), Patience);

        cluster.SetAllBrokersDown();
        exporter.ExportCheckouts("waiting", 5);
        await AwaitAssertAsync(async () => Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status), Patience);
        var degraded = (await health.CheckHealthAsync()).Entries[FlowTrackerKafkaHostingExtensions.HealthCheckName];

        cluster.SetAllBrokersUp();
        await AwaitAssertAsync(async () => Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status), Patience);
        Assert.Contains("no Kafka broker is reachable", degraded.Description, StringComparison.Ordinal);
        await host.StopAsync().WaitAsync(Patience);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task ConfigurationSection_AsFromAppSettingsJson_DeliversTraces()
    {
        var topic = await fixture.NewTopicAsync("hosting-iconfiguration");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlowTracker:KafkaExporter:Topic"] = topic,
            ["FlowTracker:KafkaExporter:FlushTimeout"] = "00:00:05",
            ["FlowTracker:KafkaExporter:ProducerConfig:bootstrap.servers"] = fixture.Cluster.BootstrapServers,
        }).Build();
        using var host = await StartHostAsync(builder => builder.WithFlowTrackerKafkaExporter(configuration.GetSection("FlowTracker:KafkaExporter")));

        var exporter = host.Services.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter();
        exporter.ExportCheckouts("configured", 20);
        await host.StopAsync().WaitAsync(Patience);

        Assert.Equal(TimeSpan.FromSeconds(5), exporter.Settings.FlushTimeout);
        Assert.Equal(20, exporter.Stats.Delivered);
    }

    [Theory]
    [InlineData("max-buffered-traces = -5", "flowtracker.kafka-exporter.max-buffered-traces = '-5' is invalid")]
    [InlineData("shutdown-phase = after-the-party", "flowtracker.kafka-exporter.shutdown-phase = 'after-the-party' is invalid: it is not a CoordinatedShutdown phase")]
    [InlineData("dispatcher = nowhere", "flowtracker.kafka-exporter.dispatcher = 'nowhere' is invalid: actor system 'hosting' has no such dispatcher")]
    [InlineData("producer-config { \"compression.type\" = zip }", "flowtracker.kafka-exporter.producer-config.\"compression.type\" = 'zip' is invalid: librdkafka rejects it")]
    public async Task InvalidHoconValue_HostStartFails_NamingTheKeyPathAndValue(string line, string expected)
    {
        var hocon = ConfigurationFactory.ParseString($$"""
            flowtracker.kafka-exporter { topic = t, producer-config { "bootstrap.servers" = "b:9092" } }
            flowtracker.kafka-exporter { {{line}} }
            """);

        var error = await Record.ExceptionAsync(() => StartHostAsync(builder => builder.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter()));

        Assert.NotNull(error);
        Assert.Contains(expected, Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationSupervisor_HostsTheExporterFromHocon_AsItsOwnChild()
    {
        var topic = await fixture.NewTopicAsync("hosting-child");
        var hocon = ConfigurationFactory.ParseString($$"""
            flowtracker.kafka-exporter { topic = "{{topic}}", producer-config { "bootstrap.servers" = "{{fixture.Cluster.BootstrapServers}}" } }
            """);
        var exporters = new TaskCompletionSource<KafkaTraceExporter>();
        using var host = await StartHostAsync(builder => builder
            .AddHocon(hocon, HoconAddMode.Prepend)
            .WithActors((system, _) => system.ActorOf(Props.Create(() => new ApplicationSupervisor(exporters)), "app")));

        var exporter = await exporters.Task.WaitAsync(Patience);
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        exporter.ExportCheckouts("child", 10);
        await AwaitAssertAsync(() => Assert.Equal(10, exporter.Stats.Delivered), Patience);

        Assert.Equal("akka://hosting/user/app/traces", exporter.Actor!.Path.ToString());
        await host.StopAsync().WaitAsync(Patience);
    }

    private static IHost BuildHost(Action<AkkaConfigurationBuilder> configure) => new HostBuilder()
        .ConfigureServices(services =>
        {
            services.AddHealthChecks();
            services.AddAkka("hosting", (builder, _) => configure(builder));

            // The one documented line that gives FlowTracker (middleware, tracer) the exporter.
            services.AddSingleton<ITraceExporter>(sp => sp.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter());
        })
        .Build();

    internal static async Task<IHost> StartHostAsync(Action<AkkaConfigurationBuilder> configure)
    {
        var host = BuildHost(configure);
        try
        {
            await host.StartAsync().WaitAsync(Patience);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static string Flatten(Exception error) =>
        string.Join(" | ", Enumerable.Repeat(error, 1).Concat(error is AggregateException a ? a.Flatten().InnerExceptions : []).SelectMany(Chain).Select(e => e.Message));

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>An application's own actor that supervises the exporter as one of its children.</summary>
    private sealed class ApplicationSupervisor : ReceiveActor
    {
        public ApplicationSupervisor(TaskCompletionSource<KafkaTraceExporter> created)
        {
            var exporter = KafkaTraceExporter.Create(Context.System.Settings.Config);
            Context.ActorOf(exporter.Props, "traces");
            created.SetResult(exporter);
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
    }
}
