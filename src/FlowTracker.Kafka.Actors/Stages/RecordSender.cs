using Akka.Streams.Supervision;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer stage's state machine, free of Akka so that tests can drive it through every ordering.
/// Every record is in exactly one place: the backlog (not yet handed to a producer), in flight (handed to
/// producer <c>generation</c>, no report yet), held (its producer died and its outcome is unknown: the next
/// producer sends it), or settled in the ledger. One thread calls it: the stage's.
/// </summary>
/// <remarks>
/// The rule that makes a fatal error lose nothing, whatever order the events come in: a failure report is
/// settled as failed only when it comes from the live producer and its code is one the decider resumes past.
/// A record purged by librdkafka, reported by a producer already known dead, or reported with a code that
/// itself means the producer died (which also tells the sender so, should the error event come later) is
/// held and sent again by the next producer.
/// </remarks>
internal sealed class RecordSender
{
    private readonly RecordQueue _backlog = new();
    private readonly InFlightRecords _inFlight;
    private readonly UnsettledRecords _records;
    private readonly ProducerRestarts _restarts;
    private readonly ProducerEventQueue _events;
    private readonly ISenderHost _host;
    private readonly DeliveryLedger _ledger;
    private readonly Decider _decider;
    private readonly SenderOptions _options;
    private IRecordProducer? _producer;
    private SenderState _state = SenderState.Waiting;
    private ErrorCode _goneCode;
    private int _generation;
    private long _sends;
    private bool _queueFull;
    private bool _upstreamFinished;
    private bool _deadlineArmed;

    public RecordSender(
        RecordProducerFactory factory, ProducerEventQueue events, ISenderHost host, DeliveryLedger ledger, RestartBackoff backoff, Decider decider, SenderOptions options)
    {
        _restarts = new ProducerRestarts(factory, events, host, ledger, backoff, options);
        _events = events;
        _host = host;
        _ledger = ledger;
        _decider = decider;
        _options = options;
        _inFlight = new InFlightRecords(options.MaxInFlightBytes);
        _records = new UnsettledRecords(_backlog, _inFlight, options, ledger, Settle);
    }

    /// <summary>Records in the sender's hands: backlog, in flight and held.</summary>
    public int Unsettled => _records.Count;

    /// <summary>Whether the stage may pull another record: the backlog is bounded like the exporter's buffer.</summary>
    public bool WantsMore => _state != SenderState.Ended && _backlog.Count < _options.MaxBacklog;

    public bool HasEnded => _state == SenderState.Ended;

    /// <summary>Builds the first producer, unless the exporter's restart budget is spent: then it waits max-backoff.</summary>
    public void Start()
    {
        if (_restarts.MayStartNow())
        {
            StartProducer();
        }
    }

    public void Offer(OutgoingRecord record)
    {
        _backlog.AddLast(record);
        Drain();
    }

    /// <summary>Upstream completed: complete once everything is settled, within the flush timeout.</summary>
    public void OnUpstreamFinished()
    {
        _upstreamFinished = true;
        RequestStop(_options.FlushTimeout);
        CompleteIfDone();
    }

