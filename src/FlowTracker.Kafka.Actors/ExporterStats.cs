using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's accounting at one moment. Every trace handed to <c>Export</c>, and every trace an earlier run left in
/// the spool that this one read back, is in exactly one bucket:
/// <c>Exported + Recovered == Delivered + Dropped + Failed + LeftInSpool + Pending</c>. With the spool off,
/// <c>Recovered</c> and <c>LeftInSpool</c> are 0: <c>Exported == Delivered + Dropped + Failed + Pending</c>.
/// </summary>
/// <param name="Exported">Traces handed to <c>Export</c>.</param>
/// <param name="Delivered">Traces acknowledged by Kafka.</param>
/// <param name="DroppedByReason">Traces dropped before sending, by reason.</param>
/// <param name="FailedByError">Traces Kafka did not take, by the Kafka error code of their delivery report.</param>
/// <param name="Pending">Traces buffered, in flight or waiting in the spool, with no outcome yet.</param>
/// <param name="PendingBytes">What the pending traces held in memory hold: their records' encoded bytes plus 800 B of bookkeeping each (with the spool on, not those waiting on disk only).</param>
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

    /// <summary>
    /// Traces an earlier run left in the spool (a crash, or a stop whose flush timeout ran out), read back and sent by
    /// this one, oldest first, before new traces. Each then ends in a bucket like an exported trace.
    /// </summary>
    public long Recovered { get; init; }

    /// <summary>
    /// Traces unconfirmed when this exporter stopped (its flush timeout ran out, or it stopped before reading them back)
    /// that stay in the spool for the next start: neither dropped nor lost. Only traces the spool's last commit made
    /// durable count here (the next start finds exactly these); the others (a commit failed, or the disk stalled past
    /// the stop's bound) are counted as dropped (<c>Shutdown</c>).
    /// </summary>
    public long LeftInSpool { get; init; }

    /// <summary>Accepted traces written to the spool ahead of sending (0 with the spool off). Not a bucket.</summary>
    public long Spooled { get; init; }

    /// <summary>
    /// Accepted traces kept in memory only while the spool was on: it was not working (see <see cref="SpoolDegraded"/>), or a
    /// trace was larger than one page of its log (<c>spool.max-bytes</c> / 32, at most 4 MiB). Not a bucket.
    /// </summary>
    public long NotSpooled { get; init; }

    /// <summary>
    /// Damaged places in the spool skipped when reading it back (a torn tail, a damaged record or stretch of records, a
    /// lost commit record): each place once, however many records it held, since the damage took the lengths that
    /// delimit them; the records lost with it are in no bucket (what an earlier run left, less <see cref="Recovered"/>).
    /// The exporter's warning says how many bytes the backlog's places covered. Not a bucket.
    /// </summary>
    public long SpoolCorrupt { get; init; }

    /// <summary>Bytes the spool holds on disk, from its oldest unconfirmed record to its newest.</summary>
    public long SpoolBytes { get; init; }

    /// <summary>Why the spool stopped writing (a full disk, an unwritable directory): traces are kept in memory only until the exporter restarts. <see langword="null"/> while it works or when it is off.</summary>
    public string? SpoolDegraded { get; init; }

    /// <summary>All dropped traces.</summary>
    public long Dropped => DroppedByReason.Values.Sum();

    /// <summary>All failed traces.</summary>
    public long Failed => FailedByError.Values.Sum();

    /// <summary>Whether every exported (and recovered) trace is in exactly one bucket.</summary>
    public bool IsConsistent => Exported + Recovered == Delivered + Dropped + Failed + LeftInSpool + Pending;

    /// <inheritdoc />
    public override string ToString() =>
        $"exported={Exported} delivered={Delivered} dropped={Dropped} [{Format(DroppedByReason)}] failed={Failed} [{Format(FailedByError)}] pending={Pending} ({PendingBytes} bytes) restarts={ProducerRestarts} possible-duplicates={PossibleDuplicates}"
        + (SplitTraces == 0 && TruncatedSpans == 0 ? string.Empty : $" split={SplitTraces} ({SplitParts} parts) truncated-spans={TruncatedSpans}")
        + (ProducerFailure is null ? string.Empty : $" producer-failure=\"{ProducerFailure}\"")
        + (Spooled + Recovered + LeftInSpool + NotSpooled + SpoolCorrupt == 0 && SpoolDegraded is null
            ? string.Empty
            : $" spool: recovered={Recovered} left-in-spool={LeftInSpool} spooled={Spooled} not-spooled={NotSpooled} corrupt={SpoolCorrupt} bytes={SpoolBytes}"
                + (SpoolDegraded is null ? string.Empty : $" degraded=\"{SpoolDegraded}\""));

    /// <summary>The non-zero counts as <c>key=count</c>, comma separated.</summary>
    internal static string Format<TKey>(IReadOnlyDictionary<TKey, long> counts)
        where TKey : notnull =>
        string.Join(", ", counts.Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}"));
}
