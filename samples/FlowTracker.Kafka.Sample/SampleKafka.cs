using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Sample;

/// <summary>Where the sample's traces go: the cluster the environment names, or an embedded one.</summary>
public sealed class SampleKafka : IAsyncDisposable
{
    public const string DefaultTopic = "microservice-traces";
    private readonly EmbeddedKafkaCluster? _embedded;

    private SampleKafka(string bootstrapServers, string topic, EmbeddedKafkaCluster? embedded)
    {
        BootstrapServers = bootstrapServers;
        Topic = topic;
        _embedded = embedded;
    }

    public string BootstrapServers { get; }

    public string Topic { get; }

    public bool IsEmbedded => _embedded is not null;

    /// <summary>Whether the environment names a real cluster (<c>FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS</c>).</summary>
    public static bool NamesACluster => ConfiguredServers is not null;

    private static string? ConfiguredServers =>
        Environment.GetEnvironmentVariable("FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS") is { Length: > 0 } servers ? servers : null;

    public static SampleKafka Connect(TextWriter output)
    {
        var topic = Environment.GetEnvironmentVariable("FLOWTRACKER_KAFKA_TOPIC") is { Length: > 0 } named ? named : DefaultTopic;
        if (ConfiguredServers is { } servers)
        {
            output.WriteLine($"Kafka: {servers}, topic {topic}.");
            return new SampleKafka(servers, topic, embedded: null);
        }

        var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions: 3);
        output.WriteLine($"No FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS: started an embedded Kafka cluster (librdkafka's mock, 3 brokers) at {cluster.BootstrapServers}, topic {topic}.");
        return new SampleKafka(cluster.BootstrapServers, topic, cluster);
    }

    public ValueTask DisposeAsync() => _embedded?.DisposeAsync() ?? ValueTask.CompletedTask;
}
