namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's <see cref="System.Diagnostics.Metrics.Meter"/>: add <see cref="MeterName"/> to OpenTelemetry
/// (<c>.WithMetrics(m =&gt; m.AddMeter(KafkaExporterMetrics.MeterName))</c>) or any <c>MeterListener</c>.
/// Every instrument carries the tag <c>messaging.destination.name</c> (the topic).
/// </summary>
/// <remarks>
/// Instruments: counters <c>flowtracker.kafka.traces.exported</c>, <c>.delivered</c>, <c>.dropped</c> (tag
/// <c>reason</c>), <c>.failed</c> (tag <c>error.type</c>, the Kafka error code), <c>flowtracker.kafka.producer.restarts</c>;
/// up-down counters <c>flowtracker.kafka.buffer.traces</c>, <c>flowtracker.kafka.buffer.bytes</c> (pending),
/// <c>flowtracker.kafka.records.in_flight</c> (handed to librdkafka, not yet reported); histogram
/// <c>flowtracker.kafka.delivery.duration</c> (ms from <c>Export</c> to Kafka's acknowledgement).
/// </remarks>
public static class KafkaExporterMetrics
{
    /// <summary>The meter's name: <c>FlowTracker.Kafka.Actors</c>.</summary>
    public const string MeterName = "FlowTracker.Kafka.Actors";
}
