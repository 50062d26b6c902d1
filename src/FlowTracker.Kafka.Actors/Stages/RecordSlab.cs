namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// One large array that many records' values are packed into, one after the other, by the <see cref="RecordArena"/>
/// that owns it; it goes back to the arena for reuse once every record in it is settled and the arena moved on.
/// </summary>
/// <remarks>
/// Filled by the arena's one thread; released from any (the stage settles records, the actor refuses them). The hold
/// count is the records not yet released plus one for the arena while the slab is its current one, so the slab is
/// free exactly when the count reaches zero, whoever gets there last.
/// </remarks>
internal sealed class RecordSlab(RecordArena arena, int size)
{
    private int _holds = 1;

    public byte[] Bytes { get; } = GC.AllocateUninitializedArray<byte>(size);

    /// <summary>The bytes handed out so far (the arena's thread only).</summary>
    public int Used { get; private set; }

    public int Remaining => Bytes.Length - Used;

    /// <summary>The arena's thread: the next <paramref name="length"/> bytes, held until <see cref="Release"/>.</summary>
    public Memory<byte> Take(int length)
    {
        Interlocked.Increment(ref _holds);
        var memory = new Memory<byte>(Bytes, Used, length);
        Used += length;
        return memory;
    }

    /// <summary>A record in this slab is settled, or (once) the arena moved on to another slab.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            arena.Return(this);
        }
    }

    /// <summary>The arena takes the slab back into use: empty, held by the arena alone.</summary>
    public void Reset()
    {
        Used = 0;
        Volatile.Write(ref _holds, 1);
    }
}
