using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// A string field that Go declares as a plain <c>string</c>: Go can never write it as <c>null</c>, so
/// a <see langword="null"/> that a caller forced into the model (with <c>!</c> or reflection) is
/// written as Go writes an unset string, <c>""</c>. Reading <c>null</c> gives <c>""</c> as well, as
/// Go's decoder leaves a string at its zero value when it meets <c>null</c>.
/// </summary>
internal sealed class NullAsEmptyStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    // Anything but a string or null fails in GetString, as with the built-in string converter.
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? string.Empty : reader.GetString()!;

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value ?? string.Empty);
}
