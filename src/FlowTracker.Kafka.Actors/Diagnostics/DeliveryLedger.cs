using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Stages;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Where the producer stage settles each record and reports on its producer: the counters, the
/// rate-limited delivery and producer error logs, and the log lines an operator needs when brokers
/// come back or a producer dies.
/// </summary>
/// <remarks>Called from the stage's thread only; the counters it shares with others have their own lock.</remarks>
internal sealed class DeliveryLedger(ExporterCounters counters, ExporterMetrics metrics, ILoggingAdapter log, string topic, TimeProvider time)
{
    private readonly RateLimitedErrorLog _errors = RateLimitedErrorLog.ForDeliveries(log, topic, time);
    private readonly RateLimitedErrorLog _producerErrors = RateLimitedErrorLog.ForProducerErrors(log, time);
    private long _producerErrorsSinceUnreachable;
    private int _leftInSpool;

    public void Delivered(OutgoingRecord record)
    {
        var unreachableSince = counters.Delivered(record.ReservedBytes);
        metrics.Delivered(record.AcceptedAt);
        if (unreachableSince is { } since)
        {
            BrokersReachableAgain(since);
        }
    }

    public void InFlight(int records) => counters.SetInFlight(records);

    public void BrokersUnreachable()
    {
        if (counters.BrokersUnreachable(time.GetUtcNow()))
        {
            _producerErrorsSinceUnreachable = 0;
        }
    }

    /// <summary>
    /// A non-fatal error event of the producer (brokers down, timeouts, refused connections): librdkafka
    /// retries on its own, so this is for the operator, at most one line per interval.
    /// </summary>
    public void ProducerError(Error error)
    {
        if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            BrokersUnreachable();
        }

        _producerErrorsSinceUnreachable++;
        _producerErrors.Failed(error.Code, error.Reason);
    }

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

    /// <summary>A record whose outcome was unknown when the exporter stopped: a spooled one stays in the spool for the next start.</summary>
    public void Abandoned(OutgoingRecord record)
    {
        counters.Unsent(record);
        if (!record.SpoolId.IsNone)
        {
            _leftInSpool++;
        }
    }

    public void ProducerStarted() => counters.ProducerFailure(null);

    public void ProducerRestarting(Error error, int restart, int maxRestarts, TimeSpan delay)
    {
        counters.ProducerRestarted(time.GetUtcNow());
        log.Warning(
            "FlowTracker Kafka exporter: the producer hit fatal error {0} ({1}); a new producer starts in {2:0.###} s (restart {3} of at most {4} within the window).",
            error.Code, error.Reason, delay.TotalSeconds, restart, maxRestarts);
    }

    /// <summary>A new producer sends first what its dead predecessor never confirmed; some of it may already be on the topic.</summary>
    public void Resent(int records, int possiblyWritten)
    {
        if (records > 0)
        {
            counters.Resent(possiblyWritten);
            log.Warning(
                "FlowTracker Kafka exporter: re-sending {0} record(s) the dead producer never confirmed; {1} of them may appear twice on topic {2}.",
                records, possiblyWritten, topic);
        }
    }

    /// <summary>
    /// The restart budget is spent: a new stream waits this long before it builds a producer, which counts as a
    /// restart. Debug only: the supervision that started this stream has logged the failure, one line per attempt.
    /// </summary>
    public void ProducerStartDelayed(TimeSpan delay)
    {
        counters.ProducerRestarted(time.GetUtcNow());
        log.Debug("FlowTracker Kafka exporter: the producer's restart budget is spent; the next producer is built in {0:0.###} s.", delay.TotalSeconds);
    }

    /// <summary>Records still unconfirmed at the flush deadline, already counted one by one as <see cref="Abandoned"/>.</summary>
    public void AbandonedAtDeadline(int records, TimeSpan flushTimeout)
    {
        log.Warning(
            "FlowTracker Kafka exporter: {0} record(s) were still unconfirmed when the flush deadline ({1} after stop was asked) passed; {2}.",
            records,
            flushTimeout,
            _leftInSpool == 0 ? "counted as dropped (Shutdown)"
            : _leftInSpool == records ? "they stay in the spool for the next start (counted as left in spool)"
            : $"{_leftInSpool} stay in the spool for the next start (counted as left in spool), the others are counted as dropped (Shutdown)");
        _leftInSpool = 0;
    }

    /// <summary>Records that waited longer than a producer may take to report: the producer reports nothing.</summary>
    public void ReportsMissing(int records, TimeSpan timeout)
    {
        var failure = $"{records} record(s) got no delivery report within {timeout} (librdkafka reports every record within message.timeout.ms): the producer does not report deliveries. "
            + "If it is the application's producer, build it with EnableDeliveryReports = true (dotnet.producer.enable.delivery.reports). Those records were failed with Local_MsgTimedOut.";
        counters.ProducerFailure(failure);
        log.Error("FlowTracker Kafka exporter: {0}", failure);
    }

    /// <summary>
    /// The restart budget is spent and the stream fails to the exporter actor's parent. Not logged here: the
    /// parent's supervision logs the failure, whose message says the same; one line per attempt, not two.
    /// </summary>
    public void ProducerGaveUp(string failure) => counters.ProducerFailure(failure);

    public void ProducerDead(string failure)
    {
        counters.ProducerFailure(failure);
        log.Error("FlowTracker Kafka exporter: {0}", failure);
    }

    /// <summary>Writes the delivery failures and producer errors not yet logged.</summary>
    public void FlushErrorLog()
    {
        _producerErrors.Flush();
        _errors.Flush();
    }

    private void BrokersReachableAgain(DateTimeOffset since)
    {
        // The outage's errors read best before the line that ends it, not up to an interval later.
        _producerErrors.Flush();

        // Up to the first delivery report, not the reconnect: an idle exporter learns of the end late.
        log.Info(
            "FlowTracker Kafka exporter: brokers reachable again, a trace was delivered {0:0.#} s after librdkafka reported all brokers down ({1} producer error event(s) since).",
            (time.GetUtcNow() - since).TotalSeconds, _producerErrorsSinceUnreachable);
    }
}
