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
/// <remarks>Called from the stage's thread, except <see cref="Settle"/> for records the stage never took (the lifetime settles those); the counters it shares with others have their own lock.</remarks>
internal sealed class DeliveryLedger(ExporterCounters counters, ExporterMetrics metrics, ILoggingAdapter log, string topic, TimeProvider time)
{
    private const string LogPrefix = "FlowTracker Kafka exporter: ";

    private const string ReportsMissingTemplate =
        "{Records} record(s) got no delivery report within {ReportTimeout} (librdkafka reports every record within message.timeout.ms): the producer does not report deliveries. "
        + "If it is the application's producer, build it with EnableDeliveryReports = true (dotnet.producer.enable.delivery.reports). Those records were failed with Local_MsgTimedOut.";

    private readonly RateLimitedErrorLog _errors = RateLimitedErrorLog.ForDeliveries(log, topic, time);
    private readonly RateLimitedErrorLog _producerErrors = RateLimitedErrorLog.ForProducerErrors(log, time);
    private long _producerErrorsSinceUnreachable;
    private int _leftInSpool;
    private bool _batching;
    private long _batchedDeliveries;
    private long _batchedBytes;

    public void Delivered(OutgoingRecord record) => Delivered(record.ReservedBytes, record.AcceptedAt);

    /// <summary>
    /// A record's final outcome, counted as its trace's: at once for a whole trace, with the last part for a split
    /// one. Returns the trace's outcome when this record settled its trace, otherwise null.
    /// </summary>
    public RecordOutcome? Settle(OutgoingRecord record, RecordOutcome outcome)
    {
        var trace = Count(record, outcome);

        // Its final outcome: nothing reads its key or value any more.
        record.Release();
        return trace;
    }

    /// <summary>
    /// <see cref="Settle"/>'s accounting, leaving the record's room (its key and value) to the caller to release once it
    /// has read what it needs: the producer stage names the trace of an outcome by its key.
    /// </summary>
    public RecordOutcome? Count(OutgoingRecord record, RecordOutcome outcome)
    {
        if (!record.SettlesTrace(outcome, out var trace, out var bytes))
        {
            return null;
        }

        switch (trace.Kind)
        {
            case RecordOutcomeKind.Delivered:
                Delivered(bytes, record.AcceptedAt);
                break;
            case RecordOutcomeKind.Failed:
                Failed(trace.Error, bytes, record.AcceptedAt);
                break;
            case RecordOutcomeKind.Abandoned when trace.Reason == DropReason.Shutdown && record.IsSpooled:
                // Unconfirmed at the stop: it stays in the spool for the next start (a spooled record is never a part).
                counters.LeftInSpool(bytes, record.SpoolId);
                Interlocked.Increment(ref _leftInSpool); // the lifetime settles carried-over records on its own thread
                break;
            default:
                counters.Dropped(trace.Reason, bytes);
                break;
        }

        return trace;
    }

    /// <summary>
    /// The stage's thread, around one drain of the producer's reports: the deliveries counted until
    /// <see cref="EndReports"/> reach the shared counters in one step. Every trace of a burst takes the counters' lock
    /// at the caller and at the actor too; one more per delivery on the stage's thread was most of the lock's contention.
    /// </summary>
    public void BeginReports() => _batching = true;

    /// <summary>
    /// Called (the stage's thread) once deliveries were counted and their bytes given back: the spool's reader waits for
    /// that room, and a wake-up per record settled would come before the room, with the drain's deliveries counted at its end.
    /// </summary>
    public Action? DeliveriesCounted { get; set; }

    /// <summary>Counts the deliveries since <see cref="BeginReports"/>: until now a snapshot saw them pending, never twice or not at all.</summary>
    public void EndReports()
    {
        _batching = false;
        if (_batchedDeliveries == 0)
        {
            return;
        }

        var unreachableSince = counters.Delivered(_batchedDeliveries, _batchedBytes);
        _batchedDeliveries = 0;
        _batchedBytes = 0;
        DeliveriesCounted?.Invoke();
        if (unreachableSince is { } since)
        {
            BrokersReachableAgain(since);
        }
    }

