namespace FlowTracker.Kafka.Actors.Actors;

/// <summary>The exporter's stream failed (for example the producer's fatal error); its parent's supervision decides what follows.</summary>
public sealed class KafkaExporterStreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KafkaExporterStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
