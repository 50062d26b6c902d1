using Akka.Event;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The exporter's last line: its final accounting, one message template whose counts are also properties, so that an
/// operator reads where every trace went and a structured sink gets each count as a field.
/// </summary>
internal static class StopSummary
{
    /// <param name="log">The exporter's log.</param>
    /// <param name="stats">The final accounting.</param>
    /// <param name="unreadAtStop">How many of the dropped traces were still waiting for the exporter actor when the stream ended.</param>
    public static void Write(ILoggingAdapter log, ExporterStats stats, long unreadAtStop) =>
        log.Info(
            "FlowTracker Kafka exporter stopped: exported={Exported} delivered={Delivered} dropped={Dropped} [{DroppedByReason}] failed={Failed} [{FailedByError}] "
            + "pending={Pending} restarts={ProducerRestarts} possible-duplicates={PossibleDuplicates} unread-at-stop={UnreadAtStop} producer-failure={ProducerFailure} "
            + "recovered={Recovered} left-in-spool={LeftInSpool}",
            [
                stats.Exported, stats.Delivered, stats.Dropped, ExporterStats.Format(stats.DroppedByReason), stats.Failed, ExporterStats.Format(stats.FailedByError),
                stats.Pending, stats.ProducerRestarts, stats.PossibleDuplicates, unreadAtStop, stats.ProducerFailure ?? "none",
                stats.Recovered, stats.LeftInSpool,
            ]);
}
