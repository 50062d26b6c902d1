using System.Buffers;

namespace FlowTracker.Serialization;

/// <summary>
/// One buffer per thread for encodings that end up somewhere else (a new array, a string, a
/// <see cref="System.Text.Json.Utf8JsonWriter"/>), so those pay only for their result. Taken out of
/// its slot while in use, so a nested call (a dictionary that serializes while enumerated) gets its own.
/// </summary>
internal static class ScratchBuffer
{
    // Kept between calls up to this size; a larger one, grown by a huge trace, is left to the GC.
    private const int MaxKeptCapacity = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static ArrayBufferWriter<byte> Rent()
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
        t_buffer = null;
        return buffer;
    }

    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= MaxKeptCapacity)
        {
            buffer.ResetWrittenCount();
            t_buffer = buffer;
        }
    }
}
