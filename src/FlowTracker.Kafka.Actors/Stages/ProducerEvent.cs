using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>What a producer's event is about.</summary>
internal enum ProducerEventKind : byte
{
    /// <summary>A delivery report for one send.</summary>
    Report,

    /// <summary>An error event of the producer as a whole (librdkafka's error callback).</summary>
    Error,
}

/// <summary>
/// One event of one producer, in the order librdkafka raised it: a delivery report of send
/// <see cref="Send"/>, or an error event. <see cref="Generation"/> names the producer that raised it.
/// </summary>
internal readonly record struct ProducerEvent(ProducerEventKind Kind, int Generation, long Send, Error Error, int Partition = -1, long Offset = -1)
{
    public static ProducerEvent Reported(int generation, long send, Error error, int partition = -1, long offset = -1) =>
        new(ProducerEventKind.Report, generation, send, error, partition, offset);

    public static ProducerEvent Raised(int generation, Error error) => new(ProducerEventKind.Error, generation, 0, error);
}
