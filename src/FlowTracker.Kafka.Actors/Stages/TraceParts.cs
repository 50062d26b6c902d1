namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The parts of one trace split into several records: the trace gets one outcome, once its last part settled.
/// Delivered only when every part was; otherwise the first failure, else dropped (a part abandoned at a stop).
/// A delivered trace is placed where its first part was written. Parts settle on different threads (the producer
/// stage's for those it took, the exporter actor's for one refused by a closed buffer), so settling is under a lock.
/// </summary>
internal sealed class TraceParts(int count, long bytes)
{
    private readonly Lock _gate = new();
    private int _settled;
    private RecordOutcome _outcome;
    private bool _hasOutcome;

    /// <summary>How many records the trace became.</summary>
    public int Count { get; } = count;

    /// <summary>The byte budget the whole trace reserved, released when its last part settles.</summary>
    public long Bytes { get; } = bytes;

    /// <summary>Records part <paramref name="index"/>'s outcome; true, with the trace's, when it was the last to settle.</summary>
    public bool Settle(int index, RecordOutcome outcome, out RecordOutcome traceOutcome)
    {
        lock (_gate)
        {
            return SettleLocked(index, outcome, out traceOutcome);
        }
    }

    private bool SettleLocked(int index, RecordOutcome outcome, out RecordOutcome traceOutcome)
    {
        if (!_hasOutcome || Rank(outcome) > Rank(_outcome) || (index == 0 && outcome.Kind == RecordOutcomeKind.Delivered && Rank(_outcome) == Rank(outcome)))
        {
            _outcome = outcome;
            _hasOutcome = true;
        }

        traceOutcome = _outcome;
        return ++_settled == Count;
    }

    private static int Rank(RecordOutcome outcome) => outcome.Kind switch
    {
        RecordOutcomeKind.Delivered => 0,
        RecordOutcomeKind.Abandoned => 1,
        _ => 2,
    };
}
