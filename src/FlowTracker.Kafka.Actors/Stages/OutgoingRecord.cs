using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// One encoded trace (or one part of a split trace) on its way to Kafka; <see cref="ReservedBytes"/> is
/// released when the trace settles, and <see cref="AcceptedAt"/> (a <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp) times its delivery. <see cref="Key"/> and <see cref="Value"/> may lie in a <see cref="RecordSlab"/>
/// shared with other records: read them only until the record's final outcome, which releases it (<see cref="Release"/>).
/// A burst waits as these records: each object more a record is one more for every garbage collection to promote.
/// </summary>
internal sealed record OutgoingRecord(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, long ReservedBytes, long AcceptedAt)
{
    /// <summary>
    /// What holding one record costs beyond its key, value and headers, counted in <see cref="ReservedBytes"/> so
    /// that the byte budget bounds memory, not only payload. Measured with brokers down (the outage benchmark,
    /// 49,000 records of 1.4 KB): about 290 B of the exporter's own (this record, its key array, its place in the
    /// backlog or in flight, Confluent's message and report handler while librdkafka has it), and librdkafka's own
    /// for the message once it is queued there (see <see cref="InFlightRecords"/>). Since then the key moved into
    /// the record's slab and the backlog into one array (about 100 B less a record): kept as the bound it was.
    /// </summary>
    public const int BookkeepingBytes = 288 + InFlightRecords.LibrdkafkaBookkeepingBytes;

    private int _released;

    /// <summary>
    /// A trace the stream's encoding refused (already counted): it passes through the producer stage only so
    /// that its outcome comes out in turn. Never sent.
    /// </summary>
    public static OutgoingRecord Refusal(string traceId, DropReason reason) =>
        new(ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, 0, 0) { Refused = reason, RefusedTraceId = traceId };

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

    /// <summary>The slab <see cref="Value"/> lies in, or <see langword="null"/> when it has an array of its own.</summary>
    public RecordSlab? Slab { get; init; }

    /// <summary>
    /// The record is settled for good: its value's room may be reused. Once only, whoever calls it (a second call
    /// would free room another record is using).
    /// </summary>
    public void Release()
    {
        if (Slab is { } slab && Interlocked.Exchange(ref _released, 1) == 0)
        {
            slab.Release();
        }
    }

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
