using System.Collections.Concurrent;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Issue 13: the producer stage as public Akka.Streams building blocks (<see cref="KafkaTraceProducer"/>), against the
/// embedded cluster: every trace comes out as one outcome that agrees with what is on the topic, a fatal error
/// mid-stream loses nothing, a spent restart budget fails the stream with its cause, and the end is bounded.
/// </summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class ProducerStreamTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Flow_EveryTraceOneOutcome_DeliveredWhereTheTopicHasIt_BadTracesDroppedWithTheirReason()
    {
        const int count = 2_000;
        var topic = await fixture.NewTopicAsync("stream-flow", partitions: 4);
        var traces = Enumerable.Range(0, count).Select(i => Traces.Checkout($"flow-{i}"))
            .Append(new Trace { TraceId = " ", Spans = [] })
            .Append(new Trace { TraceId = "flow-too-large", Spans = [new Span { SpanId = "1", Name = new string('x', 200_000) }] });
        var flow = KafkaTraceProducer.Flow(ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => o.MaxMessageBytes = 100_000));

        var (stats, outcomes) = Source.From(traces).ViaMaterialized(flow, Keep.Right).ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both).Run(Sys.Materializer());
        var final = await stats.WaitAsync(Patience);
        var emitted = await outcomes.WaitAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: count);

        Assert.Equal(count + 2, emitted.Count);
        var delivered = emitted.Where(o => o.Status == TraceOutcomeStatus.Delivered).ToDictionary(o => o.TraceId);
        Assert.Equal(count, delivered.Count);
        Assert.Equal(count, records.Count);
        Assert.All(records, r => Assert.Equal((r.Partition, r.Offset), (delivered[r.KeyText!].Partition, delivered[r.KeyText!].Offset)));
        Assert.Contains(emitted, o => o is { Status: TraceOutcomeStatus.Dropped, DropReason: DropReason.InvalidTrace, TraceId: " " });
        Assert.Contains(emitted, o => o is { Status: TraceOutcomeStatus.Dropped, DropReason: DropReason.TooLarge, TraceId: "flow-too-large" });
        Assert.Equal((count + 2L, count, 2L, 0L), (final.Exported, final.Delivered, final.Dropped, final.Pending));
        Assert.True(final.IsConsistent, final.ToString());
    }

    [Fact]
    public async Task Sink_CompletesWithTheFinalAccounting_EveryTraceOnTheTopic()
    {
        const int count = 1_000;
        var topic = await fixture.NewTopicAsync("stream-sink");
        var sink = KafkaTraceProducer.Sink(ExporterOptions.For(fixture.Cluster.BootstrapServers, topic));

        var final = await Source.From(Enumerable.Range(0, count)).Select(i => Traces.Checkout($"sink-{i}")).RunWith(sink, Sys.Materializer()).WaitAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: count);

        Assert.Equal((count, count, 0L), (final.Exported, final.Delivered, final.Pending));
        Assert.Equal(count, records.Select(r => r.KeyText).Distinct().Count());
    }

    [Fact]
    public async Task FatalErrorMidStream_NewProducerSendsWhatTheDeadOneHeld_EveryTraceDeliveredOnce()
    {
        const int count = 10_000;
        var topic = await fixture.NewTopicAsync("stream-fatal", partitions: 8);
        var producers = new ConcurrentQueue<IClient>();
        var restarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flow = KafkaTraceProducer.Flow(
            ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => o.RestartMinBackoff = TimeSpan.FromMilliseconds(100)),
            producer =>
            {
                producers.Enqueue(producer);
                if (producers.Count == 2)
                {
                    restarted.TrySetResult(true);
                }
            });
        var seen = 0;

        // The second half waits for the new producer: a loaded machine could otherwise deliver every trace before the
        // fatal error lands, and the stream would end with nothing to restart for.
        var traces = Source.From(Enumerable.Range(0, count / 2))
            .Concat(Source.FromTask(restarted.Task).SelectMany(_ => Enumerable.Range(count / 2, count - (count / 2))));
        var (stats, outcomes) = traces.Select(i => Traces.Checkout($"fatal-{i}"))
            .ViaMaterialized(flow, Keep.Right)
            .Select(outcome =>
            {
                // The fatal error lands while thousands of traces are held or in flight.
                if (Interlocked.Increment(ref seen) == 500)
                {
                    Assert.True(EmbeddedKafkaCluster.TriggerFatalError(producers.Single()));
                }

                return outcome;
            })
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(Sys.Materializer());
        var final = await stats.WaitAsync(Patience);
        var emitted = await outcomes.WaitAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, idleTimeout: TimeSpan.FromSeconds(2));

        Assert.Equal(2, producers.Count);
        Assert.Equal(1, final.ProducerRestarts);
        Assert.Equal(count, emitted.Count);
        Assert.All(emitted, o => Assert.Equal(TraceOutcomeStatus.Delivered, o.Status));
        Assert.Equal(count, emitted.Select(o => o.TraceId).Distinct().Count());
        Assert.Equal(count, records.Select(r => r.KeyText).Distinct().Count());
        Assert.InRange(records.Count - count, 0, final.PossibleDuplicates);
        Assert.True(final.IsConsistent, final.ToString());
    }

    [Fact]
    public async Task RestartBudgetSpent_StreamFailsWithTheFatalError_AndSoDoesItsAccounting()
    {
        var topic = await fixture.NewTopicAsync("stream-doomed");
        var flow = KafkaTraceProducer.Flow(
            ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o =>
            {
                o.MaxRestarts = 1;
                o.RestartMinBackoff = TimeSpan.FromMilliseconds(50);
                o.RestartRandomFactor = 0;
            }),
            producer => EmbeddedKafkaCluster.TriggerFatalError(producer));

        var (stats, outcomes) = Source.From(Enumerable.Range(0, 10)).Select(i => Traces.Checkout($"doomed-{i}"))
            .ViaMaterialized(flow, Keep.Right)
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(Sys.Materializer());

        var streamFailure = await Assert.ThrowsAsync<KafkaProducerFatalException>(() => outcomes.WaitAsync(Patience));
        var statsFailure = await Assert.ThrowsAsync<KafkaProducerFatalException>(() => stats.WaitAsync(Patience));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, streamFailure.Error.Code);
        Assert.Same(streamFailure, statsFailure);
    }

    [Fact]
    public async Task NoBrokerAnswers_SourceCompletes_EndsWithinTheFlushTimeout_EveryTraceDroppedAsShutdown()
    {
        const int count = 50;
        var flush = TimeSpan.FromSeconds(1);
        var flow = KafkaTraceProducer.Flow(ExporterOptions.For("127.0.0.1:1", "nowhere", o => o.FlushTimeout = flush));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (stats, outcomes) = Source.From(Enumerable.Range(0, count)).Select(i => Traces.Checkout($"stuck-{i}"))
            .ViaMaterialized(flow, Keep.Right)
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(Sys.Materializer());
        var final = await stats.WaitAsync(Patience);
        var emitted = await outcomes.WaitAsync(Patience);

        Assert.InRange(clock.Elapsed, flush, flush + TimeSpan.FromSeconds(5));
        Assert.Equal(count, emitted.Count);
        Assert.All(emitted, o => Assert.Equal((TraceOutcomeStatus.Dropped, DropReason.Shutdown), (o.Status, o.DropReason!.Value)));
        Assert.Equal((count, 0L, (long)count, 0L), (final.Exported, final.Delivered, final.DroppedByReason[DropReason.Shutdown], final.Pending));
    }

    [Fact]
    public async Task NoBrokerAnswers_EndlessSource_StagePullsNoMoreThanMaxBufferedTraces()
    {
        var pulled = 0;
        var flow = KafkaTraceProducer.Flow(ExporterOptions.For("127.0.0.1:1", "nowhere", o =>
        {
            o.MaxBufferedTraces = 500;
            o.FlushTimeout = TimeSpan.FromMilliseconds(200);
        }));

        var ((killSwitch, stats), outcomes) = Source.Repeat(0).Select(_ => Traces.Checkout($"held-{Interlocked.Increment(ref pulled)}"))
            .ViaMaterialized(KillSwitches.Single<Trace>(), Keep.Right)
            .ViaMaterialized(flow, Keep.Both)
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(Sys.Materializer());
        await AwaitAssertAsync(() => Assert.True(Volatile.Read(ref pulled) >= 500), Patience);
        // Give a stage that ignored the bound every chance to show it: the source is endless and nothing is confirmed.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var held = Volatile.Read(ref pulled);
        killSwitch.Shutdown();
        var final = await stats.WaitAsync(Patience);
        await outcomes.WaitAsync(Patience);

        Assert.InRange(held, 500, 600); // the stages in front keep small buffers of their own
        Assert.Equal((final.Exported, 0L), (final.DroppedByReason[DropReason.Shutdown], final.Pending));
    }

    [Fact]
    public async Task DownstreamCancels_WhatWasAcceptedIsStillDelivered_NoMoreIsTaken()
    {
        var topic = await fixture.NewTopicAsync("stream-cancel");
        var flow = KafkaTraceProducer.Flow(ExporterOptions.For(fixture.Cluster.BootstrapServers, topic));

        var (stats, outcomes) = Source.From(Enumerable.Range(0, 100_000)).Select(i => Traces.Checkout($"cancel-{i}"))
            .ViaMaterialized(flow, Keep.Right)
            .Take(10)
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(Sys.Materializer());
        var emitted = await outcomes.WaitAsync(Patience);
        var final = await stats.WaitAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: (int)final.Exported);

        Assert.Equal(10, emitted.Count);
        Assert.InRange(final.Exported, 10, 99_999);
        Assert.Equal((final.Exported, 0L), (final.Delivered, final.Pending));
        Assert.Equal(final.Exported, records.Count);
    }
}