    /// <summary>Stop was asked: whatever the backlog, the producer or the brokers are doing, end after <paramref name="remaining"/>.</summary>
    public void RequestStop(TimeSpan remaining)
    {
        if (!_deadlineArmed && _state != SenderState.Ended)
        {
            _deadlineArmed = true;
            _host.ScheduleDeadline(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }
    }

    /// <summary>Settles every queued producer event, in the order the producer raised them.</summary>
    public void OnEvents()
    {
        _events.BeginDrain();
        _ledger.BeginReports();
        try
        {
            while (_state != SenderState.Ended && _events.TryDequeue(out var producerEvent))
            {
                if (producerEvent.Kind == ProducerEventKind.Error)
                {
                    OnProducerError(producerEvent);
                }
                else
                {
                    OnReport(producerEvent);
                }
            }
        }
        finally
        {
            _ledger.EndReports();
        }

        Drain();
    }

    public void OnQueueFullRetry()
    {
        _queueFull = false;
        Drain();
    }

    /// <summary>The backoff after a producer's death is over: what it never confirmed goes first to its successor.</summary>
    public void OnRestartDue()
    {
        if (_state != SenderState.Waiting)
        {
            return;
        }

        _records.ResendHeld();
        DisposeProducer();
        StartProducer();
        Drain();
    }

    /// <summary>The flush deadline: what is still unsettled is counted (dropped: Shutdown) and the stage completes.</summary>
    public void OnDeadline()
    {
        if (_state == SenderState.Ended)
        {
            return;
        }

        _records.AbandonAtDeadline();
        End();
        _host.Complete();
    }

    /// <summary>
    /// Once a second: a producer the application disposed fails what it held. And a producer must report on every record within <c>message.timeout.ms</c>; records older than that plus a
    /// margin mean it never will (an application's producer built without delivery reports): they fail, and the
    /// ledger says why and how to fix it.
    /// </summary>
    public void CheckOverdueReports(long now)
    {
        // An application that disposed its producer stops its reports too: nothing in flight will ever be confirmed.
        if (_state == SenderState.Alive && _producer?.Unusable is { } why)
        {
            Gone(ErrorCode.Local_Destroy, why);
            Drain();
        }
        else if (_records.FailOverdue(now))
        {
            Drain();
        }
    }

    /// <summary>The stage stopped from outside: what the sender still held is counted (dropped: Shutdown), the producer released.</summary>
    public void Stop()
    {
        if (_state != SenderState.Ended)
        {
            _records.Abandon();
            End();
        }

        DisposeProducer();
    }

    private void StartProducer()
    {
        if (_restarts.TryBuild(++_generation, out _producer) is { } error)
        {
            Lost(error, owned: _options.OwnsProducer);
            return;
        }

        _state = SenderState.Alive;
    }

    /// <summary>Sends the backlog in order while the producer takes it.</summary>
    private void Drain()
    {
        while (_state == SenderState.Alive && !_queueFull && _backlog.First is { } next && _inFlight.HasRoomFor(next))
        {
            if (_producer!.Unusable is { } why)
            {
                Gone(ErrorCode.Local_Destroy, why);
                break;
            }

            if (TrySend(next))
            {
                _backlog.RemoveFirst();
            }
        }

        // Nothing will ever send: what is waiting (and, for a disposed producer, what is in flight) fails now.
        if (_state == SenderState.Gone)
        {
            _records.FailEverything(_goneCode);
        }

        _ledger.InFlight(_inFlight.Count);
        CompleteIfDone();
    }

    /// <summary>True when the record left the backlog: sent, or settled at once with its error.</summary>
    private bool TrySend(OutgoingRecord record)
    {
        var send = ++_sends;
        _inFlight.Add(send, new InFlight(record, _generation, _options.Time.GetTimestamp()));
        try
        {
            _producer!.Produce(_options.Topic, record, send);
            return true;
        }
#pragma warning disable CA1031 // Every exception of one record is classified by the decider; none may stop the stream unasked.
        catch (Exception thrown)
#pragma warning restore CA1031
        {
            _inFlight.Remove(send, out _);
            if (thrown is KafkaException { Error.Code: ErrorCode.Local_QueueFull })
            {
                // Backpressure, not failure: librdkafka's queue drains as deliveries complete.
                _queueFull = true;
                _host.ScheduleQueueFullRetry();
                return false;
            }

            var cause = ProducerDecider.FromProduce(thrown);
            switch (ProducerDecider.Decide(_decider, cause))
            {
                case Directive.Resume:
                    Settle(record, RecordOutcome.Failure(ProducerDecider.CodeOf(cause)));
                    return true;
                case Directive.Stop:
                    Fail(cause);
                    return false;
                default:
                    Died(ProducerDecider.ErrorOf(cause), _producer!.IsOwned);
                    return false;
            }
        }
    }

    private void OnProducerError(ProducerEvent producerEvent)
    {
        if (producerEvent.Generation != _generation || _state != SenderState.Alive)
        {
            return; // A dead producer's last words: its successor (or nothing) is what counts now.
        }

        if (ProducerDecider.IsFatal(producerEvent.Error))
        {
            Died(producerEvent.Error, _producer!.IsOwned);
        }
        else
        {
            _ledger.ProducerError(producerEvent.Error);
        }
    }

    private void OnReport(ProducerEvent report)
    {
        if (!_inFlight.Remove(report.Send, out var entry))
        {
            return; // Held and handed to a newer producer already, or abandoned at the deadline.
        }

        var code = report.Error.Code;
        if (code == ErrorCode.NoError)
        {
            Settle(entry.Record, RecordOutcome.Delivery(report.Partition, report.Offset));
            return;
        }

        var live = _state == SenderState.Alive && entry.Generation == _generation;
        if (code is ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight)
        {
            // librdkafka purges only a producer that hit a fatal error (the exporter never purges a live one):
            // the record is held, and the purge itself says the producer died if its error event is still to come.
            _records.Hold(report.Send, entry, mayBeWritten: code == ErrorCode.Local_PurgeInflight);
            if (live)
            {
                Died(new Error(ErrorCode.Local_Fatal, "librdkafka purged the producer's queue after a fatal error", isFatal: true), _producer!.IsOwned);
            }

            return;
        }

        if (!live)
        {
            _records.Hold(report.Send, entry, mayBeWritten: true);
            return;
        }

        var cause = new KafkaException(report.Error);
        switch (ProducerDecider.Decide(_decider, cause))
        {
            case Directive.Resume:
                Settle(entry.Record, RecordOutcome.Failure(code));
                break;
            case Directive.Stop:
                _records.Hold(report.Send, entry, mayBeWritten: true);
                Fail(cause);
                break;
            default:
                _records.Hold(report.Send, entry, mayBeWritten: true);
                Died(report.Error, _producer!.IsOwned);
                break;
        }
    }

    /// <summary>The live producer is dead: rebuild it after the backoff, or give up if it is not ours or the budget is spent.</summary>
    private void Died(Error error, bool owned)
    {
        if (_state == SenderState.Alive)
        {
            Lost(error, owned);
        }
    }

    /// <summary>No live producer any more (it died, or could not be built): wait for the next one, or give up.</summary>
    private void Lost(Error error, bool owned)
    {
        _state = SenderState.Waiting;
        _queueFull = false;
        if (!owned)
        {
            Gone(ErrorCode.Local_Fatal, ProducerRestarts.NotOurs(error));
        }
        else if (_restarts.Restart(error) is { } gaveUp)
        {
            Fail(gaveUp);
        }
    }

    /// <summary>Nothing can send any more: the application's producer is dead or disposed, and it is not ours to rebuild.</summary>
    private void Gone(ErrorCode code, string reason)
    {
        _state = SenderState.Gone;
        _goneCode = code;
        _restarts.Gone(code, reason);
    }

    /// <summary>The one place a record gets its final outcome: in the ledger (the accounting) and for the stage.</summary>
    private void Settle(OutgoingRecord record, RecordOutcome outcome)
    {
        // The stage reads the record's key after the accounting (its outcome names the trace): its room is freed last.
        _host.Settled(record, outcome, _ledger.Count(record, outcome));
        record.Release();
    }

    private void Fail(Exception cause)
    {
        var unsettled = _records.TakeForFailure();
        End();
        _host.Fail(new ProducerStageFailure(cause, unsettled));
    }

    private void CompleteIfDone()
    {
        if (_upstreamFinished && _state != SenderState.Ended && Unsettled == 0)
        {
            End();
            _host.Complete();
        }
    }

    private void End()
    {
        _state = SenderState.Ended;
        _ledger.FlushErrorLog();
    }

    private void DisposeProducer()
    {
        var producer = _producer;
        _producer = null;
        producer?.Dispose();
    }
}
