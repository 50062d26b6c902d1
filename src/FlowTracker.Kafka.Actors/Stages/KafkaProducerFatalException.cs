using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>The producer hit a fatal error: it can never send again, and only a new producer helps.</summary>
public sealed class KafkaProducerFatalException : Exception
{
    /// <summary>Creates the exception for a fatal Kafka error.</summary>
    public KafkaProducerFatalException(Error error)
        : base($"Fatal Kafka producer error {error.Code}: {error.Reason}")
    {
        Error = error;
    }

    /// <summary>The fatal error librdkafka reported.</summary>
    public Error Error { get; }
}
