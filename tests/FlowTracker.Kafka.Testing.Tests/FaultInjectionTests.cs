using System.Diagnostics;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Testing.Tests;

/// <summary>Each test breaks a cluster of its own.</summary>
public sealed class FaultInjectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [FaultInjectionFact]
    public async Task AllBrokersDown_DeliveriesStall_AndUpAgainEverythingIsDelivered()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        const string topic = "outage";
        cluster.CreateTopic(topic, partitions: 2);
        using var producer = Producing.Producer(cluster.BootstrapServers, c => c.MessageTimeoutMs = 120_000);
        await Producing.ProduceAllAsync(producer, topic, [("before", "outage")]);

        cluster.SetAllBrokersDown();
        var during = Producing.ProduceAllAsync(producer, topic, Enumerable.Range(0, 100).Select(i => ($"k{i}", $"v{i}")));

        // Stalled, not failed: no report at all while the cluster is down.
        var first = await Task.WhenAny(during, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.NotSame(during, first);

        cluster.SetAllBrokersUp();
        var reports = await during.WaitAsync(Patience);
        Assert.All(reports, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, topic, expectedCount: 101);
        Assert.Equal(101, records.Select(r => r.KeyText).Distinct().Count());
    }

    [FaultInjectionFact]
    public async Task FatalError_OnIdempotentProducer_ReachesTheErrorHandlerAndLaterProduceFails()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var fatal = new TaskCompletionSource<Error>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var producer = Producing.Producer(
            cluster.BootstrapServers,
            c => c.EnableIdempotence = true,
            (_, error) =>
            {
                if (error.IsFatal)
                {
                    fatal.TrySetResult(error);
                }
            });
        Assert.Equal(PersistenceStatus.Persisted, (await Producing.ProduceAllAsync(producer, "fatal", [("k", "v")]))[0].Status);

        Assert.True(EmbeddedKafkaCluster.TriggerFatalError(producer, ErrorCode.OutOfOrderSequenceNumber, "lost sequence"));

        var error = await fatal.Task.WaitAsync(Patience);
        Assert.True(error.IsFatal);
        Assert.Contains("lost sequence", error.Reason, StringComparison.Ordinal);
        Assert.False(EmbeddedKafkaCluster.TriggerFatalError(producer));
        var failure = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync("fatal", new Message<string, string> { Key = "after", Value = "fatal" }));
        // librdkafka refuses the call with the fatal error itself (or its generic Local_Fatal).
        Assert.Contains(failure.Error.Code, new[] { ErrorCode.OutOfOrderSequenceNumber, ErrorCode.Local_Fatal });
    }

    [FaultInjectionFact]
    public async Task RetriableProduceError_IsRetriedByTheClient_AndTheRecordArrives()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        const string topic = "retriable";
        cluster.CreateTopic(topic);

        // Proof that the injected error is real: a producer that may not retry gets it.
        using (var noRetries = Producing.Producer(cluster.BootstrapServers, c => c.MessageSendMaxRetries = 0))
        {
            await Producing.ProduceAllAsync(noRetries, topic, [("warm", "up")]);
            cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas);
            var failed = Assert.Single(await Producing.ProduceAllAsync(noRetries, topic, [("k0", "v0")]));
            Assert.Equal(ErrorCode.NotEnoughReplicas, failed.Error.Code);
        }

        using var producer = Producing.Producer(cluster.BootstrapServers, c => c.RetryBackoffMs = 10);
        await Producing.ProduceAllAsync(producer, topic, [("warm", "up")]);
        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);
        var report = Assert.Single(await Producing.ProduceAllAsync(producer, topic, [("k1", "v1")]));

        Assert.Equal(PersistenceStatus.Persisted, report.Status);
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, topic, expectedCount: 3);
        Assert.Contains(records, r => r.KeyText == "k1");
        Assert.DoesNotContain(records, r => r.KeyText == "k0");
    }

    [FaultInjectionFact]
    public async Task NonRetriableProduceError_ComesBackInTheDeliveryReport_AndTheNextRecordArrives()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        const string topic = "non-retriable";
        cluster.CreateTopic(topic);
        using var producer = Producing.Producer(cluster.BootstrapServers);
        await Producing.ProduceAllAsync(producer, topic, [("warm", "up")]);

        // A per-record error: an authorization error would mark the whole topic as failed instead.
        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord);
        var failed = Assert.Single(await Producing.ProduceAllAsync(producer, topic, [("denied", "v")]));
        var next = Assert.Single(await Producing.ProduceAllAsync(producer, topic, [("allowed", "v")]));

        Assert.Equal(ErrorCode.InvalidRecord, failed.Error.Code);
        Assert.Equal(PersistenceStatus.NotPersisted, failed.Status);
        Assert.Equal(PersistenceStatus.Persisted, next.Status);
    }

    [FaultInjectionFact]
    public async Task SlowBroker_DelaysEveryResponseByItsRoundTripTime()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("slow");
        using var producer = Producing.Producer(cluster.BootstrapServers, c => c.LingerMs = 0);
        await Producing.ProduceAllAsync(producer, "slow", [("warm", "up")]);

        cluster.SetBrokerRoundTripTime(1, TimeSpan.FromMilliseconds(400));
        var watch = Stopwatch.StartNew();
        var report = Assert.Single(await Producing.ProduceAllAsync(producer, "slow", [("k", "v")]));
        watch.Stop();

        Assert.Equal(PersistenceStatus.Persisted, report.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(350), $"delivered after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [FaultInjectionFact]
    public async Task LeaderMoves_ProducerFollowsIt_AndNothingIsLost()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        const string topic = "leader-change";
        cluster.CreateTopic(topic);
        using var producer = Producing.Producer(cluster.BootstrapServers);
        await Producing.ProduceAllAsync(producer, topic, Enumerable.Range(0, 50).Select(i => ($"a{i}", "v")));

        for (var broker = 1; broker <= 3; broker++)
        {
            cluster.SetPartitionLeader(topic, 0, broker);
            var reports = await Producing.ProduceAllAsync(producer, topic, Enumerable.Range(0, 50).Select(i => ($"b{broker}-{i}", "v")));
            Assert.All(reports, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        }

        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, topic, expectedCount: 200);
        Assert.Equal(200, records.Select(r => r.KeyText).Distinct().Count());
    }
}
