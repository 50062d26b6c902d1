using System.Buffers;
using System.Runtime.InteropServices;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// One block of native memory that many records' values are packed into, one after the other, by the
/// <see cref="RecordArena"/> that owns it; back to the arena once every record in it is settled and the arena moved on,
/// for reuse or to be freed. Native, not a managed array: a burst of records held at once then allocates nothing on the
/// large object heap, whose budget would start full (background) collections that cost a busy machine more than the
/// records themselves.
/// </summary>
/// <remarks>
/// Filled by the arena's one thread; released from any (the stage settles records, the actor refuses them). The hold
/// count is the records not yet released plus one for the arena while the slab is its current one, so the slab is
/// free exactly when the count reaches zero, whoever gets there last. Freed when the arena keeps enough free slabs, or
/// by the finalizer: a record's value (a <see cref="Memory{T}"/> over this manager) keeps its slab reachable, so a slab
/// whose records were never released is freed once nothing points into it any more.
/// </remarks>
internal sealed unsafe class RecordSlab : MemoryManager<byte>
{
    private readonly RecordArena _arena;
    private readonly int _size;
    private byte* _bytes;
    private int _holds = 1;

    public RecordSlab(RecordArena arena, int size)
    {
        _arena = arena;
        _size = size;
        _bytes = (byte*)NativeMemory.Alloc((nuint)size);
    }

#pragma warning disable CA2015 // The safety net for records never released; every span over a slab is taken from a record still reachable (in the sender's backlog or in flight).
    ~RecordSlab() => Free();
#pragma warning restore CA2015

    /// <summary>The bytes handed out so far (the arena's thread only).</summary>
    public int Used { get; private set; }

    public int Remaining => _size - Used;

    /// <summary>The arena's thread: the next <paramref name="length"/> bytes, held until <see cref="Release"/>.</summary>
    public Memory<byte> Take(int length)
    {
        Interlocked.Increment(ref _holds);
        var memory = CreateMemory(Used, length);
        Used += length;
        return memory;
    }

    /// <summary>A record in this slab is settled, or (once) the arena moved on to another slab.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            _arena.Return(this);
        }
    }

    /// <summary>The arena takes the slab back into use: empty, held by the arena alone.</summary>
    public void Reset()
    {
        Used = 0;
        Volatile.Write(ref _holds, 1);
    }

    /// <summary>Gives the memory back: every record in it is settled and the arena keeps enough free slabs.</summary>
    public void Free()
    {
        var bytes = _bytes;
        _bytes = null;
        if (bytes is not null)
        {
            NativeMemory.Free(bytes);
        }

        GC.SuppressFinalize(this);
    }

    public override Span<byte> GetSpan()
    {
        // A freed slab is a bug (a value read after its record settled): an exception says so, not a crash.
        ObjectDisposedException.ThrowIf(_bytes is null, this);
        return new Span<byte>(_bytes, _size);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_bytes is null, this);
        return new MemoryHandle(_bytes + elementIndex);
    }

    public override void Unpin()
    {
        // Native memory never moves.
    }

    protected override void Dispose(bool disposing) => Free();
}