    private void Delivered(long reservedBytes, long acceptedAt)
    {
        metrics.Delivered(acceptedAt);
        if (_batching)
        {
            _batchedDeliveries++;
            _batchedBytes += reservedBytes;
            return;
        }

        var unreachable = counters.Delivered(1, reservedBytes);
        DeliveriesCounted?.Invoke();
        if (unreachable is { } since)
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

    public void Failed(ErrorCode error, long reservedBytes, long acceptedAt)
    {
        counters.Failed(error, reservedBytes);
        metrics.Failed(acceptedAt, error);
        _errors.Failed(error);
    }

    public void ProducerStarted() => counters.Producer.SetFailure(null);

    public void ProducerRestarting(Error error, int restart, int maxRestarts, TimeSpan delay)
    {
        counters.Producer.Restarted(time.GetUtcNow());
        log.Warning(
            "FlowTracker Kafka exporter: the producer hit fatal error {ErrorCode} ({ErrorReason}); a new producer starts in {DelaySeconds:0.###} s (restart {Restart} of at most {MaxRestarts} within the window).",
            error.Code, error.Reason, delay.TotalSeconds, restart, maxRestarts);
    }

    /// <summary>A new producer sends first what its dead predecessor never confirmed; some of it may already be on the topic.</summary>
    public void Resent(int records, int possiblyWritten)
    {
        if (records > 0)
        {
            counters.Producer.Resent(possiblyWritten);
            log.Warning(
                "FlowTracker Kafka exporter: re-sending {Records} record(s) the dead producer never confirmed; {PossibleDuplicates} of them may appear twice on topic {Topic}.",
                records, possiblyWritten, topic);
        }
    }

    /// <summary>
    /// The restart budget is spent: a new stream waits this long before it builds a producer, which counts as a
    /// restart. Debug only: the supervision that started this stream has logged the failure, one line per attempt.
    /// </summary>
    public void ProducerStartDelayed(TimeSpan delay)
    {
        counters.Producer.Restarted(time.GetUtcNow());
        log.Debug("FlowTracker Kafka exporter: the producer's restart budget is spent; the next producer is built in {DelaySeconds:0.###} s.", delay.TotalSeconds);
    }

    /// <summary>Records still unconfirmed at the flush deadline, already counted one by one through <see cref="Settle"/>.</summary>
    public void AbandonedAtDeadline(int records, TimeSpan flushTimeout)
    {
        var leftInSpool = Interlocked.Exchange(ref _leftInSpool, 0);
        log.Warning(
            "FlowTracker Kafka exporter: {Records} record(s) were still unconfirmed when the flush deadline ({FlushTimeout} after stop was asked) passed; {Where}.",
            records,
            flushTimeout,
            (leftInSpool == 0 ? "counted as dropped (Shutdown)"
            : leftInSpool == records ? "they are to stay in the spool for the next start (counted as left in spool)"
            : $"{leftInSpool} are to stay in the spool for the next start (counted as left in spool), the others are counted as dropped (Shutdown)")
            + (leftInSpool == 0 ? string.Empty : ", if the spool's last commit makes them durable (a warning at the end counts any it did not as dropped instead)"));
    }

    /// <summary>Records that waited longer than a producer may take to report: the producer reports nothing.</summary>
    public void ReportsMissing(int records, TimeSpan timeout)
    {
        // One template for the log line and the stats' text, so the two never say different things.
        counters.Producer.SetFailure(SemanticLogMessageFormatter.Instance.Format(ReportsMissingTemplate, records, timeout));
        log.Error(LogPrefix + ReportsMissingTemplate, records, timeout);
    }

    /// <summary>
    /// The restart budget is spent and the stream fails to the exporter actor's parent. Not logged here: the
    /// parent's supervision logs the failure, whose message says the same; one line per attempt, not two.
    /// </summary>
    public void ProducerGaveUp(string failure) => counters.Producer.SetFailure(failure);

    public void ProducerDead(string failure)
    {
        counters.Producer.SetFailure(failure);
        log.Error("FlowTracker Kafka exporter: {ProducerFailure}", failure);
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
            "FlowTracker Kafka exporter: brokers reachable again, a trace was delivered {OutageSeconds:0.#} s after librdkafka reported all brokers down ({ProducerErrors} producer error event(s) since).",
            (time.GetUtcNow() - since).TotalSeconds, _producerErrorsSinceUnreachable);
    }
}
