namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// How the producer sink fails: the cause, for the exporter actor's parent, and the records it still held,
/// which the exporter's next stream sends so that a failure loses nothing.
/// </summary>
internal sealed class ProducerStageFailure(Exception cause, IReadOnlyList<OutgoingRecord> unsettled)
    : Exception(cause.Message, cause)
{
    public IReadOnlyList<OutgoingRecord> Unsettled { get; } = unsettled;
}
