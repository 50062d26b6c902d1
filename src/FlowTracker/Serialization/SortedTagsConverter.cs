using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// Tags as a JSON object. Reading is tolerant: a number or boolean value keeps its JSON text, a
/// nested value keeps its raw JSON, null is skipped. Written as Go writes a <c>map[string]string</c>
/// (<see cref="GoTags"/>: keys by their UTF-8 bytes, <c>""</c> for a <see langword="null"/> key or value).
/// </summary>
internal sealed class SortedTagsConverter : JsonConverter<IReadOnlyDictionary<string, string>?>
{
    public override bool HandleNull => true;

    public override IReadOnlyDictionary<string, string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected tags to be a JSON object but found {reader.TokenType}.");
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    tags[key] = reader.GetString()!;
                    break;
                case JsonTokenType.Null:
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    using (var nested = JsonDocument.ParseValue(ref reader))
                    {
                        tags[key] = nested.RootElement.GetRawText();
                    }

                    break;
                default:
                    tags[key] = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
            }
        }

        return tags;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        var buffer = ScratchBuffer.Rent();
        try
        {
            var output = new Utf8Output(buffer);
            if (!GoTags.Write(ref output, value, default))
            {
                output.Write("{}"u8);
            }

            output.Flush();
            writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
    }
}
