using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// Tags as a JSON object. Keys are written in ordinal order because Go's <c>encoding/json</c>
/// sorts map keys; equal maps therefore give equal bytes in both languages. Reading is tolerant:
/// a number or boolean value keeps its JSON text, a nested value keeps its raw JSON, null is skipped.
/// Writing never emits <c>null</c>: Go's tags are a <c>map[string]string</c>, so a
/// <see langword="null"/> value, or a <see langword="null"/> key that a custom dictionary yields, is
/// written as <c>""</c>, as Go writes an empty string.
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

        writer.WriteStartObject();
        if (IsOrdinallySorted(value))
        {
            foreach (var (key, tag) in value)
            {
                writer.WriteString(key ?? string.Empty, tag ?? string.Empty);
            }
        }
        else
        {
            var sorted = value.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var (key, tag) in sorted)
            {
                writer.WriteString(key ?? string.Empty, tag ?? string.Empty);
            }
        }

        writer.WriteEndObject();
    }

    // The tracer builds tags in key order, so the common case writes without sorting or allocating.
    private static bool IsOrdinallySorted(IReadOnlyDictionary<string, string> tags)
    {
        string? previous = null;
        foreach (var key in tags.Keys)
        {
            if (previous is not null && string.CompareOrdinal(previous, key) > 0)
            {
                return false;
            }

            previous = key;
        }

        return true;
    }
}
