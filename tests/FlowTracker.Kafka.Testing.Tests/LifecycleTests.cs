using System.Net.Sockets;

namespace FlowTracker.Kafka.Testing.Tests;

public sealed class LifecycleTests
{
    [FaultInjectionFact]
    public async Task Dispose_ClosesEveryBrokerPort()
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 2);
        var endpoints = cluster.BootstrapServers.Split(',').Select(e => e.Split(':')).Select(p => (Host: p[0], Port: int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(2, endpoints.Length);
        Assert.All(endpoints, e => Assert.Equal("127.0.0.1", e.Host));
        foreach (var (host, port) in endpoints)
        {
            using var open = new TcpClient();
            await open.ConnectAsync(host, port);
        }

        await cluster.DisposeAsync();

        foreach (var (host, port) in endpoints)
        {
            using var closed = new TcpClient();
            var error = await Assert.ThrowsAsync<SocketException>(() => closed.ConnectAsync(host, port));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("after-dispose"));
        await cluster.DisposeAsync();
    }

    [FaultInjectionFact]
    public async Task TwoClusters_InOneProcess_DoNotInterfere()
    {
        await using var first = EmbeddedKafkaCluster.Start(brokers: 1);
        await using var second = EmbeddedKafkaCluster.Start(brokers: 1);
        const string topic = "same-name";
        first.CreateTopic(topic);
        second.CreateTopic(topic);
        using var toFirst = Producing.Producer(first.BootstrapServers);
        using var toSecond = Producing.Producer(second.BootstrapServers);

        await Producing.ProduceAllAsync(toFirst, topic, [("a", "first")]);
        await Producing.ProduceAllAsync(toSecond, topic, [("b", "second"), ("c", "second")]);
        first.SetAllBrokersDown();

        Assert.NotEqual(first.BootstrapServers, second.BootstrapServers);
        var fromSecond = await KafkaTopicReader.ReadAsync(second.BootstrapServers, topic, expectedCount: 2);
        Assert.Equal(["b", "c"], fromSecond.Select(r => r.KeyText));
        first.SetAllBrokersUp();
        var fromFirst = await KafkaTopicReader.ReadAsync(first.BootstrapServers, topic, expectedCount: 1);
        Assert.Equal("a", Assert.Single(fromFirst).KeyText);
    }

    [FaultInjectionFact]
    public void InvalidArguments_AreRejectedWithTheirNames()
    {
        Assert.Throws<ArgumentOutOfRangeException>("brokers", () => EmbeddedKafkaCluster.Start(0));
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        Assert.Throws<ArgumentOutOfRangeException>("brokerId", () => cluster.SetBrokerDown(2));
        Assert.Throws<ArgumentOutOfRangeException>("replicationFactor", () => cluster.CreateTopic("t", 1, replicationFactor: 2));
        Assert.Throws<ArgumentOutOfRangeException>("partitions", () => cluster.CreateTopic("t", 0));
    }
}
