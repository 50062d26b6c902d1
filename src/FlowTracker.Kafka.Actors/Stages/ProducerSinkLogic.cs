using System.Collections.Concurrent;
using Akka;
using Akka.Event;
using Akka.Streams.Stage;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer sink's state machine. Every record is in exactly one place: the backlog (not yet handed
/// to a producer), in flight (handed to a producer, waiting for its report), or settled in the ledger.
/// A producer's generation tells a report of the current producer from one of a dead predecessor.
/// </summary>
internal sealed class ProducerSinkLogic : TimerGraphStageLogic
{
    private const string QueueFullTimer = "queue-full";
    private const string RestartTimer = "restart";
    private const string FlushDeadlineTimer = "flush-deadline";
    private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(5);

    private readonly ProducerSink _stage;
    private readonly TaskCompletionSource _done;
    private readonly RestartBackoff _backoff;
    private readonly Dictionary<long, InFlight> _inFlight = [];
    private readonly LinkedList<OutgoingRecord> _backlog = new();
    private readonly ConcurrentQueue<Report> _reports = new();
    private Action<NotUsed> _onReports = null!;
    private int _reportsSignalled;
    private Action<(int Generation, Error Error)> _onProducerError = null!;
    private ProducerLease? _lease;
    private int _generation;
    private long _sends;
    private bool _producerDead;
    private bool _beyondRebuild;
    private bool _upstreamFinished;
    private bool _completed;
    private ProducerSinkFailure? _failure;

    public ProducerSinkLogic(ProducerSink stage, TaskCompletionSource done)
        : base(stage.Shape)
    {
        _stage = stage;
        _done = done;
        _backoff = new RestartBackoff(stage.Settings.Restart, stage.Time, Random.Shared.NextDouble);
        SetHandler(stage.In, onPush: OnPush, onUpstreamFinish: OnUpstreamFinish);
    }

    private DeliveryLedger Ledger => _stage.Ledger;

    public override void PreStart()
    {
        // A sink whose inlet closed is stopped by Akka unless told otherwise; the reports are still to come.
        SetKeepGoing(true);
        _onReports = GetAsyncCallback<NotUsed>(_ => OnReports());
        _onProducerError = GetAsyncCallback<(int Generation, Error Error)>(e => OnProducerError(e.Generation, e.Error));
        if (StartProducer())
        {
            Pull(_stage.In);
        }
    }

    public override void PostStop()
    {
        // Normal completion leaves nothing; a stop from outside (the actor or system going away
        // without the flush) leaves records whose outcome is unknown: counted, never forgotten.
        foreach (var record in TakeUnsettled())
        {
            Ledger.Abandoned(record.ReservedBytes);
        }

        Ledger.FlushErrorLog();
        _lease?.Dispose();
        if (_completed)
        {
            _done.TrySetResult();
        }
        else
        {
            _done.TrySetException((Exception?)_failure ?? new InvalidOperationException("The Kafka producer sink stopped before it finished: its stream was stopped from outside or failed."));
        }
    }

    protected override void OnTimer(object timerKey)
    {
        switch (timerKey)
        {
            case RestartTimer:
                Restart();
                break;
            case FlushDeadlineTimer:
                Abandon();
                return;
            default:
                break;
        }

        Drain();
    }

    private void OnPush()
    {
        _backlog.AddLast(Grab(_stage.In));
        Drain();
    }

    private void OnUpstreamFinish()
    {
        _upstreamFinished = true;
        ScheduleOnce(FlushDeadlineTimer, _stage.Settings.FlushTimeout);
        CompleteIfDone();
    }

    private bool StartProducer()
    {
        var generation = ++_generation;
        try
        {
            _lease = _stage.LeaseFactory(error => _onProducerError((generation, error)));
        }
#pragma warning disable CA1031 // Whatever building the producer throws (a property librdkafka rejects) fails the stream, with its records kept.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fail(new InvalidOperationException($"Kafka exporter: could not create the producer: {ex.Message}", ex));
            return false;
        }

