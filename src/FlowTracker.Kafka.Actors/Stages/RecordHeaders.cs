using System.Text;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>The header every record carries, and what it adds to a record's size.</summary>
internal static class RecordHeaders
{
    public const string ContentTypeName = "content-type";

    public static readonly byte[] ContentTypeValue = Encoding.UTF8.GetBytes(TraceJson.ContentType);

    /// <summary>Header bytes counted against <c>message.max.bytes</c> and the byte budget.</summary>
    public static readonly int Size = Encoding.UTF8.GetByteCount(ContentTypeName) + ContentTypeValue.Length;
}
