using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>One cluster for every integration test of the exporter; each test writes to topics of its own.</summary>
public sealed class KafkaClusterFixture : IAsyncLifetime
{
    public KafkaTestCluster Cluster { get; private set; } = null!;

    public async Task<string> NewTopicAsync(string purpose, int partitions = 3)
    {
        var topic = $"{purpose}-{Guid.NewGuid():N}";
        await Cluster.CreateTopicAsync(topic, partitions);
        return topic;
    }

    public Task InitializeAsync()
    {
        Cluster = KafkaTestCluster.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class KafkaClusterCollection : ICollectionFixture<KafkaClusterFixture>
{
    public const string Name = "Kafka cluster";
}
