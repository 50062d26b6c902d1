using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// One encoded trace (or one part of a split trace) on its way to Kafka; <see cref="ReservedBytes"/> is
/// released when the trace settles, and <see cref="AcceptedAt"/> (a <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp) times its delivery.
/// </summary>
internal sealed record OutgoingRecord(byte[] Key, byte[] Value, long ReservedBytes, long AcceptedAt)
{
    /// <summary>
    /// A trace the stream's encoding refused (already counted): it passes through the producer stage only so
    /// that its outcome comes out in turn. Never sent.
    /// </summary>
    public static OutgoingRecord Refusal(string traceId, DropReason reason) =>
        new([], [], 0, 0) { Refused = reason, RefusedTraceId = traceId };

    /// <summary>Where the record lies in the exporter's spool; <see cref="SpoolId.None"/> when it is kept in memory only.</summary>
    public SpoolId SpoolId { get; init; } = SpoolId.None;

    /// <summary>Whether the record lies in the spool (a split trace's parts never do: they are kept in memory only).</summary>
    public bool IsSpooled => !SpoolId.IsNone;

    /// <summary>Why this is a refusal, not a record; <see langword="null"/> for a record to send.</summary>
    public DropReason? Refused { get; private init; }

    /// <summary>The refused trace's id, for its outcome.</summary>
    public string? RefusedTraceId { get; private init; }

    /// <summary>The trace this record is a part of, when it was split; <see langword="null"/> for a whole trace.</summary>
    public TraceParts? Parts { get; init; }

    /// <summary>Which part (0-based) of <see cref="Parts"/>.</summary>
    public int PartIndex { get; init; }

    /// <summary>
    /// This record's outcome, as the trace's: true, with the trace's outcome and the bytes it reserved, when the
    /// trace is settled by it (a whole trace always; a split one with its last part).
    /// </summary>
    public bool SettlesTrace(RecordOutcome outcome, out RecordOutcome traceOutcome, out long traceBytes)
    {
        if (Parts is not { } parts)
        {
            traceOutcome = outcome;
            traceBytes = ReservedBytes;
            return true;
        }

        traceBytes = parts.Bytes;
        return parts.Settle(PartIndex, outcome, out traceOutcome);
    }
}
