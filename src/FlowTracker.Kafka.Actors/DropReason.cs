namespace FlowTracker.Kafka.Actors;

/// <summary>Why a trace was dropped before it was sent to Kafka.</summary>
public enum DropReason
{
    /// <summary>The exporter's buffer (traces or bytes) was full.</summary>
    BufferFull,

    /// <summary>The record would exceed the producer's <c>message.max.bytes</c>.</summary>
    TooLarge,

    /// <summary>The trace was null, had no trace id, or a null span list or span.</summary>
    InvalidTrace,

    /// <summary>The trace could not be serialized.</summary>
    SerializationError,

    /// <summary>
    /// The exporter was stopping: the trace arrived after intake closed, or it was still buffered or
    /// unconfirmed by Kafka when the flush timeout ran out (it may have reached the topic; it was not confirmed).
    /// </summary>
    Shutdown,

    /// <summary>The spool held <c>spool.max-bytes</c> already: the newest trace is dropped.</summary>
    SpoolFull,
}
