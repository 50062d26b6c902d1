using Confluent.Kafka;
using CsCheck;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>A split trace settles once, with the outcome its parts imply, whatever order and threads they settle in.</summary>
public sealed class TracePartsTests
{
    private static readonly Gen<RecordOutcome> Outcome = Gen.OneOf(
        Gen.Int[0, 5].Select(p => RecordOutcome.Delivery(p, p * 10L)),
        Gen.Const(RecordOutcome.Failure(ErrorCode.Local_MsgTimedOut)),
        Gen.Const(RecordOutcome.Abandoned));

    [Fact]
    public void AnyOrder_ExactlyTheLastPartSettlesTheTrace_WithTheWorstOutcome()
    {
        Gen.Int[1, 8].SelectMany(n => Outcome.Array[n, n].SelectMany(outcomes => Gen.Shuffle(Enumerable.Range(0, n).ToArray()).Select(order => (outcomes, order))))
            .Sample(sample =>
            {
                var (outcomes, order) = sample;
                var parts = new TraceParts(outcomes.Length, 100);
                var ends = order.Select(i => (Settled: parts.Settle(i, outcomes[i], out var trace), Trace: trace)).ToList();

                Assert.Equal(order.Length - 1, ends.FindIndex(e => e.Settled));
                Assert.Equal(1, ends.Count(e => e.Settled));
                var expected = outcomes.Any(o => o.Kind == RecordOutcomeKind.Failed) ? RecordOutcomeKind.Failed
                    : outcomes.Any(o => o.Kind == RecordOutcomeKind.Abandoned) ? RecordOutcomeKind.Abandoned
                    : RecordOutcomeKind.Delivered;
                Assert.Equal(expected, ends[^1].Trace.Kind);
                if (expected == RecordOutcomeKind.Delivered)
                {
                    Assert.Equal(outcomes[0].Partition, ends[^1].Trace.Partition);
                }
            });
    }

    [Fact]
    public void PartsSettledOnManyThreads_TheTraceSettlesExactlyOnce()
    {
        for (var round = 0; round < 200; round++)
        {
            var parts = new TraceParts(64, 100);
            var settled = 0;
            Parallel.For(0, 64, i =>
            {
                if (parts.Settle(i, RecordOutcome.Delivery(0, i), out _))
                {
                    Interlocked.Increment(ref settled);
                }
            });

            Assert.Equal(1, settled);
        }
    }
}
