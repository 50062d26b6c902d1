namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Where a record lies in the spool's log: its address and the bytes it takes there (header and padding
/// included), so that removing it frees exactly <c>[Address, Address + Size)</c>.
/// </summary>
internal readonly record struct SpoolId(long Address, int Size)
{
    /// <summary>Not in the spool (refused, or the spool is unavailable): removing it does nothing.</summary>
    public static SpoolId None { get; } = new(-1, 0);

    public bool IsNone => Address < 0;

    public long End => Address + Size;
}
