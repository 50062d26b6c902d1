namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// What <see cref="RecordSender"/> needs from the stage that runs it: timers and the stage's end. Every
/// call comes back on the stage's one thread; tests implement it to fire timers in any order.
/// </summary>
internal interface ISenderHost
{
    /// <summary>Call <see cref="RecordSender.OnRestartDue"/> after <paramref name="delay"/>.</summary>
    void ScheduleRestart(TimeSpan delay);

    /// <summary>Call <see cref="RecordSender.OnQueueFullRetry"/> shortly: librdkafka's queue was full.</summary>
    void ScheduleQueueFullRetry();

    /// <summary>Call <see cref="RecordSender.OnDeadline"/> after <paramref name="delay"/> (only the first call counts).</summary>
    void ScheduleDeadline(TimeSpan delay);

    /// <summary>The sender gave up: fail the stage with this cause (a <see cref="ProducerStageFailure"/>).</summary>
    void Fail(ProducerStageFailure failure);

    /// <summary>
    /// A record got its final outcome (already in the ledger); called exactly once per record.
    /// <paramref name="traceOutcome"/> is its trace's outcome when this record settled its trace (a whole trace, or
    /// the last part of a split one), otherwise null.
    /// </summary>
    void Settled(OutgoingRecord record, RecordOutcome outcome, RecordOutcome? traceOutcome);

    /// <summary>Every record is settled (or abandoned at the deadline): complete the stage.</summary>
    void Complete();
}
