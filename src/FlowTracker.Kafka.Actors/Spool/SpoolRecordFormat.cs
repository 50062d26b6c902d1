using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// One log entry: <c>version(1) crc32c(4) keyLength(4) key headerCount(2) [nameLength(2) name valueLength(4) value]* value</c>,
/// little-endian, the CRC over everything after it. Our own checksum rather than FasterLog's: FasterLog checks its
/// per-entry checksum only on pages it reads from disk, not on the tail page recovery loads, which is exactly
/// where a torn write lands.
/// </summary>
internal static class SpoolRecordFormat
{
    private const byte Version = 1;
    private const int Prefix = 1 + 4;

    public static int SizeOf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, IReadOnlyList<SpoolHeader>? headers)
    {
        var size = Prefix + 4 + key.Length + 2 + value.Length;
        foreach (var header in headers ?? [])
        {
            size += 2 + Encoding.UTF8.GetByteCount(header.Name) + 4 + header.Value.Length;
        }

        return size;
    }

    public static void Write(Span<byte> entry, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, IReadOnlyList<SpoolHeader>? headers)
    {
        entry[0] = Version;
        var at = Prefix;
        BinaryPrimitives.WriteInt32LittleEndian(entry[at..], key.Length);
        at += 4;
        key.CopyTo(entry[at..]);
        at += key.Length;
        var count = headers?.Count ?? 0;
        if (count > ushort.MaxValue)
        {
            throw new ArgumentException("a record has more headers than the spool keeps", nameof(headers));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(entry[at..], (ushort)count);
        at += 2;
        for (var i = 0; i < count; i++)
        {
            var (name, headerValue) = headers![i];
            var nameLength = Encoding.UTF8.GetBytes(name, entry[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[at..], checked((ushort)nameLength));
            at += 2 + nameLength;
            BinaryPrimitives.WriteInt32LittleEndian(entry[at..], headerValue.Length);
            at += 4;
            headerValue.CopyTo(entry[at..]);
            at += headerValue.Length;
        }

        value.CopyTo(entry[at..]);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[1..], Crc32C(entry[Prefix..]));
    }

    /// <summary>The fewest bytes a record has: its prefix, key length and header count.</summary>
    public const int MinSize = Prefix + 4 + 2;

    /// <returns>Whether the entry is a whole record of this format: its version and CRC check out.</returns>
    public static bool IsWhole(ReadOnlySpan<byte> entry) =>
        entry.Length >= MinSize && entry[0] == Version && BinaryPrimitives.ReadUInt32LittleEndian(entry[1..]) == Crc32C(entry[Prefix..]);

    /// <returns>False when the entry is not a whole record of this format (torn, scrambled, or foreign).</returns>
    public static bool TryRead(ReadOnlySpan<byte> entry, SpoolId id, out SpoolRecord? record)
    {
        var headers = new List<SpoolHeader>();
        record = Walk(entry, headers, out var key, out var valueAt)
            ? new SpoolRecord(id, entry[key].ToArray(), entry[valueAt..].ToArray(), headers)
            : null;
        return record is not null;
    }

    /// <summary>A located whole record (<see cref="SpoolEntryReader{T}"/>) as arrays of its own, headers included.</summary>
    public static SpoolRecord ToRecord(SpoolId id, ReadOnlySpan<byte> entry, Range key, int valueAt)
    {
        var headers = new List<SpoolHeader>();
        Walk(entry, headers, out _, out _);
        return new SpoolRecord(id, entry[key].ToArray(), entry[valueAt..].ToArray(), headers);
    }

    /// <summary>Where the key and the value lie in a whole record, without copying either (its headers are checked, not read).</summary>
    /// <returns>False when the entry is not a whole record of this format.</returns>
    public static bool TryLocate(ReadOnlySpan<byte> entry, out Range key, out int valueAt) => Walk(entry, null, out key, out valueAt);

    private static bool Walk(ReadOnlySpan<byte> entry, List<SpoolHeader>? headers, out Range key, out int valueAt)
    {
        key = default;
        valueAt = 0;
        if (!IsWhole(entry))
        {
            return false;
        }

        // The checksum matched, so lengths are what the writer wrote; the bounds checks guard against a collision only.
        var at = Prefix;
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(entry[at..]);
        at += 4;
        if (keyLength < 0 || keyLength > entry.Length - at - 2)
        {
            return false;
        }

        key = new Range(at, at + keyLength);
        at += keyLength;
        var count = BinaryPrimitives.ReadUInt16LittleEndian(entry[at..]);
        at += 2;
        for (var i = 0; i < count; i++)
        {
            if (entry.Length - at < 2)
            {
                return false;
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(entry[at..]);
            at += 2;
            if (nameLength > entry.Length - at - 4)
            {
                return false;
            }

            var name = entry.Slice(at, nameLength);
            at += nameLength;
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(entry[at..]);
            at += 4;
            if (valueLength < 0 || valueLength > entry.Length - at)
            {
                return false;
            }

            headers?.Add(new SpoolHeader(Encoding.UTF8.GetString(name), entry.Slice(at, valueLength).ToArray()));
            at += valueLength;
        }

        valueAt = at;
        return true;
    }

    /// <summary>CRC-32C (Castagnoli) with the BCL's hardware-backed steps; no package needed for a checksum.</summary>
    internal static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
