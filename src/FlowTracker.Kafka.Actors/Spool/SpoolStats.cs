namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>The spool's counts since it was opened, and its state.</summary>
/// <param name="Appended">Records written ahead.</param>
/// <param name="Committed">Of those, how many the last commit made durable (they survive a killed process).</param>
/// <param name="Removed">Records removed (their outcome final).</param>
/// <param name="Full">Appends refused because max-bytes would be exceeded.</param>
/// <param name="TooLarge">Appends refused because the record is larger than one page of the log (it goes on in memory only).</param>
/// <param name="Recovered">Records of an earlier run read back by <see cref="TraceSpool.ReadBacklog"/>.</param>
/// <param name="Corrupt">Damaged places skipped while reading back (the backlog and this run's records), each once however many records it held: a record whose checksum failed, a torn or scrambled stretch, or a log whose commit record was lost.</param>
/// <param name="NotSpooled">Appends not written because the spool was degraded or disposed.</param>
/// <param name="LiveBytes">Bytes of the log from the oldest record not yet removed to the tail: what max-bytes bounds.</param>
/// <param name="DegradedReason">Why the spool went memory-only; null while it works.</param>
internal sealed record SpoolStats(
    long Appended, long Committed, long Removed, long Full, long TooLarge, long Recovered, long Corrupt, long NotSpooled, long LiveBytes, string? DegradedReason)
{
    public bool IsDegraded => DegradedReason is not null;
}
