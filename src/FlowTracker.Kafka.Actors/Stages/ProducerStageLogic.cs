using System.Text;
using Akka.Streams.Stage;
using Akka.Streams.Supervision;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer stage's Akka side: turns the inlet, the outlet, the timers and the producer's event queue into
/// calls on the <see cref="RecordSender"/>, all on the stage's one thread.
/// </summary>
internal sealed class ProducerStageLogic : TimerGraphStageLogic, ISenderHost
{
    private const string RestartTimer = "restart";
    private const string QueueFullTimer = "queue-full";
    private const string DeadlineTimer = "flush-deadline";
    private const string WatchdogTimer = "report-watchdog";
    private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromSeconds(1);

    private readonly ProducerStage _stage;
    private readonly ProducerStageControl _control;
    private readonly Decider _decider;
    private readonly Queue<TraceOutcome> _outcomes = new();
    private RecordSender _sender = null!;
    private Exception? _failure;
    private long _heldBytes;
    private long _heldRecords;
    private bool _emitting;
    private bool _settledAll;
    private bool _completed;

    public ProducerStageLogic(ProducerStage stage, ProducerStageControl control, Decider decider)
        : base(stage.Shape)
    {
        _stage = stage;
        _control = control;
        _decider = decider;
        _emitting = stage.EmitOutcomes;
        SetHandler(stage.In, onPush: OnPush, onUpstreamFinish: OnUpstreamFinish);
        SetHandler(stage.Out, onPull: Emit, onDownstreamFinish: OnDownstreamFinish);
    }

    public override void PreStart()
    {
        // A stage whose inlet closed is stopped by Akka unless told otherwise; the reports are still to come.
        SetKeepGoing(true);
        var onEvents = GetAsyncCallback(OnEvents);
        var events = new ProducerEventQueue(onEvents);
        _sender = new RecordSender(_stage.Producers, events, this, _stage.Ledger, _stage.Backoff, _decider, _stage.Options);
        ScheduleRepeatedly(WatchdogTimer, WatchdogInterval);
        _sender.Start();
        var stop = GetAsyncCallback<TimeSpan>(remaining => _sender.RequestStop(remaining));
        _control.Attach(stop, _stage.Options.Time);
        PullIfWanted();
    }

    public override void PostStop()
    {
        // Normal completion leaves nothing; a stop from outside leaves records whose outcome is unknown: counted, never forgotten.
        _sender.Stop();
        if (_completed)
        {
            _control.Completed();
        }
        else
        {
            _control.Failed(_failure ?? new InvalidOperationException("The Kafka producer stage stopped before it finished: its stream was stopped from outside."));
        }
    }

    public void ScheduleRestart(TimeSpan delay) => ScheduleOnce(RestartTimer, delay);

    public void ScheduleQueueFullRetry() => ScheduleOnce(QueueFullTimer, QueueFullRetry);

    public void ScheduleDeadline(TimeSpan delay) => ScheduleOnce(DeadlineTimer, delay);

    public void Fail(ProducerStageFailure failure)
    {
        if (_stage.Role == ProducerStageRole.Exporter)
        {
            // The exporter's next stream sends what this one held.
            _failure = failure;
            FailStage(failure);
            return;
        }

        // No next stream: what the dead producer held fails with its cause's code, and the stream fails with the cause itself.
        var code = (failure.InnerException as KafkaProducerFatalException)?.Error.Code ?? ErrorCode.Local_Fatal;
        foreach (var record in failure.Unsettled)
        {
            _stage.Ledger.Settle(record, RecordOutcome.Failure(code));
        }

        _failure = failure.InnerException ?? failure;
        FailStage(_failure);
    }

    public void Settled(OutgoingRecord record, RecordOutcome outcome, RecordOutcome? traceOutcome)
    {
        _heldBytes -= record.ReservedBytes;
        _heldRecords--;
        _stage.OnSettled?.Invoke(record, outcome);
        if (_emitting && traceOutcome is { } trace)
        {
            _outcomes.Enqueue(trace.Kind switch
            {
                RecordOutcomeKind.Delivered => new TraceOutcome(TraceIdOf(record), TraceOutcomeStatus.Delivered, trace.Partition, trace.Offset),
                RecordOutcomeKind.Failed => new TraceOutcome(TraceIdOf(record), TraceOutcomeStatus.Failed, error: trace.Error),
                _ => new TraceOutcome(TraceIdOf(record), TraceOutcomeStatus.Dropped, dropReason: trace.Reason),
            });
        }
    }

    public void Complete()
    {
        _settledAll = true;
        Emit();
    }

    protected override void OnTimer(object timerKey)
    {
        switch (timerKey)
        {
            case RestartTimer:
                _sender.OnRestartDue();
                break;
            case QueueFullTimer:
                _sender.OnQueueFullRetry();
                break;
            case DeadlineTimer:
                _sender.OnDeadline();
                break;
            case WatchdogTimer:
                _sender.CheckOverdueReports(_stage.Options.Time.GetTimestamp());
                break;
            default:
                break;
        }

        AfterSenderCall();
    }

    private static string TraceIdOf(OutgoingRecord record) => Encoding.UTF8.GetString(record.Key.Span);

    private void OnEvents()
    {
        _sender.OnEvents();
        AfterSenderCall();
    }

    private void OnPush()
    {
        var record = Grab(_stage.In);
        if (record.Refused is { } reason)
        {
            // Counted where it was refused; here only its outcome takes its turn.
            if (_emitting)
            {
                _outcomes.Enqueue(new TraceOutcome(record.RefusedTraceId ?? "", TraceOutcomeStatus.Dropped, dropReason: reason));
            }
        }
        else
        {
            _heldBytes += record.ReservedBytes;
            _heldRecords++;
            _sender.Offer(record);
        }

        AfterSenderCall();
    }

    private void OnUpstreamFinish()
    {
        _sender.OnUpstreamFinished();
        AfterSenderCall();
    }

    /// <summary>
    /// Nobody reads the outcomes any more: stop taking traces, but deliver what is held, bounded by the flush timeout,
    /// as an upstream completion would (a cancelled reader must not lose records already accepted).
    /// </summary>
    private void OnDownstreamFinish(Exception cause)
    {
        _emitting = false;
        _outcomes.Clear();
        if (!IsClosed(_stage.In))
        {
            Cancel(_stage.In, cause);
            _sender.OnUpstreamFinished();
        }

        AfterSenderCall();
    }

    private void AfterSenderCall()
    {
        Emit();
        PullIfWanted();
    }

    private void Emit()
    {
        if (_emitting && _outcomes.Count > 0 && IsAvailable(_stage.Out))
        {
            Push(_stage.Out, _outcomes.Dequeue());
        }

        if (_settledAll && !_completed && (_outcomes.Count == 0 || !_emitting))
        {
            _completed = true;
            CompleteStage();
        }
    }

    private void PullIfWanted()
    {
        // Records held until they settle (waiting, in librdkafka's queue, in flight) and outcomes nobody has read yet
        // count against the budget: a stalled broker or a slow reader slows intake instead of growing memory.
        var wantsMore = _sender.WantsMore
            && _heldBytes < _stage.MaxHeldBytes
            && _heldRecords + _outcomes.Count < _stage.MaxHeldRecords;
        if (wantsMore && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
        {
            Pull(_stage.In);
        }
    }
}
