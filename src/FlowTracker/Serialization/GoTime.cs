using System.Runtime.CompilerServices;

namespace FlowTracker.Serialization;

/// <summary>
/// Formats a time as Go's <c>time.Time</c> marshals to JSON: RFC 3339 with nanoseconds
/// (<c>time.RFC3339Nano</c>), the fraction's trailing zeros trimmed and no fraction when it is
/// zero, the clock time of the value's own offset, and <c>Z</c> for offset zero or <c>±hh:mm</c>.
/// .NET holds 100 ns ticks, so at most 7 fraction digits are written. An unset time
/// (<see cref="DateTimeOffset.MinValue"/>) is Go's zero time, <c>0001-01-01T00:00:00Z</c>.
/// </summary>
internal static class GoTime
{
    /// <summary>The longest quoted time: <c>"9999-12-31T23:59:59.9999999+14:00"</c>.</summary>
    public const int MaxQuotedLength = 35;

    /// <summary>Writes the time in quotes; <paramref name="destination"/> has room for <see cref="MaxQuotedLength"/> bytes.</summary>
    public static int WriteQuoted(DateTimeOffset value, Span<byte> destination)
    {
        var clock = value.Ticks;
        new DateTime(clock).Deconstruct(out int year, out int month, out int day);
        var ticksOfDay = clock % TimeSpan.TicksPerDay;
        var seconds = (int)(ticksOfDay / TimeSpan.TicksPerSecond);
        var fraction = (int)(ticksOfDay % TimeSpan.TicksPerSecond);

        destination[0] = (byte)'"';
        Digits2(destination[1..], year / 100);
        Digits2(destination[3..], year % 100);
        destination[5] = (byte)'-';
        Digits2(destination[6..], month);
        destination[8] = (byte)'-';
        Digits2(destination[9..], day);
        destination[11] = (byte)'T';
        Digits2(destination[12..], seconds / 3600);
        destination[14] = (byte)':';
        Digits2(destination[15..], seconds / 60 % 60);
        destination[17] = (byte)':';
        Digits2(destination[18..], seconds % 60);
        var written = 20;

        if (fraction != 0)
        {
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            destination[written] = (byte)'.';
            for (var i = digits; i > 0; i--)
            {
                destination[written + i] = (byte)('0' + (fraction % 10));
                fraction /= 10;
            }

            written += digits + 1;
        }

        var offsetMinutes = (int)(value.Offset.Ticks / TimeSpan.TicksPerMinute);
        if (offsetMinutes == 0)
        {
            destination[written++] = (byte)'Z';
        }
        else
        {
            destination[written] = offsetMinutes < 0 ? (byte)'-' : (byte)'+';
            offsetMinutes = Math.Abs(offsetMinutes);
            Digits2(destination[(written + 1)..], offsetMinutes / 60);
            destination[written + 3] = (byte)':';
            Digits2(destination[(written + 4)..], offsetMinutes % 60);
            written += 6;
        }

        destination[written++] = (byte)'"';
        return written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Digits2(Span<byte> destination, int value)
    {
        destination[1] = (byte)('0' + (value % 10));
        destination[0] = (byte)('0' + (value / 10));
    }
}
