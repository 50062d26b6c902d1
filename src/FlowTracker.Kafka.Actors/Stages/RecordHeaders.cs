using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>The headers records carry, and what they add to a record's size.</summary>
internal static class RecordHeaders
{
    public const string ContentTypeName = "content-type";

    /// <summary>On each part of a split trace: which part it is, from 1.</summary>
    public const string PartName = "flowtracker.part";

    /// <summary>On each part of a split trace: how many parts the trace has.</summary>
    public const string PartsName = "flowtracker.parts";

    public static readonly byte[] ContentTypeValue = Encoding.UTF8.GetBytes(TraceJson.ContentType);

    /// <summary>
    /// What librdkafka adds to every record's key, value and headers before it compares the record with
    /// <c>message.max.bytes</c> (<c>RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD</c>, checked in <c>rd_kafka_msg_new0</c>): the record's
    /// length, attributes, timestamp and offset deltas, key and value lengths and header count, each at its widest varint.
    /// Left out, a record within 36 B of the limit was refused at Produce (<c>MsgSizeTooLarge</c>), and parts packed up
    /// to the limit were refused one in a few: the trace dropped with some of its parts already on the topic.
    /// </summary>
    public const int LibrdkafkaFraming = 36;

    /// <summary>
    /// What a whole record adds to its key and value as librdkafka counts it against <c>message.max.bytes</c> (its framing
    /// and its one header); also counted in the byte budget.
    /// </summary>
    public static readonly int Size = LibrdkafkaFraming + Serialized(ContentTypeName, ContentTypeValue.Length);

    /// <summary>What the part headers add at most (their values as up to 10 digits each), as librdkafka counts them.</summary>
    public static readonly int PartsSize = PartsSizeFor(int.MaxValue);

    /// <summary>What the part headers of a trace cut into <paramref name="parts"/> parts add to each, at most, as librdkafka counts them.</summary>
    public static int PartsSizeFor(int parts)
    {
        var digits = Digits(parts);
        return Serialized(PartName, digits) + Serialized(PartsName, digits);
    }

    /// <summary>How many decimal digits <paramref name="value"/> (positive) is written with.</summary>
    public static int Digits(int value)
    {
        // Counted, not taken from a floating-point logarithm: one digit too few would make a record a byte over the limit.
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    /// <summary>
    /// A whole trace's headers, one instance for every record: Confluent only reads them while Produce copies them
    /// into librdkafka, so a record need not allocate its own. Never modified after this.
    /// </summary>
    private static readonly Headers Whole = new() { { ContentTypeName, ContentTypeValue } };

    /// <summary>
    /// The record's size as librdkafka checks it against <c>message.max.bytes</c>: framing, key, value, and each header's
    /// name and value with their varint lengths (tests).
    /// </summary>
    public static int WireSize(OutgoingRecord record)
    {
        var size = LibrdkafkaFraming + record.Key.Length + record.Value.Length;
        foreach (var header in For(record))
        {
            size += Serialized(header.Key, header.GetValueBytes().Length);
        }

        return size;
    }

    public static Headers For(OutgoingRecord record)
    {
        if (record.Parts is not { } parts)
        {
            return Whole;
        }

        return new Headers
        {
            { ContentTypeName, ContentTypeValue },
            { PartName, Encoding.UTF8.GetBytes((record.PartIndex + 1).ToString(CultureInfo.InvariantCulture)) },
            { PartsName, Encoding.UTF8.GetBytes(parts.Count.ToString(CultureInfo.InvariantCulture)) },
        };
    }

    /// <summary>A header as librdkafka serializes it: its name and value, each after its length as a zigzag varint.</summary>
    private static int Serialized(string name, int valueLength)
    {
        var nameLength = Encoding.UTF8.GetByteCount(name);
        return VarintLength(nameLength) + nameLength + VarintLength(valueLength) + valueLength;
    }

    private static int VarintLength(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var length = 1;
        while (zigzag >= 0x80)
        {
            zigzag >>= 7;
            length++;
        }

        return length;
    }
}
