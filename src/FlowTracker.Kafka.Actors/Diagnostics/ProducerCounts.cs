namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// What happened to the exporter's producers, counted beside the identity: the restarts (and when the last was), the
/// records a new producer sent again that may be on the topic twice, and why the producer cannot send, if it cannot.
/// </summary>
/// <param name="gate">The accounting's lock: a snapshot copies these counts at the same moment as the identity.</param>
internal sealed class ProducerCounts(object gate)
{
    public long Restarts { get; private set; }

    public DateTimeOffset? LastRestart { get; private set; }

    public long PossibleDuplicates { get; private set; }

    /// <summary>Why the producer can no longer send (null: it can).</summary>
    public string? Failure { get; private set; }

    public void Restarted(DateTimeOffset at)
    {
        lock (gate)
        {
            Restarts++;
            LastRestart = at;
        }
    }

    public void Resent(int records)
    {
        lock (gate)
        {
            PossibleDuplicates += records;
        }
    }

    /// <summary>Records why the producer can no longer send (null: it can).</summary>
    public void SetFailure(string? failure)
    {
        lock (gate)
        {
            Failure = failure;
        }
    }
}
