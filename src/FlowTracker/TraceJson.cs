using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlowTracker.Serialization;

namespace FlowTracker;

/// <summary>
/// The FlowTracker wire format: byte for byte what the Go library's <c>json.Marshal</c> writes for
/// the same trace (Go 1.24), written straight to UTF-8.
/// </summary>
/// <remarks>
/// <para>Fields, in the Go struct's order: <c>trace_id</c>, <c>spans[]</c> with <c>span_id</c>,
/// <c>parent_id</c> (omitted when empty), <c>name</c>, <c>start_time</c> and <c>end_time</c> (always
/// written; RFC 3339 with up to 7 fraction digits, trailing zeros trimmed, in the value's own offset,
/// <c>Z</c> for offset zero; an unset time is Go's zero time <c>0001-01-01T00:00:00Z</c>),
/// <c>duration_ms</c> (integer) and <c>tags</c> (omitted when empty, keys in the order of their UTF-8
/// bytes, as Go sorts map keys). No whitespace, no trailing newline.</para>
/// <para>Strings are escaped as Go's <c>encoding/json</c> escapes them: <c>&lt;</c>, <c>&gt;</c>,
/// <c>&amp;</c>, U+2028 and U+2029 as <c>\u003c</c>, <c>\u003e</c>, <c>\u0026</c>, <c>\u2028</c>,
/// <c>\u2029</c>; control characters as <c>\b</c>, <c>\f</c>, <c>\n</c>, <c>\r</c>, <c>\t</c> or
/// <c>\u00xx</c>; everything else, emoji, DEL and U+FFFD included, as raw UTF-8. A lone surrogate
/// becomes U+FFFD (Go's string of the same UTF-16 text holds U+FFFD there), so the output is always
/// valid UTF-8.</para>
/// <para>Go's string fields can never be <c>null</c>, so none is written as <c>null</c>: a
/// <see langword="null"/> forced into <c>trace_id</c>, <c>span_id</c>, <c>name</c> or a tag's value
/// (or key) is written as <c>""</c>, as Go writes an unset string (a null <c>parent_id</c> is omitted,
/// as Go omits an empty one). A null spans list or span is written as <c>null</c>, as Go writes a nil
/// slice or pointer. Reading <c>null</c> in <c>trace_id</c>, <c>span_id</c> or <c>name</c> gives
/// <c>""</c>, as Go's decoder leaves the string empty; a tag whose value is <c>null</c> is skipped.</para>
/// <para>The reader ignores unknown fields, accepts any RFC 3339 offset (and keeps it, as Go keeps the
/// zone it reads) and Go's nanosecond fractions (truncated to 100 ns), and tolerates missing optional
/// fields and <c>"spans": null</c>.</para>
/// </remarks>
public static class TraceJson
{
    /// <summary>The content type of a serialized trace: <c>application/json</c>.</summary>
    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions SerializerOptions = new(TraceJsonContext.Default.Options)
    {
        Converters = { new TraceJsonConverter() },
    };

    /// <summary>
    /// Type information for composing with other System.Text.Json code: a <see cref="Trace"/> is
    /// written with the same bytes as <see cref="Serialize(IBufferWriter{byte}, Trace)"/> (as a raw
    /// value, so an indenting writer leaves it compact) and read as <see cref="Deserialize(string)"/> reads.
    /// </summary>
    public static JsonTypeInfo<Trace> TypeInfo { get; } =
        (JsonTypeInfo<Trace>)SerializerOptions.GetTypeInfo(typeof(Trace));

    /// <summary>Serializes a trace to a new UTF-8 byte array, allocating only that array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="trace"/> is null.</exception>
    public static byte[] SerializeToUtf8Bytes(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var buffer = ScratchBuffer.Rent();
        try
        {
            TraceEncoder.Encode(buffer, trace);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
    }

    /// <summary>
    /// Serializes a trace into a caller's buffer writer (for example a reused or pooled one), appending
    /// to what it holds. Allocates nothing when the tags are <see cref="Dictionary{TKey, TValue}"/>
    /// (what the tracer builds) or absent; another dictionary type costs its enumerator.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Serialize(IBufferWriter<byte> destination, Trace trace) =>
        TraceEncoder.Encode(destination, trace);

    /// <summary>Serializes a trace into an existing JSON writer, as a raw value with the same bytes as the other overloads.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Serialize(Utf8JsonWriter writer, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trace);
        TraceJsonConverter.WriteRaw(writer, trace);
    }

    /// <summary>Serializes a trace to a JSON string (for logs and consoles; exporters use the UTF-8 overloads).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="trace"/> is null.</exception>
    public static string SerializeToString(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var buffer = ScratchBuffer.Rent();
        try
        {
            TraceEncoder.Encode(buffer, trace);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
    }

    /// <summary>Reads a trace from UTF-8 JSON.</summary>
    /// <exception cref="JsonException">The input is not a JSON trace.</exception>
    public static Trace Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, TypeInfo) ?? throw NullTrace();

    /// <summary>Reads a trace from a JSON string.</summary>
    /// <exception cref="JsonException">The input is not a JSON trace.</exception>
    public static Trace Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, TypeInfo) ?? throw NullTrace();
    }

    private static JsonException NullTrace() => new("Expected a JSON object for the trace but found null.");
}
