using System.Buffers;
using System.Runtime.CompilerServices;

namespace FlowTracker.Serialization;

/// <summary>
/// Appends bytes to an <see cref="IBufferWriter{T}"/> through a span taken from it in blocks, so a
/// small write is a bounds check and a copy, not an interface call. <see cref="Flush"/> commits what
/// was written; nothing is committed before, except when a new block is taken.
/// </summary>
internal ref struct Utf8Output
{
    // Asked for at least this much at a time: a 1 KB trace then takes one block from a fresh
    // ArrayBufferWriter, and a writer with more free space hands over all of it.
    private const int MinimumBlock = 256;

    private readonly IBufferWriter<byte> _destination;
    private Span<byte> _block;
    private int _used;
    private int _committed;

    public Utf8Output(IBufferWriter<byte> destination)
    {
        _destination = destination;
    }

    /// <summary>Bytes written since this output was created, committed or not.</summary>
    public readonly int Written => _committed + _used;

    /// <summary>The free part of the current block, at least <paramref name="size"/> bytes long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Reserve(int size)
    {
        if (_block.Length - _used < size)
        {
            NextBlock(size);
        }

        return _block[_used..];
    }

    /// <summary>The free part of the current block, possibly empty.</summary>
    public readonly Span<byte> Free => _block[_used..];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count) => _used += count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_block.Length - _used < bytes.Length)
        {
            NextBlock(bytes.Length);
        }

        bytes.CopyTo(_block[_used..]);
        _used += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(byte value)
    {
        if (_used == _block.Length)
        {
            NextBlock(1);
        }

        _block[_used++] = value;
    }

    /// <summary>Commits everything written to the destination.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            _destination.Advance(_used);
            _committed += _used;
            _used = 0;
        }

        _block = default;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NextBlock(int size)
    {
        Flush();
        _block = _destination.GetSpan(Math.Max(size, MinimumBlock));
        if (_block.Length < size)
        {
            throw new InvalidOperationException($"The buffer writer gave {_block.Length} bytes where {size} were asked for.");
        }
    }
}
