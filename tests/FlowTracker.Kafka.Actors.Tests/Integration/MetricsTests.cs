using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.TestKit.Xunit2;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>The meter, observed with a MeterListener as OpenTelemetry would, agrees with the stats.</summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class MetricsTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MeterListener_SeesTheSameCountsAsTheStats_AndOneDeliveryDurationPerDeliveredTrace()
    {
        var topic = await fixture.NewTopicAsync("metrics");
        var observed = new ConcurrentDictionary<string, long>();
        var durations = new ConcurrentBag<double>();
        using var listener = ListenToTheExporterMeter();
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (TagOf(tags, "messaging.destination.name") == topic)
            {
                var detail = TagOf(tags, "reason") ?? TagOf(tags, "error.type");
                observed[detail is null ? instrument.Name : $"{instrument.Name}[{detail}]"] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (TagOf(tags, "messaging.destination.name") == topic)
            {
                durations.Add(value);
            }
        });
        listener.Start();

        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic));
        exporter.ExportCheckouts("measured", 200);
        exporter.Export(null!);
        await AwaitAssertAsync(() => Assert.Equal(200, exporter.Stats.Delivered), Patience);
        listener.RecordObservableInstruments();
        var stats = exporter.Stats;

        Assert.Equal(stats.Exported, observed["flowtracker.kafka.traces.exported"]);
        Assert.Equal(stats.Delivered, observed["flowtracker.kafka.traces.delivered"]);
        Assert.Equal(1, observed["flowtracker.kafka.traces.dropped[InvalidTrace]"]);
        Assert.Equal(0, observed["flowtracker.kafka.traces.dropped[BufferFull]"]);
        Assert.Equal(0, observed["flowtracker.kafka.producer.restarts"]);
        Assert.Equal(0, observed["flowtracker.kafka.buffer.traces"]);
        Assert.Equal(0, observed["flowtracker.kafka.buffer.bytes"]);
        Assert.Equal(0, observed["flowtracker.kafka.records.in_flight"]);
        Assert.Equal(200, durations.Count);
        Assert.All(durations, d => Assert.InRange(d, 0, Patience.TotalMilliseconds));
        await exporter.StopAsync(Patience);
    }

    [Fact]
    public async Task WhileKafkaCannotBeReached_BufferAndInFlightShowWhatIsWaiting()
    {
        var topic = $"metrics-unreachable-{Guid.NewGuid():N}";
        var observed = new ConcurrentDictionary<string, long>();
        using var listener = ListenToTheExporterMeter();
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (TagOf(tags, "messaging.destination.name") == topic)
            {
                observed[instrument.Name] = value;
            }
        });
        listener.Start();

        // Nothing listens on port 1: every record waits in librdkafka.
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For("127.0.0.1:1", topic, o => o.FlushTimeout = TimeSpan.FromSeconds(1)));
        exporter.ExportCheckouts("waiting", 50);

        await AwaitAssertAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                Assert.Equal(50, observed.GetValueOrDefault("flowtracker.kafka.records.in_flight"));
            },
            Patience);
        Assert.Equal(50, observed["flowtracker.kafka.buffer.traces"]);
        Assert.True(observed["flowtracker.kafka.buffer.bytes"] > 50 * 500, observed["flowtracker.kafka.buffer.bytes"].ToString());
        await exporter.StopAsync(Patience);
    }

    private static MeterListener ListenToTheExporterMeter() => new()
    {
        InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KafkaExporterMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        },
    };

    private static string? TagOf(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
