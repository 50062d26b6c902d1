using System.Buffers.Binary;

namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>Self-checking test records: a sequence number, then bytes derived from it, so a reader tells torn or foreign data from ours.</summary>
internal static class Records
{
    public const int Size = 1300;

    public static byte[] Make(long sequence)
    {
        var record = new byte[Size];
        BinaryPrimitives.WriteInt64LittleEndian(record, sequence);
        for (var i = 8; i < record.Length; i++)
        {
            record[i] = (byte)((sequence * 31) + i);
        }

        return record;
    }

    /// <returns>The record's sequence number, or -1 when it is not a whole record of ours.</returns>
    public static long Check(byte[] record)
    {
        if (record.Length != Size)
        {
            return -1;
        }

        var sequence = BinaryPrimitives.ReadInt64LittleEndian(record);
        for (var i = 8; i < record.Length; i++)
        {
            if (record[i] != (byte)((sequence * 31) + i))
            {
                return -1;
            }
        }

        return sequence;
    }

    public static long DirectoryBytes(string directory) =>
        Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
}
