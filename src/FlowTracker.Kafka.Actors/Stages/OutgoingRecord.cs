using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// One encoded trace on its way to Kafka; <see cref="ReservedBytes"/> is released when it settles, and
/// <see cref="AcceptedAt"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) times its delivery.
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

    /// <summary>Why this is a refusal, not a record; <see langword="null"/> for a record to send.</summary>
    public DropReason? Refused { get; private init; }

    /// <summary>The refused trace's id, for its outcome.</summary>
    public string? RefusedTraceId { get; private init; }
}
