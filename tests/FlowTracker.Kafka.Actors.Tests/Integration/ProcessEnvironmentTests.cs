using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using FlowTracker.Kafka.Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// A process environment variable over the HOCON, through Akka.Hosting. Alone, after the parallel collections: the
/// variable is the whole process's, and every exporter that resolves its settings meanwhile reads it (a precedence
/// test asserting client.id once read this one's value).
/// </summary>
[Collection(SoloKafkaClusterCollection.Name)]
public sealed class ProcessEnvironmentTests(KafkaClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ProcessEnvironmentVariable_OverridesTheHoconValue()
    {
        var clientId = $"from-env-{Guid.NewGuid():N}";
        var hocon = ConfigurationFactory.ParseString($$"""
            flowtracker.kafka-exporter {
              topic = env-override
              producer-config { "bootstrap.servers" = "{{fixture.Cluster.BootstrapServers}}", "client.id" = from-hocon }
            }
            """);
        Environment.SetEnvironmentVariable("FLOWTRACKER_KAFKA_CLIENT_CLIENT_ID", clientId);
        try
        {
            using var host = await HostingTests.StartHostAsync(builder => builder.AddHocon(hocon, HoconAddMode.Prepend).WithFlowTrackerKafkaExporter());

            var exporter = host.Services.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter();
            Assert.Equal(clientId, exporter.Settings.ProducerConfig!["client.id"]);
            await host.StopAsync().WaitAsync(Patience);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLOWTRACKER_KAFKA_CLIENT_CLIENT_ID", null);
        }
    }
}
