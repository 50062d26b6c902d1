using Akka.Streams.Stage;
using Akka.Streams.Supervision;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer sink's Akka side: turns the inlet, the timers and the producer's event queue into calls on
/// the <see cref="RecordSender"/>, all on the stage's one thread.
/// </summary>
internal sealed class ProducerSinkLogic : TimerGraphStageLogic, ISenderHost
{
    private const string RestartTimer = "restart";
    private const string QueueFullTimer = "queue-full";
    private const string DeadlineTimer = "flush-deadline";
    private const string WatchdogTimer = "report-watchdog";
    private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromSeconds(1);

    private readonly ProducerSink _stage;
    private readonly ProducerSinkControl _control;
    private readonly Decider _decider;
    private RecordSender _sender = null!;
    private Exception? _failure;
    private bool _completed;

    public ProducerSinkLogic(ProducerSink stage, ProducerSinkControl control, Decider decider)
        : base(stage.Shape)
    {
        _stage = stage;
        _control = control;
        _decider = decider;
        SetHandler(stage.In, onPush: OnPush, onUpstreamFinish: OnUpstreamFinish);
    }

    public override void PreStart()
    {
        // A sink whose inlet closed is stopped by Akka unless told otherwise; the reports are still to come.
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
            _control.Failed(_failure ?? new InvalidOperationException("The Kafka producer sink stopped before it finished: its stream was stopped from outside."));
        }
    }

    public void ScheduleRestart(TimeSpan delay) => ScheduleOnce(RestartTimer, delay);

    public void ScheduleQueueFullRetry() => ScheduleOnce(QueueFullTimer, QueueFullRetry);

    public void ScheduleDeadline(TimeSpan delay) => ScheduleOnce(DeadlineTimer, delay);

    public void Fail(ProducerSinkFailure failure)
    {
        _failure = failure;
        FailStage(failure);
    }

    public void Settled(OutgoingRecord record, RecordOutcome outcome)
    {
        // The ledger has it; the sink emits nothing downstream.
    }

    public void Complete()
    {
        _completed = true;
        CompleteStage();
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

        PullIfWanted();
    }

    private void OnEvents()
    {
        _sender.OnEvents();
        PullIfWanted();
    }

    private void OnPush()
    {
        _sender.Offer(Grab(_stage.In));
        PullIfWanted();
    }

    private void OnUpstreamFinish() => _sender.OnUpstreamFinished();

    private void PullIfWanted()
    {
        if (_sender.WantsMore && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
        {
            Pull(_stage.In);
        }
    }
}
