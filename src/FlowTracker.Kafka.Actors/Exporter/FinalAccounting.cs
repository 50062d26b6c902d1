using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// The exporter's final accounting, taken once at its end (<see cref="ExporterLifetime"/>): what a failed stream left is
/// settled, the spool takes nothing more, and every trace still pending is counted as the accounting is sealed.
/// </summary>
internal static class FinalAccounting
{
    /// <param name="counters">The exporter's accounting.</param>
    /// <param name="spool">The spool, when it is on.</param>
    /// <param name="ledger">The exporter's ledger; there is one whenever there are <paramref name="orphans"/>.</param>
    /// <param name="orphans">What failed streams left and no stream took.</param>
    /// <param name="log">The exporter's log: says what the spool's last commit did not make durable.</param>
    /// <param name="unread">How many traces were still pending: the stream never took them.</param>
    public static ExporterStats Take(ExporterCounters counters, ExporterSpool? spool, DeliveryLedger? ledger, List<OutgoingRecord> orphans, ILoggingAdapter log, out long unread)
    {
        counters.CloseIntake();
        spool?.StopFeeding();
        foreach (var record in orphans)
        {
            // No producer will send it in this run; the next start will if it is in the spool (left there, not failed).
            ledger!.Settle(record, record.IsSpooled ? RecordOutcome.Abandoned : RecordOutcome.Failure(ErrorCode.Local_Fatal));
        }

        // What is still pending never reached the stream (the actor's mailbox, dead letters on their way): no
        // producer will send it. Counted now rather than after a wait for a busy or stuck actor, so the stop
        // stays bounded by the flush deadline and its accounting is exact. Nothing is appended to the spool after
        // this: a trace counted as dropped must not also be recovered by the next start.
        // Then the spool's last commit (bounded): a trace is left in the spool only if the next start will find it there.
        spool?.CloseAppends();
        unread = counters.Seal(spool?.CommitFinal());
        var stats = counters.Snapshot();
        if (counters.NotDurable is > 0 and var lost)
        {
            log.Warning(
                "FlowTracker Kafka exporter: {NotDurable} trace(s) unconfirmed at the stop were not durably in the spool (its last commit failed or did not end; the next start will not find them): "
                + "counted as dropped (Shutdown); {LeftInSpool} stay in the spool for the next start (counted as left in spool).",
                lost,
                stats.LeftInSpool);
        }

        return stats;
    }
}
