// README, "Testing against Kafka without Docker".
using Confluent.Kafka;             // ErrorCode
using FlowTracker.Kafka.Testing;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class TestingSnippet
{
    public static async Task RunAsync(IClient producer)
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic("orders", partitions: 3);
        // ... point your producer at cluster.BootstrapServers ...
        var records = await KafkaTopicReader.ReadAsync(cluster.BootstrapServers, "orders", expectedCount: 100);

        cluster.SetAllBrokersDown();                                  // an outage; SetAllBrokersUp() ends it
        cluster.SetBrokerRoundTripTime(1, TimeSpan.FromMilliseconds(500));  // a slow broker
        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas);  // next Produce fails
        cluster.SetPartitionLeader("orders", 0, brokerId: 2);         // a leader change
        cluster.SetTopicError("orders", ErrorCode.TopicAuthorizationFailed);  // ACLs deny the topic (to producers created after this call)
        EmbeddedKafkaCluster.TriggerFatalError(producer);             // an idempotent producer's fatal error
        _ = records;
    }
}
