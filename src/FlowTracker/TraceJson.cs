using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlowTracker.Serialization;

namespace FlowTracker;

/// <summary>
/// The FlowTracker wire format: the Go library's JSON, written straight to UTF-8.
/// </summary>
/// <remarks>
/// <para>Fields: <c>trace_id</c>, <c>spans[]</c> with <c>span_id</c>, <c>parent_id</c> (omitted when
/// empty), <c>name</c>, <c>start_time</c> and <c>end_time</c> (RFC 3339, UTC; omitted when unset),
/// <c>duration_ms</c> (integer) and <c>tags</c> (omitted when empty, keys sorted). A consumer written
/// for the Go exporter reads these bytes unchanged.</para>
/// <para>Strings are escaped as JSON requires but non-ASCII text is written as UTF-8, as Go does; a lone
/// surrogate becomes U+FFFD, so the output is always valid UTF-8. The reader ignores unknown fields,
/// accepts any RFC 3339 offset and Go's nanosecond fractions, and tolerates missing optional fields
/// and <c>"spans": null</c>.</para>
/// <para>Go's string fields can never be <c>null</c>, so none is written as <c>null</c>: a
/// <see langword="null"/> forced into <c>trace_id</c>, <c>span_id</c>, <c>name</c> or a tag's value
/// (or key) is written as <c>""</c>, as Go writes an unset string (a null <c>parent_id</c> is omitted,
/// as Go omits an empty one). Reading <c>null</c> in <c>trace_id</c>, <c>span_id</c> or <c>name</c>
/// gives <c>""</c>, not <see langword="null"/>, as Go's decoder leaves the string empty, so the model's
/// non-nullable properties stay non-null; a tag whose value is <c>null</c> is skipped.</para>
/// <para>Other odd content is written as valid JSON too: any <see cref="DateTimeOffset"/>
/// (<see cref="DateTimeOffset.MinValue"/> is unset and omitted), any duration, and a null spans list or
/// span as <c>null</c>, as Go writes a nil slice or pointer. The one exception is a single string or tag
/// key longer than 166,666,666 UTF-16 characters, System.Text.Json's limit: serializing it throws
/// <see cref="ArgumentException"/>; such a record is far beyond any practical Kafka message size.</para>
/// </remarks>
public static class TraceJson
{
    /// <summary>The content type of a serialized trace: <c>application/json</c>.</summary>
    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions SerializerOptions = new(TraceJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // Parks the cached writer between calls so it never keeps a caller's buffer alive.
    private static readonly ArrayBufferWriter<byte> Parking = new(1);

    [ThreadStatic]
    private static Utf8JsonWriter? t_cachedWriter;

    /// <summary>The source-generated type information, for composing with other System.Text.Json code.</summary>
    public static JsonTypeInfo<Trace> TypeInfo { get; } =
        (JsonTypeInfo<Trace>)SerializerOptions.GetTypeInfo(typeof(Trace));

    /// <summary>Serializes a trace to a new UTF-8 byte array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="trace"/> is null.</exception>
    public static byte[] SerializeToUtf8Bytes(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return JsonSerializer.SerializeToUtf8Bytes(trace, TypeInfo);
    }

    /// <summary>
    /// Serializes a trace into a caller's buffer writer (for example a pooled buffer), with no
    /// intermediate string or array. The writer is reused per thread, so this allocates nothing per call.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Serialize(IBufferWriter<byte> destination, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(trace);

        var writer = t_cachedWriter;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(destination, WriterOptions);
            t_cachedWriter = writer;
        }
        else
        {
            writer.Reset(destination);
        }

        try
        {
            JsonSerializer.Serialize(writer, trace, TypeInfo);
            writer.Flush();
        }
        finally
        {
            writer.Reset(Parking);
        }
    }

    /// <summary>Serializes a trace into an existing JSON writer.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Serialize(Utf8JsonWriter writer, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trace);
        JsonSerializer.Serialize(writer, trace, TypeInfo);
    }

    /// <summary>Serializes a trace to a JSON string (for logs and consoles; exporters use the UTF-8 overloads).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="trace"/> is null.</exception>
    public static string SerializeToString(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return JsonSerializer.Serialize(trace, TypeInfo);
    }

    /// <summary>Reads a trace from UTF-8 JSON.</summary>
    /// <exception cref="JsonException">The input is not a JSON trace.</exception>
    public static Trace Deserialize(ReadOnlySpan<byte> utf8Json) =>
        Normalize(JsonSerializer.Deserialize(utf8Json, TypeInfo));

    /// <summary>Reads a trace from a JSON string.</summary>
    /// <exception cref="JsonException">The input is not a JSON trace.</exception>
    public static Trace Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Normalize(JsonSerializer.Deserialize(json, TypeInfo));
    }

    // Go marshals a nil slice as "spans": null and a consumer may meet "null" in the list; the
    // reader turns both into what a reader expects (a list of spans) instead of failing later.
    private static Trace Normalize(Trace? trace)
    {
        if (trace is null)
        {
            throw new JsonException("Expected a JSON object for the trace but found null.");
        }

        if (trace.Spans is null)
        {
            return trace with { Spans = [] };
        }

        foreach (var span in trace.Spans)
        {
            if (span is null)
            {
                return trace with { Spans = trace.Spans.Where(static s => s is not null).ToArray() };
            }
        }

        return trace;
    }
}
