namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's stream failed (for example its producer's fatal error, with no restart left): the exporter
/// actor fails with this exception, so its parent's supervision decides what follows. The cause is the
/// <see cref="Exception.InnerException"/>, typically a <see cref="KafkaProducerFatalException"/>.
/// </summary>
public sealed class KafkaExporterStreamException : Exception
{
    internal KafkaExporterStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
