using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>What <see cref="RecordSender"/> needs of the exporter's settings.</summary>
/// <param name="Topic">Where every record goes.</param>
/// <param name="MaxBacklog">Records the sender holds before it stops pulling (the exporter's own gate bounds them first).</param>
/// <param name="FlushTimeout">How long an upstream completion may take to settle everything when no stop deadline was given.</param>
/// <param name="ReportTimeout">How long a record may wait for its report before its producer is judged not to report at all.</param>
/// <param name="Restart">The restart settings, for the messages that name them.</param>
/// <param name="OwnsProducer">Whether a dead producer may be rebuilt.</param>
/// <param name="Time">The clock of report ages.</param>
/// <param name="MaxInFlightBytes">What librdkafka's queue may cost, its bookkeeping included (<see cref="InFlightRecords"/>).</param>
internal sealed record SenderOptions(
    string Topic, int MaxBacklog, TimeSpan FlushTimeout, TimeSpan ReportTimeout, RestartBackoffSettings Restart, bool OwnsProducer, TimeProvider Time, long MaxInFlightBytes = long.MaxValue)
{
    public static SenderOptions From(KafkaExporterSettings settings, TimeProvider time) =>
        new(settings.Topic, settings.MaxBufferedTraces, settings.FlushTimeout, settings.ReportTimeout, settings.Restart, settings.OwnsProducer, time, settings.LibrdkafkaQueueBytes);
}
