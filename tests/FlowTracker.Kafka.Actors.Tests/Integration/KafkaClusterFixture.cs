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

/// <summary>
/// For tests that measure the process or the clock: the leak tests count process-wide things (threads, file
/// descriptors, librdkafka handles, meters) and the stop-bound tests time a stop against its deadline. They run
/// alone, after every parallel collection, on a cluster of their own: a neighbour's CPU-bound property test or
/// gigabyte of garbage would otherwise be measured with them (CI saw a stop 1.25 s past its deadline that
/// takes 0.05 s alone and 0.3 s with six busy loops beside it).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoloKafkaClusterCollection : ICollectionFixture<KafkaClusterFixture>
{
    public const string Name = "Kafka cluster, nothing else running";
}
