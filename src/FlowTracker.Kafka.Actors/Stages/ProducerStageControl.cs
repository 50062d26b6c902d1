namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer sink's materialized value: its completion, and a way to bound its end from outside.
/// <see cref="Stop"/> arms the flush deadline at once, whatever the stage is doing (waiting on a full
/// librdkafka queue, rebuilding a producer), even before the stage has started.
/// </summary>
internal sealed class ProducerStageControl
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<TimeSpan>? _stop;
    private long? _deadline;
    private TimeProvider _time = TimeProvider.System;

    /// <summary>Completes when every record is settled (or counted at the deadline); fails with a <see cref="ProducerStageFailure"/>.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Any thread: the stage ends within <paramref name="remaining"/>, settled or not.</summary>
    public void Stop(TimeSpan remaining)
    {
        Action<TimeSpan>? stop;
        lock (_gate)
        {
            var deadline = _time.GetTimestamp() + (long)(remaining.TotalSeconds * _time.TimestampFrequency);
            _deadline = _deadline is { } earlier ? Math.Min(earlier, deadline) : deadline;
            stop = _stop;
        }

        stop?.Invoke(remaining);
    }

    /// <summary>The stage, once started: stop requests reach it from now on, and one made earlier reaches it now.</summary>
    internal void Attach(Action<TimeSpan> stop, TimeProvider time)
    {
        long? deadline;
        lock (_gate)
        {
            _stop = stop;
            _time = time;
            deadline = _deadline;
        }

        if (deadline is { } due)
        {
            stop(time.GetElapsedTime(time.GetTimestamp(), due));
        }
    }

    internal void Completed() => _completion.TrySetResult();

    internal void Failed(Exception failure) => _completion.TrySetException(failure);
}
