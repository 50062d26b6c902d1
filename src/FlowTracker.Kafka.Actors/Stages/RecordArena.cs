namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// Where an encoder puts its records' values until they settle: packed one after the other into large reused
/// slabs of native memory (<see cref="RecordSlab"/>) instead of one exact array each. Thousands of records held at
/// once (a burst larger than librdkafka's queue, an outage) then cost the garbage collector nothing for their values,
/// instead of one small array each that it copied from generation to generation (or large arrays whose budget starts
/// full collections); and a slab is reused once its records settled, so a steady stream allocates nothing for its
/// values. Nothing leaks if a record is never released: its slab is then not reused, and is freed by its finalizer
/// once the last record that points into it is gone.
/// </summary>
/// <remarks>
/// <see cref="Copy"/> and <see cref="Take"/> belong to one thread (the encoder's); slabs come back from any.
/// Confluent copies a record's bytes into librdkafka (<c>RD_KAFKA_MSG_F_COPY</c>) during Produce, so a value in a slab
/// is read only then and when it is sent again after a producer's death; it is released with the record's final
/// outcome (<see cref="OutgoingRecord.Release"/>).
/// </remarks>
internal sealed class RecordArena
{
    /// <summary>Native memory, above glibc's first mmap threshold: a freed slab goes back to the system.</summary>
    public const int SlabSize = 256 * 1024;

    /// <summary>Values larger than this get an array of their own: a slab holds at least eight of them.</summary>
    public const int LargestPacked = SlabSize / 8;

    /// <summary>Free slabs kept for reuse (4 MiB); the rest of a burst's slabs are freed.</summary>
    private const int MaxFree = 16;

    private readonly Stack<RecordSlab> _free = new();
    private RecordSlab? _current;
    private bool _left;

    /// <summary>Free slabs waiting for reuse (tests).</summary>
    public int FreeSlabs
    {
        get
        {
            lock (_free)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>Room for a value of <paramref name="length"/> bytes: write it into <paramref name="destination"/>.</summary>
    public ReadOnlyMemory<byte> Take(int length, out Span<byte> destination, out RecordSlab? slab)
    {
        if (length > LargestPacked)
        {
            var own = GC.AllocateUninitializedArray<byte>(length);
            destination = own;
            slab = null;
            return own;
        }

        if (_current is null || _current.Remaining < length)
        {
            // The arena's own hold on the slab it leaves: once its records settle, it is free.
            _current?.Release();
            _current = Rent();
        }

        slab = _current;
        var memory = slab.Take(length);
        destination = memory.Span;
        return memory;
    }

    /// <summary>A copy of <paramref name="bytes"/>, held until released.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes, out RecordSlab? slab)
    {
        var memory = Take(bytes.Length, out var destination, out slab);
        bytes.CopyTo(destination);
        return memory;
    }

    /// <summary>
    /// The arena's thread is done with it (an arena of a thread that ends with its exporter, unlike the encoder's): the
    /// free slabs are freed now, and each slab still holding records once its last record settles. Without it they
    /// waited for finalizers, and an exporter started and stopped again and again left up to 4 MiB a cycle to them.
    /// </summary>
    public void Leave()
    {
        _current?.Release();
        _current = null;
        lock (_free)
        {
            _left = true;
            while (_free.TryPop(out var slab))
            {
                slab.Free();
            }
        }
    }

    /// <summary>Any thread: the slab's records are all settled and the arena moved on.</summary>
    public void Return(RecordSlab slab)
    {
        lock (_free)
        {
            if (!_left && _free.Count < MaxFree)
            {
                _free.Push(slab);
                return;
            }
        }

        slab.Free();
    }

    private RecordSlab Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var slab))
            {
                slab.Reset();
                return slab;
            }
        }

        return new RecordSlab(this, SlabSize);
    }
}
