using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// How one trace ended, as <see cref="KafkaTraceProducer.Flow(KafkaExporterOptions)"/> emits it: delivered (with where it was
/// written), dropped before sending (with its <see cref="DropReason"/>) or failed (with Kafka's error code).
/// Every trace that enters the flow leaves it as exactly one outcome, in the order the outcomes became known
/// (which is not the order of the traces: Kafka reports per partition).
/// </summary>
public sealed record TraceOutcome
{
    internal TraceOutcome(string traceId, TraceOutcomeStatus status, int partition = -1, long offset = -1, DropReason? dropReason = null, ErrorCode? error = null)
    {
        TraceId = traceId;
        Status = status;
        Partition = partition;
        Offset = offset;
        DropReason = dropReason;
        Error = error;
    }

    /// <summary>The trace's id (the record's key); <c>""</c> for a trace dropped because it had none.</summary>
    public string TraceId { get; }

    /// <summary>Delivered, dropped or failed.</summary>
    public TraceOutcomeStatus Status { get; }

    /// <summary>The partition the record was written to; -1 unless <see cref="TraceOutcomeStatus.Delivered"/>.</summary>
    public int Partition { get; }

    /// <summary>The record's offset in <see cref="Partition"/>; -1 unless <see cref="TraceOutcomeStatus.Delivered"/>.</summary>
    public long Offset { get; }

    /// <summary>Why the trace was not sent (or, for <see cref="DropReason.Shutdown"/>, not confirmed before the stop); <see langword="null"/> unless <see cref="TraceOutcomeStatus.Dropped"/>.</summary>
    public DropReason? DropReason { get; }

    /// <summary>Kafka's (or librdkafka's) error code; <see langword="null"/> unless <see cref="TraceOutcomeStatus.Failed"/>.</summary>
    public ErrorCode? Error { get; }
}
