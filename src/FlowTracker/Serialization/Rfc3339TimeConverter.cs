using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// Reads any RFC 3339 timestamp, keeping its offset as Go keeps the zone it reads (so a time read
/// and written back has Go's bytes again); Go's nanosecond fractions are truncated to .NET's
/// 100 ns ticks. Writes as Go's <c>time.Time</c> marshals (<see cref="GoTime"/>).
/// </summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected an RFC 3339 timestamp string but found {reader.TokenType}.");
        }

        if (reader.TryGetDateTimeOffset(out var value))
        {
            return value;
        }

        // Go accepts more than System.Text.Json's ISO profile (for example a lower-case 't' or 'z').
        var text = reader.GetString();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            return value;
        }

        throw new JsonException($"'{text}' is not an RFC 3339 timestamp.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[GoTime.MaxQuotedLength];
        writer.WriteRawValue(buffer[..GoTime.WriteQuoted(value, buffer)], skipInputValidation: true);
    }
}
