namespace FlowTracker.Kafka.Testing.Tests;

/// <summary>One cluster for the tests that do not break it; each test uses topics of its own.</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    public KafkaTestCluster Cluster { get; private set; } = null!;

    public static string UniqueTopic(string purpose) => $"{purpose}-{Guid.NewGuid():N}";

    public Task InitializeAsync()
    {
        Cluster = KafkaTestCluster.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}
