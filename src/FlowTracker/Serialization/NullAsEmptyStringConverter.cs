using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// A string field that Go declares as a plain <c>string</c>: Go can never write it as <c>null</c>, so
/// a <see langword="null"/> that a caller forced into the model (with <c>!</c> or reflection) is
/// written as Go writes an unset string, <c>""</c>. Reading <c>null</c> gives <c>""</c> as well, as
/// Go's decoder leaves a string at its zero value when it meets <c>null</c>. Written with Go's
/// escaping (<see cref="GoString"/>), so a caller serializing a <see cref="Span"/> with their own
/// System.Text.Json options still gets Go's bytes for it.
/// </summary>
internal sealed class NullAsEmptyStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    // Anything but a string or null fails in GetString, as with the built-in string converter.
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? string.Empty : reader.GetString()!;

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        var buffer = ScratchBuffer.Rent();
        try
        {
            var output = new Utf8Output(buffer);
            GoString.Write(ref output, value);
            output.Flush();
            writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
    }
}
