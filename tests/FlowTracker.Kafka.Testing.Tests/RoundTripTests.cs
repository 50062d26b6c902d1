using System.Text;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Testing.Tests;

/// <summary>Runs against the embedded cluster, or unchanged against the real one named by FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS.</summary>
public sealed class RoundTripTests(SharedClusterFixture fixture) : IClassFixture<SharedClusterFixture>
{
    [Fact]
    public async Task ProducedRecords_ReadBackByAConfluentConsumer_HaveTheSameKeysAndValues()
    {
        const int count = 1_000;
        var topic = SharedClusterFixture.UniqueTopic("roundtrip");
        await fixture.Cluster.CreateTopicAsync(topic, partitions: 3);
        var sent = Enumerable.Range(0, count).Select(i => ($"key-{i}", $"value-{i}-{new string('x', i % 50)}")).ToArray();
        using var producer = Producing.Producer(fixture.Cluster.BootstrapServers);

        var reports = await Producing.ProduceAllAsync(producer, topic, sent);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, count);

        Assert.All(reports, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(sent.OrderBy(s => s.Item1), records.Select(r => (r.KeyText!, r.ValueText!)).OrderBy(r => r.Item1));
        Assert.Equal(3, records.Select(r => r.Partition).Distinct().Count());
        Assert.All(records.GroupBy(r => r.KeyText), g => Assert.Single(g.Select(r => r.Partition).Distinct()));
    }

    [Fact]
    public async Task Reader_RecordsWithHeaders_ReturnsPartitionOffsetAndHeaders()
    {
        var topic = SharedClusterFixture.UniqueTopic("headers");
        await fixture.Cluster.CreateTopicAsync(topic);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = fixture.Cluster.BootstrapServers }).Build();

        for (var i = 0; i < 2; i++)
        {
            await producer.ProduceAsync(topic, new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes($"k{i}"),
                Value = Encoding.UTF8.GetBytes($"v{i}"),
                Headers = new Headers { { "content-type", Encoding.UTF8.GetBytes("application/json") } },
            });
        }

        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: 2);

        Assert.Equal([0L, 1L], records.Select(r => r.Offset));
        Assert.All(records, r => Assert.Equal(0, r.Partition));
        Assert.All(records, r => Assert.Equal("application/json", r.Header("content-type")));
    }

    [Fact]
    public async Task Reader_FewerRecordsThanExpected_ReturnsWhatArrivedAfterTheIdleTimeout()
    {
        var topic = SharedClusterFixture.UniqueTopic("idle");
        await fixture.Cluster.CreateTopicAsync(topic);
        using var producer = Producing.Producer(fixture.Cluster.BootstrapServers);
        await Producing.ProduceAllAsync(producer, topic, [("only", "one")]);

        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: 5, idleTimeout: TimeSpan.FromMilliseconds(500));

        Assert.Equal("only", Assert.Single(records).KeyText);
    }

    [FaultInjectionFact]
    public async Task TopicNamedBeforeItExists_IsAutoCreatedWithTheDocumentedPartitionCount()
    {
        var topic = SharedClusterFixture.UniqueTopic("auto");
        using var producer = Producing.Producer(fixture.Cluster.BootstrapServers);

        var reports = await Producing.ProduceAllAsync(producer, topic, [("k", "v")]);

        Assert.Equal(PersistenceStatus.Persisted, Assert.Single(reports).Status);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = fixture.Cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        Assert.Equal(EmbeddedKafkaCluster.AutoCreatedTopicPartitions, Assert.Single(metadata.Topics).Partitions.Count);
    }

    [FaultInjectionFact]
    public void LibrdkafkaPath_IsTheBinaryConfluentKafkaMapped()
    {
        var path = EmbeddedKafkaCluster.LibrdkafkaPath;

        Assert.True(File.Exists(path), path);
        Assert.Contains("librdkafka", Path.GetFileName(path), StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains(File.ReadLines("/proc/self/maps"), line => line.EndsWith(path, StringComparison.Ordinal));
        }
    }
}
