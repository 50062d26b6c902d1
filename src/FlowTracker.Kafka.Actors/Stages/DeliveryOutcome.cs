using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>What became of one record: delivered when <see cref="Error"/> is <see cref="ErrorCode.NoError"/>.</summary>
internal readonly record struct DeliveryOutcome(OutgoingRecord Record, ErrorCode Error)
{
    public bool IsDelivered => Error == ErrorCode.NoError;
}
