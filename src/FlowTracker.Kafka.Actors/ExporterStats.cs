using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's accounting at one moment. Every trace handed to <c>Export</c> is in exactly one
/// bucket: <c>Exported == Delivered + Dropped + Failed + Pending</c>.
/// </summary>
/// <param name="Exported">Traces handed to <c>Export</c>.</param>
/// <param name="Delivered">Traces acknowledged by Kafka.</param>
/// <param name="DroppedByReason">Traces dropped before sending, by reason.</param>
/// <param name="FailedByError">Traces Kafka did not take, by the Kafka error code of their delivery report.</param>
/// <param name="Pending">Traces buffered or in flight, with no outcome yet.</param>
/// <param name="PendingBytes">What the pending traces hold: their records' encoded bytes plus 800 B of bookkeeping each.</param>
public sealed record ExporterStats(
    long Exported,
    long Delivered,
    IReadOnlyDictionary<DropReason, long> DroppedByReason,
    IReadOnlyDictionary<ErrorCode, long> FailedByError,
    long Pending,
    long PendingBytes)
{
    /// <summary>How many times a producer was rebuilt after a fatal error.</summary>
    public long ProducerRestarts { get; init; }

    /// <summary>
    /// Records sent again by a rebuilt producer whose dead predecessor never reported on them: each may be on
    /// the topic twice (delivery is at least once). Counted once per re-send, not in the identity.
    /// </summary>
    public long PossibleDuplicates { get; init; }

    /// <summary>
    /// Traces larger than the record limit that were split into several records (see <see cref="OversizedTraces.Split"/>);
    /// each still counts once in the identity. 0 by default.
    /// </summary>
    public long SplitTraces { get; init; }

    /// <summary>The records the <see cref="SplitTraces"/> became, all together. 0 by default.</summary>
    public long SplitParts { get; init; }

    /// <summary>Spans whose longest tag values were cut to fit a record (see <see cref="OversizedTraces.Truncate"/>). 0 by default.</summary>
    public long TruncatedSpans { get; init; }

    /// <summary>
    /// Why the exporter can no longer send, or <see langword="null"/> while it can: an application's producer
    /// hit a fatal error (the exporter cannot rebuild it), or the restart budget ran out.
    /// </summary>
    public string? ProducerFailure { get; init; }

    /// <summary>Whether librdkafka last reported every broker down, with no delivery since (an owned producer's view).</summary>
    public bool BrokersUnreachable { get; init; }

    /// <summary>When a producer was last rebuilt after a fatal error; <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastProducerRestart { get; init; }

    /// <summary>All dropped traces.</summary>
    public long Dropped => DroppedByReason.Values.Sum();

    /// <summary>All failed traces.</summary>
    public long Failed => FailedByError.Values.Sum();

    /// <summary>Whether every exported trace is in exactly one bucket.</summary>
    public bool IsConsistent => Exported == Delivered + Dropped + Failed + Pending;

    /// <inheritdoc />
    public override string ToString() =>
        $"exported={Exported} delivered={Delivered} dropped={Dropped} [{Format(DroppedByReason)}] failed={Failed} [{Format(FailedByError)}] pending={Pending} ({PendingBytes} bytes) restarts={ProducerRestarts} possible-duplicates={PossibleDuplicates}"
        + (SplitTraces == 0 && TruncatedSpans == 0 ? string.Empty : $" split={SplitTraces} ({SplitParts} parts) truncated-spans={TruncatedSpans}")
        + (ProducerFailure is null ? string.Empty : $" producer-failure=\"{ProducerFailure}\"");

    /// <summary>The non-zero counts as <c>key=count</c>, comma separated.</summary>
    internal static string Format<TKey>(IReadOnlyDictionary<TKey, long> counts)
        where TKey : notnull =>
        string.Join(", ", counts.Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}"));
}
