namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>
/// The shape the spool needs from a store, as thin as each candidate allows: append, make durable in groups,
/// forget what Kafka confirmed, read back oldest first. Ids are opaque and grow with append order.
/// </summary>
internal interface ICandidateStore : IDisposable
{
    long Append(byte[] record);

    /// <summary>Makes every record appended so far survive a killed process (group commit); applies removals.</summary>
    void Commit();

    /// <summary>The record's outcome is final; it may leave the store at the next <see cref="Commit"/>.</summary>
    void Remove(long id);

    /// <summary>Whatever the store does to give deleted space back (nothing for some).</summary>
    void Reclaim();

    IEnumerable<(long Id, byte[] Record)> ReadOldestFirst();
}
