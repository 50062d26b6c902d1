using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace FlowTracker.Kafka.Testing;

/// <summary>
/// The cluster a test suite runs against: an <see cref="EmbeddedKafkaCluster"/>, or the real cluster
/// named by the environment variable <see cref="BootstrapEnvironmentVariable"/>. Integration tests
/// written against this run unchanged on both; fault injection exists only on the embedded one.
/// </summary>
public sealed class KafkaTestCluster : IAsyncDisposable
{
    /// <summary>The environment variable that names a real cluster's bootstrap servers: <c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c>.</summary>
    public const string BootstrapEnvironmentVariable = "FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS";

    private readonly EmbeddedKafkaCluster? _embedded;

    private KafkaTestCluster(string bootstrapServers, EmbeddedKafkaCluster? embedded)
    {
        BootstrapServers = bootstrapServers;
        _embedded = embedded;
    }

    /// <summary>The real cluster's bootstrap servers when <see cref="BootstrapEnvironmentVariable"/> is set; otherwise <see langword="null"/>.</summary>
    public static string? ExternalBootstrapServers =>
        Environment.GetEnvironmentVariable(BootstrapEnvironmentVariable) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Why fault-injection tests cannot run here, or <see langword="null"/> when they can (on the embedded cluster).</summary>
    public static string? FaultInjectionUnavailableReason => ExternalBootstrapServers is { } servers
        ? $"fault injection needs the embedded cluster, but {BootstrapEnvironmentVariable} names a real one ({servers})"
        : null;

    /// <summary>The bootstrap servers to connect to.</summary>
    public string BootstrapServers { get; }

    /// <summary>Whether this is the embedded cluster (and fault injection is available).</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <summary>The embedded cluster, for fault injection.</summary>
    /// <exception cref="InvalidOperationException">The tests run against a real cluster.</exception>
    public EmbeddedKafkaCluster Embedded => _embedded
        ?? throw new InvalidOperationException(FaultInjectionUnavailableReason);

    /// <summary>Connects to the real cluster if one is named, otherwise starts an embedded cluster.</summary>
    /// <param name="brokers">Brokers of the embedded cluster. Default: 3.</param>
    public static KafkaTestCluster Start(int brokers = 3) =>
        ExternalBootstrapServers is { } servers
            ? new KafkaTestCluster(servers, null)
            : StartEmbedded(brokers);

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions.</summary>
    public async Task CreateTopicAsync(string topic, int partitions = 1)
    {
        if (_embedded is not null)
        {
            _embedded.CreateTopic(topic, partitions);
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _embedded?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static KafkaTestCluster StartEmbedded(int brokers)
    {
        var embedded = EmbeddedKafkaCluster.Start(brokers);
        return new KafkaTestCluster(embedded.BootstrapServers, embedded);
    }
}
