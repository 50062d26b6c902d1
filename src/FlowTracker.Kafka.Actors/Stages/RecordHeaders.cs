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

    /// <summary>Header bytes counted against <c>message.max.bytes</c> and the byte budget.</summary>
    public static readonly int Size = Encoding.UTF8.GetByteCount(ContentTypeName) + ContentTypeValue.Length;

    /// <summary>What the part headers add at most (their values as up to 10 digits each).</summary>
    public static readonly int PartsSize = Encoding.UTF8.GetByteCount(PartName) + Encoding.UTF8.GetByteCount(PartsName) + 20;

    /// <summary>
    /// A whole trace's headers, one instance for every record: Confluent only reads them while Produce copies them
    /// into librdkafka, so a record need not allocate its own. Never modified after this.
    /// </summary>
    private static readonly Headers Whole = new() { { ContentTypeName, ContentTypeValue } };

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
}
