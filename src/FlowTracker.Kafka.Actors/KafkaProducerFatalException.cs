using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's producer hit a fatal error it cannot recover from in place (librdkafka: only a new
/// producer helps), and the exporter has no restart left for it. Reaches the exporter actor's parent as
/// the inner exception of <see cref="KafkaExporterStreamException"/>.
/// </summary>
public sealed class KafkaProducerFatalException : Exception
{
    internal KafkaProducerFatalException(Error error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>The fatal error librdkafka reported.</summary>
    public Error Error { get; }
}
