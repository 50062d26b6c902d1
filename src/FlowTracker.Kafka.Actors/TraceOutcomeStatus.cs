namespace FlowTracker.Kafka.Actors;

/// <summary>The three ends of a trace (see <see cref="TraceOutcome"/>); the same buckets as <see cref="ExporterStats"/>.</summary>
public enum TraceOutcomeStatus
{
    /// <summary>Kafka acknowledged the record.</summary>
    Delivered,

    /// <summary>Not sent, or not confirmed when the stream stopped; <see cref="TraceOutcome.DropReason"/> says why.</summary>
    Dropped,

    /// <summary>Kafka (or librdkafka) refused the record for good; <see cref="TraceOutcome.Error"/> says why.</summary>
    Failed,
}
