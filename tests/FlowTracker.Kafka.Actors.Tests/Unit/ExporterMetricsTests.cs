using System.Diagnostics;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>What a collection costs the accounting, and what a slow listener costs the producer stage: neither grows with the listener.</summary>
public sealed class ExporterMetricsTests : TestKit
{
    private readonly ExporterCounters _counters = new();

    [Fact]
    public void OneCollection_OneSnapshotOfTheAccounting_WhateverTheNumberOfInstruments()
    {
        var topic = $"snapshot-{Guid.NewGuid():N}";
        using var metrics = new ExporterMetrics(_counters, topic);
        using var meter = new MeterCapture(topic, only: metrics.Meter);
        Assert.True(_counters.TryAccept(10));
        _counters.DropUnaccepted(DropReason.InvalidTrace);

        meter.Collect();
        Assert.Equal(1, metrics.Snapshot.Taken);
        Assert.Equal(2, meter.Value(TracesExported));
        Assert.Equal(1, meter.Value(BufferTraces));

        _counters.Delivered(1, 0);
        meter.Collect();
        Assert.Equal(2, metrics.Snapshot.Taken);
        Assert.Equal(1, meter.Value(TracesDelivered));
        Assert.Equal(1, meter.Value(SentMessages, (MessagingSystem, "kafka"), (OperationName, "send")));
        Assert.Equal(0, meter.Value(BufferTraces));
    }

    [Fact]
    public async Task ListenerBlocked_TheStageNeverWaits_DurationsBeyondTheQueueAreSkippedAndCounted()
    {
        var topic = $"skipped-{Guid.NewGuid():N}";
        using var gate = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var meter = new MeterCapture(topic, onHistogram: (_, _) =>
        {
            blocked.TrySetResult();
            gate.Wait();
        });
        var metrics = new ExporterMetrics(_counters, topic, durationCapacity: 4);
        try
        {
            metrics.Delivered(Stopwatch.GetTimestamp());
            await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // The queue holds 4 while the listener holds the first: the rest is skipped, and each call returns at once.
            for (var i = 0; i < 100; i++)
            {
                metrics.Failed(Stopwatch.GetTimestamp(), ErrorCode.Local_MsgTimedOut);
            }

            meter.Collect();
            Assert.Equal(96, meter.Value(SkippedMeasurements));
        }
        finally
        {
            gate.Set();
        }

        await AwaitAssertAsync(() => Assert.Equal(5, meter.Histogram.Count), TimeSpan.FromSeconds(10));
        metrics.Dispose();
        Assert.Equal(4, meter.Histogram.Count(m => m.Tags.GetValueOrDefault(ErrorType) as string == nameof(ErrorCode.Local_MsgTimedOut)));
    }
}
