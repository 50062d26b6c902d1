using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Stages;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Where the producer stage settles each record and reports on its producer: the counters, the
/// rate-limited delivery error log, and the log lines an operator needs when a producer dies.
/// </summary>
internal sealed class DeliveryLedger(ExporterCounters counters, ExporterMetrics metrics, ILoggingAdapter log, string topic, TimeProvider time)
{
    private readonly RateLimitedErrorLog _errors = RateLimitedErrorLog.ForDeliveries(log, topic, time);

    public void Delivered(OutgoingRecord record)
    {
        counters.Delivered(record.ReservedBytes);
        metrics.Delivered(record.AcceptedAt);
    }

    public void InFlight(int records) => counters.SetInFlight(records);

    public void BrokersUnreachable() => counters.BrokersUnreachable();

    public void Failed(ErrorCode error, long reservedBytes)
    {
        // librdkafka uses the broker's MsgSizeTooLarge for its own pre-send size check too.
        if (error == ErrorCode.MsgSizeTooLarge)
        {
            counters.Dropped(DropReason.TooLarge, reservedBytes);
            return;
        }

        counters.Failed(error, reservedBytes);
        _errors.Failed(error);
    }

    /// <summary>A record whose outcome was unknown when the exporter stopped.</summary>
    public void Abandoned(long reservedBytes) => counters.Dropped(DropReason.Shutdown, reservedBytes);

    public void ProducerStarted() => counters.ProducerFailure(null);

    public void ProducerRestarting(Error error, int restart, int maxRestarts, TimeSpan delay)
    {
        counters.ProducerRestarted(time.GetUtcNow());
        log.Warning(
            "FlowTracker Kafka exporter: the producer hit fatal error {0} ({1}); a new producer starts in {2:0.###} s (restart {3} of at most {4} within the window).",
            error.Code, error.Reason, delay.TotalSeconds, restart, maxRestarts);
    }

    public void Resent(int records)
    {
        if (records > 0)
        {
            counters.Resent(records);
            log.Warning("FlowTracker Kafka exporter: re-sending {0} record(s) the dead producer never reported on; each may appear twice on topic {1}.", records, topic);
        }
    }

    public void ProducerDead(string failure)
    {
        counters.ProducerFailure(failure);
        log.Error("FlowTracker Kafka exporter: {0}", failure);
    }

    /// <summary>Writes the delivery failures not yet logged.</summary>
    public void FlushErrorLog() => _errors.Flush();
}
