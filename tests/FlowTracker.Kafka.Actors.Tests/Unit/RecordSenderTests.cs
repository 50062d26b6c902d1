using Akka.Streams.Supervision;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Kafka.Actors.Tests.Support;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>The producer stage's state machine in the orderings and errors that broke it before, one by one.</summary>
public sealed class RecordSenderTests : IDisposable
{
    private static readonly RestartBackoffSettings Restart = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), 0, 100, TimeSpan.FromMinutes(5));

    private ScriptedKafka? _kafka;

    public void Dispose() => _kafka?.Metrics.Dispose();

    [Fact]
    public void PurgeReportsBeforeTheFatalErrorEvent_RecordsHeldAndSentByTheNextProducer_NoneFailed()
    {
        var kafka = Started();
        Offer(kafka, 3);
        kafka.Fatal();

        // librdkafka's order is error event first; deliver the purges first, as two separate callbacks could.
        DeliverInOrder(kafka, lastFirst: true);
        kafka.FireRestart();
        kafka.RunToCompletion(new Random(1));

        AssertAll(kafka, RecordOutcomeKind.Delivered);
        Assert.Equal(1, kafka.Counters.Snapshot().ProducerRestarts);
    }

    [Fact]
    public void OutOfOrderSequenceReportOfTheFatalBatch_BeforeTheErrorEvent_RecordSentAgain_CountedAsPossibleDuplicate()
    {
        var kafka = Started();
        Offer(kafka, 1);
        kafka.Transmit(0);
        kafka.Fatal();
        kafka.Acknowledge(0, desynchronised: true);
        DeliverInOrder(kafka, lastFirst: true);
        kafka.FireRestart();
        kafka.RunToCompletion(new Random(1));

        AssertAll(kafka, RecordOutcomeKind.Delivered);
        Assert.Equal(1, kafka.Counters.Snapshot().PossibleDuplicates);
    }

    [Theory]
    [InlineData(ErrorCode.TopicAuthorizationFailed)]
    [InlineData(ErrorCode.TopicException)]
    [InlineData(ErrorCode.Local_UnknownTopic)]
    public void ProduceRefusesForTheTopicOrRecord_ThatRecordFailsWithItsCode_ProducerKept(ErrorCode code)
    {
        var kafka = Started();
        kafka.Refusal = new Error(code);
        Offer(kafka, 2);

        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(RecordOutcomeKind.Failed, o.Single().Kind));
        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(code, o.Single().Error));
        Assert.Single(kafka.Producers);
        Assert.Null(kafka.RestartDue);
        Assert.Equal(0, kafka.Counters.Snapshot().ProducerRestarts);
    }

    [Fact]
    public void ProduceRefusesAsTooLarge_ThatRecordIsDroppedTooLarge_NotFailed_ProducerKept()
    {
        var kafka = Started();
        kafka.Refusal = new Error(ErrorCode.MsgSizeTooLarge);
        Offer(kafka, 2);

        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(RecordOutcome.Dropped(DropReason.TooLarge), o.Single()));
        var stats = kafka.Counters.Snapshot();
        Assert.Equal((2L, 0L), (stats.DroppedByReason.GetValueOrDefault(DropReason.TooLarge), stats.Failed));
        Assert.Single(kafka.Producers);
        Assert.Null(kafka.RestartDue);
    }

    [Fact]
    public void ProduceRefusesWithAFatalStatesBrokerCode_ProducerRebuilt_RecordKept()
    {
        var kafka = Started();
        kafka.Refusal = new Error(ErrorCode.InvalidProducerEpoch);
        Offer(kafka, 1);

        Assert.Empty(kafka.Outcomes);
        Assert.NotNull(kafka.RestartDue);
        kafka.Refusal = null;
        kafka.FireRestart();
        kafka.RunToCompletion(new Random(1));

        AssertAll(kafka, RecordOutcomeKind.Delivered);
        Assert.Equal(2, kafka.Producers.Count);
    }

    [Fact]
    public void DeciderStopsOnAuthorizationFailure_TheSenderFails_HandingTheRecordBack()
    {
        Decider decider = cause => cause is KafkaException { Error.Code: ErrorCode.TopicAuthorizationFailed } ? Directive.Stop : ProducerDecider.Default(cause);
        var kafka = Started(decider: decider);
        kafka.Refusal = new Error(ErrorCode.TopicAuthorizationFailed);
        Offer(kafka, 1);

        Assert.Empty(kafka.Outcomes);
        Assert.Single(kafka.Failure!.Unsettled);
        Assert.True(kafka.Sender.HasEnded);
    }

    [Fact]
    public void ApplicationProducerDies_NotRebuilt_EveryRecordFailsWithLocalFatal_AndSaysWhy()
    {
        var kafka = Started(owned: false);
        Offer(kafka, 2);
        kafka.Fatal();
        kafka.RunToCompletion(new Random(1));
        kafka.Sender.Offer(new OutgoingRecord(new byte[] { 1 }, new byte[] { 1 }, 0, 0));

        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(RecordOutcome.Failure(ErrorCode.Local_Fatal), o.Single()));
        Assert.Single(kafka.Producers);
        Assert.Contains("application's producer", kafka.Counters.Snapshot().ProducerFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationDisposesItsProducer_WhatIsInFlightAndQueuedFailsWithLocalDestroy_AtTheNextCheck()
    {
        var kafka = Started(owned: false);
        Offer(kafka, 3);
        kafka.Transmit(0);
        kafka.Unusable = "the application disposed its producer";

        kafka.Sender.CheckOverdueReports(kafka.Time.GetTimestamp());

        Assert.Equal(3, kafka.Outcomes.Count);
        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(RecordOutcome.Failure(ErrorCode.Local_Destroy), o.Single()));
        Assert.Contains("disposed", kafka.Counters.Snapshot().ProducerFailure, StringComparison.Ordinal);
        Assert.Equal(0, kafka.Counters.Snapshot().Pending);
    }

    [Fact]
    public void ProducerThatNeverReports_RecordsFailAfterTheReportTimeout_AndTheStatsSayHowToFixIt()
    {
        var kafka = Started();
        Offer(kafka, 2);
        kafka.Transmit(0);

        kafka.Time.Advance(TimeSpan.FromMinutes(5));
        kafka.Sender.CheckOverdueReports(kafka.Time.GetTimestamp());
        Assert.Empty(kafka.Outcomes);

        kafka.Time.Advance(TimeSpan.FromMinutes(2));
        kafka.Sender.CheckOverdueReports(kafka.Time.GetTimestamp());

        Assert.Equal(2, kafka.Outcomes.Count);
        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(RecordOutcome.Failure(ErrorCode.Local_MsgTimedOut), o.Single()));
        Assert.Contains("EnableDeliveryReports = true", kafka.Counters.Snapshot().ProducerFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void DeadlinePassesWhileAProducerIsBeingRebuilt_EverythingCountedAbandoned_AndTheSenderEnds()
    {
        var kafka = Started();
        Offer(kafka, 4);
        kafka.Transmit(0);
        kafka.Fatal();
        DeliverInOrder(kafka, lastFirst: false);
        Assert.NotNull(kafka.RestartDue);

        kafka.Sender.RequestStop(TimeSpan.FromSeconds(1));
        kafka.FireDeadline();

        Assert.True(kafka.Completed);
        AssertAll(kafka, RecordOutcomeKind.Abandoned);
        Assert.Equal(4, kafka.Counters.Snapshot().DroppedByReason[DropReason.Shutdown]);
    }

    [Fact]
    public void QueueFull_IsBackpressure_TheRecordWaitsAndIsSentWhenThereIsRoom()
    {
        var kafka = Started(capacity: 1);
        Offer(kafka, 3);
        Assert.True(kafka.QueueFullRetryDue);
        Assert.Empty(kafka.Outcomes);

        kafka.RunToCompletion(new Random(1));

        AssertAll(kafka, RecordOutcomeKind.Delivered);
    }

    [Fact]
    public void LibrdkafkasQueueAtItsBytes_BookkeepingIncluded_RecordsWaitInTheBacklogUntilReportsMakeRoom()
    {
        // Room for two records of "rN" + 3 bytes, each with librdkafka's bookkeeping; librdkafka itself would take 8.
        var cost = 2 + 3 + RecordHeaders.Size + InFlightRecords.LibrdkafkaBookkeepingBytes;
        _kafka = new ScriptedKafka(Restart, producerCapacity: 8, maxInFlightBytes: (2 * cost) + (cost / 2));
        var kafka = _kafka;
        kafka.Start();
        Offer(kafka, 5);
        Assert.Equal(2, kafka.Live!.Queued.Count);
        Assert.False(kafka.QueueFullRetryDue);

        kafka.Transmit(0);
        kafka.Acknowledge(0);
        DeliverInOrder(kafka, lastFirst: false);
        Assert.Equal(2, kafka.Live!.Queued.Count);
        Assert.Single(kafka.Outcomes);

        kafka.RunToCompletion(new Random(1));
        AssertAll(kafka, RecordOutcomeKind.Delivered);
    }

    private static void Offer(ScriptedKafka kafka, int count)
    {
        for (var i = 0; i < count; i++)
        {
            kafka.Offer();
        }
    }

    /// <summary>Delivers every raised event, oldest first or newest first, then lets the stage drain.</summary>
    private static void DeliverInOrder(ScriptedKafka kafka, bool lastFirst)
    {
        while (kafka.PendingEvents > 0)
        {
            kafka.Deliver(lastFirst ? kafka.PendingEvents - 1 : 0);
        }

        kafka.Drain();
    }

    private static void AssertAll(ScriptedKafka kafka, RecordOutcomeKind kind)
    {
        Assert.Equal(kafka.Offered.Keys.Order(), kafka.Outcomes.Keys.Order());
        Assert.All(kafka.Outcomes.Values, o => Assert.Equal(kind, o.Single().Kind));
        var stats = kafka.Counters.Snapshot();
        Assert.Equal(0, stats.Pending);
        Assert.True(stats.Exported == stats.Delivered + stats.Dropped + stats.Failed, stats.ToString());
    }

    private ScriptedKafka Started(bool owned = true, int capacity = 8, Decider? decider = null)
    {
        _kafka = new ScriptedKafka(Restart, producerCapacity: capacity, owned: owned, decider: decider);
        _kafka.Start();
        return _kafka;
    }
}
