using System.Runtime.InteropServices;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// Confluent's Produce takes a value as an array of exactly its length, and copies it into librdkafka before it
/// returns (<c>RD_KAFKA_MSG_F_COPY</c>): so a value packed in a slab is handed over in an array reused for every
/// value of the same length, kept per length for the few lengths seen last. The producer stage's thread only.
/// </summary>
internal sealed class ExactValues
{
    /// <summary>Lengths kept at once; past that the cache starts over (traces of many sizes allocate as before).</summary>
    private const int MaxLengths = 64;

    private readonly Dictionary<int, byte[]> _byLength = [];

    public byte[] For(ReadOnlyMemory<byte> value)
    {
        if (MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length)
        {
            return segment.Array;
        }

        if (!_byLength.TryGetValue(value.Length, out var array))
        {
            if (_byLength.Count >= MaxLengths)
            {
                _byLength.Clear();
            }

            array = GC.AllocateUninitializedArray<byte>(value.Length);
            _byLength[value.Length] = array;
        }

        value.Span.CopyTo(array);
        return array;
    }
}
