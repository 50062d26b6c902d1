using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>How a record ended.</summary>
internal enum RecordOutcomeKind : byte
{
    /// <summary>Kafka acknowledged it.</summary>
    Delivered,

    /// <summary>Kafka (or librdkafka) refused it for good, with <see cref="RecordOutcome.Error"/>.</summary>
    Failed,

    /// <summary>
    /// Not confirmed, and never will be: unconfirmed when the stage stopped (the flush deadline, or a stop from
    /// outside: it may or may not be on the topic), or never sent; <see cref="RecordOutcome.Reason"/> says which.
    /// </summary>
    Abandoned,
}

/// <summary>A record's final outcome; for a delivered one, where it was written.</summary>
internal readonly record struct RecordOutcome(RecordOutcomeKind Kind, ErrorCode Error, int Partition = -1, long Offset = -1, DropReason Reason = DropReason.Shutdown)
{
    public static RecordOutcome Abandoned { get; } = new(RecordOutcomeKind.Abandoned, ErrorCode.NoError);

    public static RecordOutcome Dropped(DropReason reason) => new(RecordOutcomeKind.Abandoned, ErrorCode.NoError, Reason: reason);

    public static RecordOutcome Delivery(int partition, long offset) => new(RecordOutcomeKind.Delivered, ErrorCode.NoError, partition, offset);

    /// <summary>
    /// Refused for good with <paramref name="error"/>; <c>MsgSizeTooLarge</c> (librdkafka's own size check at Produce, or
    /// the broker's) is the trace being too large, as the encoder's refusal is: dropped (<c>TooLarge</c>), in the stats and
    /// in a stream's outcome alike.
    /// </summary>
    public static RecordOutcome Failure(ErrorCode error) =>
        error == ErrorCode.MsgSizeTooLarge ? Dropped(DropReason.TooLarge) : new(RecordOutcomeKind.Failed, error);
}
