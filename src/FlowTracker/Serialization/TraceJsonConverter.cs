using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// The trace as System.Text.Json sees it through <see cref="TraceJson.TypeInfo"/>: written by
/// <see cref="TraceEncoder"/> as a raw value, so composing with other System.Text.Json code gives the
/// same bytes as Go; read by the source-generated metadata, then made what a reader expects.
/// </summary>
internal sealed class TraceJsonConverter : JsonConverter<Trace>
{
    public override Trace? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Normalize(JsonSerializer.Deserialize(ref reader, TraceJsonContext.Default.Trace));

    public override void Write(Utf8JsonWriter writer, Trace value, JsonSerializerOptions options) =>
        WriteRaw(writer, value);

    public static void WriteRaw(Utf8JsonWriter writer, Trace trace)
    {
        var buffer = ScratchBuffer.Rent();
        try
        {
            TraceEncoder.Encode(buffer, trace);
            writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
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
