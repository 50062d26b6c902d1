using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// <see cref="ExporterCounters"/>' counts at one moment, as copied under its lock, which every Export takes: the
/// <see cref="ExporterStats"/> they make, with its dictionaries, is built after it.
/// </summary>
internal readonly record struct AccountingCopy(
    long Exported,
    long Delivered,
    long Pending,
    long PendingBytes,
    long[] Dropped,
    KeyValuePair<ErrorCode, long>[] Failed,
    long Recovered,
    long LeftInSpool,
    long SplitTraces,
    long SplitParts,
    long TruncatedSpans,
    DateTimeOffset? UnreachableSince,
    long Restarts,
    DateTimeOffset? LastRestart,
    long PossibleDuplicates,
    string? ProducerFailure)
{
    /// <param name="spool">The spool's own counts (null: no spool), not part of the identity.</param>
    /// <param name="notSpooled">Traces kept in memory only by the exporter's choice.</param>
    public ExporterStats ToStats(SpoolStats? spool, long notSpooled)
    {
        var byReason = new Dictionary<DropReason, long>(Dropped.Length);
        foreach (var reason in ExporterCounters.Reasons)
        {
            byReason[reason] = Dropped[(int)reason];
        }

        return new ExporterStats(Exported, Delivered, byReason, new Dictionary<ErrorCode, long>(Failed), Pending, PendingBytes)
        {
            Recovered = Recovered,
            LeftInSpool = LeftInSpool,
            Spooled = spool?.Appended ?? 0,
            NotSpooled = spool is null ? 0 : spool.NotSpooled + spool.TooLarge + notSpooled,
            SpoolCorrupt = spool?.Corrupt ?? 0,
            SpoolBytes = spool?.LiveBytes ?? 0,
            SpoolDegraded = spool?.DegradedReason,
            ProducerRestarts = Restarts,
            PossibleDuplicates = PossibleDuplicates,
            SplitTraces = SplitTraces,
            SplitParts = SplitParts,
            TruncatedSpans = TruncatedSpans,
            ProducerFailure = ProducerFailure,
            BrokersUnreachable = UnreachableSince is not null,
            LastProducerRestart = LastRestart,
        };
    }
}