        _producerDead = false;
        Ledger.ProducerStarted();
        return true;
    }

    /// <summary>Sends the backlog in order while the producer takes it, then asks upstream for more.</summary>
    private void Drain()
    {
        if (_failure is not null || _completed)
        {
            return;
        }

        while (_backlog.First is { } next)
        {
            if (_beyondRebuild)
            {
                Ledger.Failed(ErrorCode.Local_Fatal, next.Value.ReservedBytes);
                _backlog.RemoveFirst();
            }
            else if (_producerDead || IsTimerActive(QueueFullTimer))
            {
                break;
            }
            else if (TrySend(next.Value))
            {
                _backlog.RemoveFirst();
            }

            // Otherwise the send found the queue full or the producer dead; the next round sees which.
        }

        var canSend = !_producerDead || _beyondRebuild;
        if (_backlog.Count == 0 && canSend && !_upstreamFinished && _inFlight.Count < _stage.Settings.MaxBufferedTraces
            && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
        {
            Pull(_stage.In);
        }

        Ledger.InFlight(_inFlight.Count);
        CompleteIfDone();
    }

    /// <summary>True when the record left the backlog: sent, or settled at once with its error.</summary>
    private bool TrySend(OutgoingRecord record)
    {
        var send = ++_sends;
        var generation = _generation;
        var message = new Message<byte[], byte[]>
        {
            Key = record.Key,
            Value = record.Value,
            Headers = new Headers { { RecordHeaders.ContentTypeName, RecordHeaders.ContentTypeValue } },
        };
        _inFlight[send] = new InFlight(record, generation);
        try
        {
            _lease!.Producer.Produce(_stage.Settings.Topic, message, report => Reported(new Report(send, generation, report.Error.Code)));
            return true;
        }
        catch (KafkaException ex)
        {
            _inFlight.Remove(send);
            if (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Backpressure, not failure: librdkafka's queue drains as deliveries complete.
                ScheduleOnce(QueueFullTimer, QueueFullRetry);
                return false;
            }

            if (IsFatal(ex.Error))
            {
                OnFatal(ex.Error);
                return false;
            }

            Ledger.Failed(ex.Error.Code, record.ReservedBytes);
            return true;
        }
    }

    /// <summary>
    /// librdkafka's thread: queue the report, and wake the stage only if it is not already awake. Under
    /// load one wake-up carries hundreds of reports instead of one stream message each.
    /// </summary>
    private void Reported(Report report)
    {
        _reports.Enqueue(report);
        if (Interlocked.Exchange(ref _reportsSignalled, 1) == 0)
        {
            _onReports(NotUsed.Instance);
        }
    }

    private void OnReports()
    {
        // Re-armed before draining: a report queued from here on signals again, none is left behind.
        Volatile.Write(ref _reportsSignalled, 0);
        while (_reports.TryDequeue(out var report))
        {
            Settle(report);
        }

        Drain();
    }

    private void Settle(Report report)
    {
        if (!_inFlight.Remove(report.Send, out var entry))
        {
            // Already handed to a newer producer, or abandoned at the flush deadline.
            return;
        }

        if (report.Error == ErrorCode.NoError)
        {
            Ledger.Delivered(entry.Record);
        }
        else if (entry.Generation != _generation || _producerDead || report.Error == ErrorCode.Local_Fatal)
        {
            // The producer that sent it died (librdkafka purges its queue with Local_PurgeQueue):
            // the record was not written, so the next producer sends it, no duplicate.
            _backlog.AddLast(entry.Record);
            if (report.Error == ErrorCode.Local_Fatal)
            {
                OnFatal(new Error(ErrorCode.Local_Fatal));
            }
        }
        else
        {
            Ledger.Failed(report.Error, entry.Record.ReservedBytes);
        }
    }

    private void OnProducerError(int generation, Error error)
    {
        if (generation != _generation)
        {
            return;
        }

        if (error.IsFatal)
        {
            OnFatal(error);
            Drain();
        }
        else
        {
            // Transient (brokers down, timeouts): librdkafka retries on its own; this is for the operator.
            if (error.Code == ErrorCode.Local_AllBrokersDown)
            {
                Ledger.BrokersUnreachable();
            }

            _stage.Log.Warning("FlowTracker Kafka exporter: producer error {0}: {1}", error.Code, error.Reason);
        }
    }

    private void OnFatal(Error error)
    {
        if (_producerDead)
        {
            return;
        }

        _producerDead = true;
        if (!_lease!.IsOwned)
        {
            _beyondRebuild = true;
            Ledger.ProducerDead(
                $"the application's producer hit fatal error {error.Code} ({error.Reason}). The exporter cannot rebuild a producer it does not own: every trace from now on fails with Local_Fatal. Rebuild the producer and the exporter.");
            return;
        }

        if (_backoff.TryNext(out var delay))
        {
            Ledger.ProducerRestarting(error, _backoff.RecentRestarts, _stage.Settings.Restart.MaxRestarts, delay);
            ScheduleOnce(RestartTimer, delay);
            return;
        }

        var failure = $"the producer hit fatal error {error.Code} ({error.Reason}) after {_stage.Settings.Restart.MaxRestarts} restart(s) within {_stage.Settings.Restart.Within}; the exporter actor's parent decides what follows.";
        Ledger.ProducerDead(failure);
        Fail(new KafkaProducerFatalException(error, "Kafka exporter: " + failure));
    }

    private void Fail(Exception cause)
    {
        _failure = new ProducerSinkFailure(cause, TakeUnsettled());
        FailStage(_failure);
    }

    /// <summary>Replaces the dead producer; what it never reported on goes first to the new one.</summary>
    private void Restart()
    {
        // Every record still in flight belongs to a dead producer: its fate is unknown, so it is re-sent.
        var unknown = _inFlight.OrderByDescending(f => f.Key).Select(f => f.Value.Record).ToList();
        _inFlight.Clear();
        foreach (var record in unknown)
        {
            _backlog.AddFirst(record);
        }

        Ledger.Resent(unknown.Count);
        var dead = _lease;
        _lease = null;

        // Destroying a producer waits for librdkafka's threads; the stream need not.
        _ = Task.Run(() => dead?.Dispose());
        StartProducer();
    }

    private void Abandon()
    {
        var left = TakeUnsettled();
        foreach (var record in left)
        {
            Ledger.Abandoned(record.ReservedBytes);
        }

        _stage.Log.Warning(
            "FlowTracker Kafka exporter: {0} record(s) were still unconfirmed after flushing for {1}; counted as dropped (Shutdown).",
            left.Count, _stage.Settings.FlushTimeout);
        Complete();
    }

    private void Complete()
    {
        _completed = true;
        CompleteStage();
    }

    private List<OutgoingRecord> TakeUnsettled()
    {
        var records = _backlog.Concat(_inFlight.OrderBy(f => f.Key).Select(f => f.Value.Record)).ToList();
        _backlog.Clear();
        _inFlight.Clear();
        Ledger.InFlight(0);
        return records;
    }

    private void CompleteIfDone()
    {
        if (_upstreamFinished && _inFlight.Count == 0 && _backlog.Count == 0)
        {
            Complete();
        }
    }

    /// <summary>
    /// Produce reports a fatal error as the underlying broker code without the fatal flag, and a broker
    /// code is never a local produce-time error otherwise (except librdkafka's own size check).
    /// </summary>
    private static bool IsFatal(Error error) =>
        error.IsFatal || error.Code == ErrorCode.Local_Fatal || (error.Code > 0 && error.Code != ErrorCode.MsgSizeTooLarge);
}

/// <summary>A record handed to one producer, not yet reported on.</summary>
internal readonly record struct InFlight(OutgoingRecord Record, int Generation);

/// <summary>A delivery report, tagged with the send it answers and the producer that sent it.</summary>
internal readonly record struct Report(long Send, int Generation, ErrorCode Error);
