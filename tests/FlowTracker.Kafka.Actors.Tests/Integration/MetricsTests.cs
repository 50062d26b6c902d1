using System.Diagnostics.Metrics;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>The meter, observed with a MeterListener as OpenTelemetry would: the conventions' names, units and attributes, and values that agree with the stats.</summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class MetricsTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The README's table: every instrument, its kind and unit.</summary>
    private static readonly Dictionary<string, string> Instruments = new()
    {
        [SentMessages] = "ObservableCounter {message}",
        [OperationDuration] = "Histogram s",
        [TracesExported] = "ObservableCounter {trace}",
        [TracesDelivered] = "ObservableCounter {trace}",
        [TracesDropped] = "ObservableCounter {trace}",
        [TracesFailed] = "ObservableCounter {trace}",
        [PossibleDuplicates] = "ObservableCounter {record}",
        [TracesSplit] = "ObservableCounter {trace}",
        [SplitParts] = "ObservableCounter {record}",
        [TruncatedSpans] = "ObservableCounter {span}",
        [ProducerRestarts] = "ObservableCounter {restart}",
        [BufferTraces] = "ObservableUpDownCounter {trace}",
        [BufferBytes] = "ObservableUpDownCounter By",
        [RecordsInFlight] = "ObservableUpDownCounter {record}",
        [SkippedMeasurements] = "ObservableCounter {measurement}",
    };

    private static readonly (string, object)[] Send = [(MessagingSystem, "kafka"), (OperationName, "send")];

    [Fact]
    public async Task EveryInstrument_NamedUnitedAndTaggedByTheConventions_AndAgreesWithTheStats()
    {
        var topic = await fixture.NewTopicAsync("metrics");
        using var meter = new MeterCapture(topic);

        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic));
        exporter.ExportCheckouts("measured", 200);
        exporter.Export(null!);
        await AwaitAssertAsync(() => Assert.Equal(200, exporter.Stats.Delivered), Patience);
        await AwaitAssertAsync(() => Assert.Equal(200, meter.Histogram.Count), Patience);
        meter.Collect();
        var stats = exporter.Stats;

        // Other tests' meters publish under the same name: this exporter's are the ones that measured its topic.
        Assert.All(Instruments, i => Assert.Equal(i.Value, $"{Kind(meter.Instruments[i.Key])} {meter.Instruments[i.Key].Unit}"));
        Assert.Equal(Instruments.Keys.Order(), meter.Series.Keys.Select(k => k[..k.IndexOf('{', StringComparison.Ordinal)]).Concat([OperationDuration, TracesFailed]).Distinct().Order());
        Assert.Equal(ExporterMetrics.DurationBuckets, ((Histogram<double>)meter.Instruments[OperationDuration]).Advice!.HistogramBucketBoundaries);
        Assert.Equal(stats.Delivered, meter.Value(SentMessages, Send));
        Assert.Equal(stats.Exported, meter.Value(TracesExported));
        Assert.Equal(stats.Delivered, meter.Value(TracesDelivered));
        Assert.Equal(1, meter.Value(TracesDropped, (DropReasonAttribute, nameof(DropReason.InvalidTrace))));
        Assert.Equal(0, meter.Value(TracesDropped, (DropReasonAttribute, nameof(DropReason.BufferFull))));
        Assert.Equal(0, meter.Value(PossibleDuplicates));
        Assert.Equal(0, meter.Value(ProducerRestarts));
        Assert.Equal(0, meter.Value(TracesSplit));
        Assert.Equal(0, meter.Value(SplitParts));
        Assert.Equal(0, meter.Value(TruncatedSpans));
        Assert.Equal(0, meter.Value(BufferTraces));
        Assert.Equal(0, meter.Value(BufferBytes));
        Assert.Equal(0, meter.Value(RecordsInFlight));
        Assert.Equal(0, meter.Value(SkippedMeasurements));
        Assert.DoesNotContain(meter.Series.Keys, k => k.StartsWith(TracesFailed, StringComparison.Ordinal) || k.Contains(ErrorType, StringComparison.Ordinal));
        Assert.All(meter.Histogram, m =>
        {
            Assert.Equal(OperationDuration, m.Name);
            Assert.InRange(m.Value, 0, Patience.TotalSeconds);
            Assert.Equal(
                [(DestinationName, topic), (OperationName, "send"), (OperationType, "send"), (MessagingSystem, "kafka")],
                m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value as string)));
        });
        await exporter.StopAsync(Patience);
    }

    [Fact]
    public async Task FailedRecords_ByErrorType_InSentMessagesInFailedAndInTheDuration()
    {
        var topic = $"metrics-failed-{Guid.NewGuid():N}";
        using var meter = new MeterCapture(topic);

        // Nothing listens on port 1: each record fails when message.timeout.ms runs out.
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For("127.0.0.1:1", topic, o => o.ProducerConfig!["message.timeout.ms"] = "500"));
        exporter.ExportCheckouts("timed-out", 20);
        await AwaitAssertAsync(() => Assert.Equal(20, exporter.Stats.FailedByError.GetValueOrDefault(ErrorCode.Local_MsgTimedOut)), Patience);
        await AwaitAssertAsync(() => Assert.Equal(20, meter.Histogram.Count), Patience);
        meter.Collect();

        Assert.Equal(20, meter.Value(SentMessages, [.. Send, (ErrorType, nameof(ErrorCode.Local_MsgTimedOut))]));
        Assert.Equal(0, meter.Value(SentMessages, Send));
        Assert.Equal(20, meter.Value(TracesFailed, (ErrorType, nameof(ErrorCode.Local_MsgTimedOut))));
        Assert.All(meter.Histogram, m =>
        {
            Assert.Equal(nameof(ErrorCode.Local_MsgTimedOut), m.Tags[ErrorType]);
            Assert.InRange(m.Value, 0.4, Patience.TotalSeconds);
        });
        await exporter.StopAsync(Patience);
    }

    [Fact]
    public async Task WhileKafkaCannotBeReached_BufferAndInFlightShowWhatIsWaiting()
    {
        var topic = $"metrics-unreachable-{Guid.NewGuid():N}";
        using var meter = new MeterCapture(topic);

        // Nothing listens on port 1: every record waits in librdkafka.
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For("127.0.0.1:1", topic, o => o.FlushTimeout = TimeSpan.FromSeconds(1)));
        exporter.ExportCheckouts("waiting", 50);

        // In flight is read live, the buffer from the collection's snapshot, taken first: a fast exporter can have put
        // all 50 in flight between the two while the snapshot still saw them accepted but not yet encoded (no bytes).
        await AwaitAssertAsync(
            () =>
            {
                meter.Collect();
                Assert.Equal(50, meter.Value(RecordsInFlight));
                Assert.True(meter.Value(BufferBytes) > 50 * 500, meter.Value(BufferBytes).ToString());
            },
            Patience);
        Assert.Equal(50, meter.Value(BufferTraces));
        await exporter.StopAsync(Patience);
    }

    /// <summary>
    /// Before, the stage recorded each delivery's duration itself: a listener that blocks stopped the settling of
    /// every delivery report. Now the listener blocks only the thread that hands it the durations.
    /// </summary>
    [Fact]
    public async Task ListenerBlockedOnADuration_TheStageStillSettlesEveryDelivery_AndTheDurationsFollowOnceItReturns()
    {
        var topic = await fixture.NewTopicAsync("metrics-blocked");
        using var gate = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var meter = new MeterCapture(topic, onHistogram: (_, _) =>
        {
            blocked.TrySetResult();
            gate.Wait();
        });
        var exporter = KafkaTraceExporter.Start(Sys, ExporterOptions.For(fixture.Cluster.BootstrapServers, topic));

        try
        {
            exporter.ExportCheckouts("first", 1);
            await blocked.Task.WaitAsync(Patience);
            exporter.ExportCheckouts("while-blocked", 500, first: 1);

            await AwaitAssertAsync(() => Assert.Equal(501, exporter.Stats.Delivered), Patience);
            Assert.Empty(meter.Histogram);
        }
        finally
        {
            gate.Set();
        }

        await AwaitAssertAsync(() => Assert.Equal(501, meter.Histogram.Count), Patience);
        await exporter.StopAsync(Patience);
    }

    private static string Kind(Instrument instrument) => instrument.GetType().Name.Split('`')[0];
}
