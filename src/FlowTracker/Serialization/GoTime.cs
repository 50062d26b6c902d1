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

    // "00" to "99": two digits are one lookup, not a division and a remainder each.
    private static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Writes the time in quotes; <paramref name="destination"/> has room for <see cref="MaxQuotedLength"/> bytes.</summary>
    public static int WriteQuoted(DateTimeOffset value, Span<byte> destination)
    {
        // One length check up front lets the constant indexes below go unchecked.
        destination = destination[..MaxQuotedLength];
        var clock = value.Ticks;
        new DateTime(clock).Deconstruct(out int year, out int month, out int day);
        var ticksOfDay = clock % TimeSpan.TicksPerDay;
        var seconds = (int)(ticksOfDay / TimeSpan.TicksPerSecond);
        var fraction = (int)(ticksOfDay % TimeSpan.TicksPerSecond);

        destination[0] = (byte)'"';
        Pair(destination, 1, year / 100);
        Pair(destination, 3, year % 100);
        destination[5] = (byte)'-';
        Pair(destination, 6, month);
        destination[8] = (byte)'-';
        Pair(destination, 9, day);
        destination[11] = (byte)'T';
        Pair(destination, 12, seconds / 3600);
        destination[14] = (byte)':';
        Pair(destination, 15, seconds / 60 % 60);
        destination[17] = (byte)':';
        Pair(destination, 18, seconds % 60);
        var written = 20;

        if (fraction != 0)
        {
            // Seven digits, then the trailing zeros taken back, as Go trims them.
            destination[20] = (byte)'.';
            destination[21] = (byte)('0' + (fraction / 1_000_000));
            Pair(destination, 22, fraction / 10_000 % 100);
            Pair(destination, 24, fraction / 100 % 100);
            Pair(destination, 26, fraction % 100);
            written = 28;
            while (destination[written - 1] == '0')
            {
                written--;
            }
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
            Pair(destination, written + 1, offsetMinutes / 60);
            destination[written + 3] = (byte)':';
            Pair(destination, written + 4, offsetMinutes % 60);
            written += 6;
        }

        destination[written++] = (byte)'"';
        return written;
    }

    private static void Pair(Span<byte> destination, int index, int value)
    {
        var pairs = Pairs;
        destination[index] = pairs[value * 2];
        destination[index + 1] = pairs[(value * 2) + 1];
    }
}
