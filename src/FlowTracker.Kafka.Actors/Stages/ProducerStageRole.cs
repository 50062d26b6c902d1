namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>Who runs the producer stage, which decides how it fails.</summary>
internal enum ProducerStageRole : byte
{
    /// <summary>
    /// The exporter's stream: a failure hands the
    /// unsettled records to the exporter, whose next stream sends them.
    /// </summary>
    Exporter,

    /// <summary>
    /// The public flow and sink: holds at most its byte budget, and a failure fails
    /// the unsettled records (with the fatal error's code) before failing the stream with the cause.
    /// </summary>
    Stream,
}
