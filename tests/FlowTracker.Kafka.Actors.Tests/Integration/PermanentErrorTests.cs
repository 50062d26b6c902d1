using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Errors that are permanent for a topic, raised by a real Kafka-protocol cluster: the records fail with
/// their code, the producer is kept, and nothing restarts (before, any broker code thrown by Produce counted
/// as fatal and the producer was rebuilt until the budget ran out, then again after every actor restart).
/// </summary>
public sealed class PermanentErrorTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [FaultInjectionFact]
    public async Task TopicAuthorizationFailed_TracesFailWithThatCode_NoProducerRebuilt_OtherTopicsUnaffected()
    {
        await using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("denied", partitions: 1);
        cluster.SetTopicError("denied", ErrorCode.TopicAuthorizationFailed);
        var created = 0;
        var exporter = KafkaTraceExporter.Create(ExporterOptions.For(cluster.BootstrapServers, "denied", o =>
        {
            o.ProducerConfig!["message.timeout.ms"] = "5000";
            o.RestartMinBackoff = TimeSpan.FromMilliseconds(10);
            o.RestartMaxBackoff = TimeSpan.FromMilliseconds(20);
        }));
        exporter.ProducerCreated = _ => Interlocked.Increment(ref created);
        Sys.ActorOf(exporter.Props, "denied-exporter");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);

        exporter.ExportCheckouts("denied", 50);
        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        exporter.ExportCheckouts("denied-later", 50);
        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        var stats = await exporter.StopAsync(Patience);

        Assert.Equal(100, stats.FailedByError.GetValueOrDefault(ErrorCode.TopicAuthorizationFailed));
        Assert.Equal(0, stats.ProducerRestarts);
        Assert.Null(stats.ProducerFailure);
        Assert.Equal(1, Volatile.Read(ref created));
        Assert.True(stats.IsConsistent, stats.ToString());
    }
}
