using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>
/// Writes timestamps exactly as Go's <c>time.Time</c> marshals a UTC time (RFC 3339 with the
/// fraction's trailing zeros trimmed, <c>Z</c> suffix), and reads any RFC 3339 timestamp: offsets
/// are converted to UTC and Go's nanosecond fractions are truncated to .NET's 100 ns ticks.
/// </summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    // "yyyy-MM-ddTHH:mm:ss" + "." + 7 digits + "Z"
    private const int MaxLength = 19 + 1 + 7 + 1;

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
            return value.ToUniversalTime();
        }

        // Go accepts more than System.Text.Json's ISO profile (for example a lower-case 't' or 'z').
        var text = reader.GetString();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            return value.ToUniversalTime();
        }

        throw new JsonException($"'{text}' is not an RFC 3339 timestamp.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        writer.WriteStringValue(buffer[..Format(value, buffer)]);
    }

    internal static int Format(DateTimeOffset value, Span<byte> destination)
    {
        var utc = value.UtcDateTime;
        if (!utc.TryFormat(destination, out var written, "yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture))
        {
            throw new FormatException("Timestamp buffer too small.");
        }

        var fraction = (int)(utc.Ticks % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            destination[written++] = (byte)'.';
            Utf8Formatter.TryFormat(fraction, destination[written..], out var fractionLength, new StandardFormat('D', (byte)digits));
            written += fractionLength;
        }

        destination[written++] = (byte)'Z';
        return written;
    }
}
