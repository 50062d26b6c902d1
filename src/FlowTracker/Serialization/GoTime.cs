using System.Buffers.Binary;
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

    // "00" to "99": two digits are one lookup, not a division and a remainder each.
    private static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Writes the time in quotes; <paramref name="destination"/> has room for <see cref="MaxQuotedLength"/> bytes.</summary>
    public static int WriteQuoted(DateTimeOffset value, Span<byte> destination)
    {
        var minutes = new MinuteCache();
        return WriteQuoted(value, destination, ref minutes);
    }

    /// <summary>
    /// Writes the time in quotes, taking <c>yyyy-MM-ddTHH:mm</c> from <paramref name="minutes"/> when
    /// the clock minute is the one it holds: a trace's times mostly share it.
    /// </summary>
    public static int WriteQuoted(DateTimeOffset value, Span<byte> destination, ref MinuteCache minutes)
    {
        // One length check up front lets the constant indexes below go unchecked.
        destination = destination[..MaxQuotedLength];
        var clock = value.Ticks;
        var minute = clock / TimeSpan.TicksPerMinute;
        if (minute != minutes.Minute)
        {
            minutes.Fill(minute);
        }

        destination[0] = (byte)'"';
        BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], minutes.First);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[9..], minutes.Second);
        destination[17] = (byte)':';
        var ticksOfMinute = (int)(clock - (minute * TimeSpan.TicksPerMinute));
        Pair(destination, 18, ticksOfMinute / (int)TimeSpan.TicksPerSecond);
        var fraction = ticksOfMinute % (int)TimeSpan.TicksPerSecond;
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

        var offsetMinutes = value.TotalOffsetMinutes;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(Span<byte> destination, int index, int value)
    {
        var pairs = Pairs;
        destination[index] = pairs[value * 2];
        destination[index + 1] = pairs[(value * 2) + 1];
    }

    /// <summary>The last clock minute formatted, <c>yyyy-MM-ddTHH:mm</c>, as 16 bytes.</summary>
    internal struct MinuteCache
    {
        public MinuteCache()
        {
        }

        public long Minute { get; private set; } = -1;

        public ulong First { get; private set; }

        public ulong Second { get; private set; }

        public void Fill(long minute)
        {
            Span<byte> text = stackalloc byte[16];
            new DateTime(minute * TimeSpan.TicksPerMinute).Deconstruct(out int year, out int month, out int day);
            var minuteOfDay = (int)(minute % (24 * 60));
            Pair(text, 0, year / 100);
            Pair(text, 2, year % 100);
            text[4] = (byte)'-';
            Pair(text, 5, month);
            text[7] = (byte)'-';
            Pair(text, 8, day);
            text[10] = (byte)'T';
            Pair(text, 11, minuteOfDay / 60);
            text[13] = (byte)':';
            Pair(text, 14, minuteOfDay % 60);
            First = BinaryPrimitives.ReadUInt64LittleEndian(text);
            Second = BinaryPrimitives.ReadUInt64LittleEndian(text[8..]);
            Minute = minute;
        }
    }
}
