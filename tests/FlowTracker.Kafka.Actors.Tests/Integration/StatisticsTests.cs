using Akka.TestKit.Xunit2;
using FlowTracker.Kafka.Actors.Tests.Support;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>StatisticsInterval against a real Kafka-protocol cluster: librdkafka's own reports, published as metrics.</summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class StatisticsTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The README's table of the statistics instruments: kind and unit.</summary>
    private static readonly Dictionary<string, string> Instruments = new()
    {
        [ProducerQueueMessages] = "ObservableUpDownCounter {message}",
        [ProducerQueueBytes] = "ObservableUpDownCounter By",
        [BrokerRttAverage] = "ObservableGauge s",
        [BrokerRttP99] = "ObservableGauge s",
        [BrokerThrottleAverage] = "ObservableGauge s",
        [BrokerRequestsInFlight] = "ObservableUpDownCounter {request}",
        [BrokerRequestsQueued] = "ObservableUpDownCounter {request}",
        [BrokerMessagesQueued] = "ObservableUpDownCounter {message}",
        [BrokerRequestsSent] = "ObservableCounter {request}",
        [BrokerRequestErrors] = "ObservableCounter {request}",
        [BrokerRequestRetries] = "ObservableCounter {request}",
        [BrokerBytesSent] = "ObservableCounter By",
    };

    [Fact]
    public async Task StatisticsInterval_EachBrokersRoundTripRequestsAndBytes_AndTheProducerQueue_AsMetrics()
    {
        var topic = await fixture.NewTopicAsync("statistics");
        using var meter = new MeterCapture(topic);
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => o.StatisticsInterval = TimeSpan.FromMilliseconds(100)));

        // A round-trip time is an average over the last interval: it shows while traces are being sent.
        var exported = 0;
        await AwaitAssertAsync(
            () =>
            {
                exporter.ExportCheckouts("measured", 20, first: exported);
                exported += 20;
                meter.Collect();
                Assert.Contains(meter.Gauges, g => g.Key.StartsWith(BrokerRttAverage + "{", StringComparison.Ordinal) && g.Value is > 0 and < 30);
            },
            Patience,
            TimeSpan.FromMilliseconds(200));
        await AwaitAssertAsync(() => Assert.Equal(exported, exporter.Stats.Delivered), Patience);

        // Once a report after the last delivery is in, nothing is queued any more and every record's bytes were sent.
        await AwaitAssertAsync(
            () =>
            {
                meter.Collect();
                Assert.Equal(0, meter.Value(ProducerQueueMessages));
                Assert.Equal(0, meter.Value(ProducerQueueBytes));
                Assert.True(Sum(meter, BrokerBytesSent) > exported * 100, $"{Sum(meter, BrokerBytesSent)} bytes sent for {exported} traces");
            },
            Patience);

        Assert.All(Instruments, i => Assert.Equal(i.Value, $"{meter.Instruments[i.Key].GetType().Name.Split('`')[0]} {meter.Instruments[i.Key].Unit}"));
        Assert.True(Sum(meter, BrokerRequestsSent) > 0);
        Assert.Equal(0, Sum(meter, BrokerRequestsInFlight));
        var brokers = meter.Series.Where(s => s.Key.StartsWith(BrokerRequestsSent + "{", StringComparison.Ordinal)).Select(s => s.Value.Tags).ToList();
        Assert.NotEmpty(brokers);
        Assert.All(brokers, tags =>
        {
            var (name, id) = ((string)tags[BrokerName]!, (int)tags[BrokerId]!);
            Assert.True(name.EndsWith($"/{id}", StringComparison.Ordinal) || (id == -1 && name.EndsWith("/bootstrap", StringComparison.Ordinal)), $"{name} ({id})");
        });
        Assert.All([BrokerRequestErrors, BrokerRequestRetries, BrokerRequestsQueued, BrokerMessagesQueued], name => Assert.Contains(meter.Series.Keys, k => k.StartsWith(name + "{", StringComparison.Ordinal)));
        Assert.All([BrokerRttP99, BrokerThrottleAverage], name => Assert.Contains(meter.Gauges.Keys, k => k.StartsWith(name + "{", StringComparison.Ordinal)));
        await exporter.StopAsync(Patience);
    }

    private static long Sum(MeterCapture meter, string instrument) =>
        meter.Series.Where(s => s.Key.StartsWith(instrument + "{", StringComparison.Ordinal)).Sum(s => s.Value.Value);
}
