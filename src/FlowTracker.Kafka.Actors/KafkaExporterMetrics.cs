namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's <see cref="System.Diagnostics.Metrics.Meter"/>: add <see cref="MeterName"/> to OpenTelemetry
/// (<c>.WithMetrics(m =&gt; m.AddMeter(KafkaExporterMetrics.MeterName))</c>) or any <c>MeterListener</c>.
/// Every instrument carries the tag <c>messaging.destination.name</c> (the topic).
/// </summary>
/// <remarks>
/// By OpenTelemetry's messaging conventions (with <c>messaging.system</c> = <c>kafka</c>, <c>messaging.operation.name</c> =
/// <c>send</c>, and <c>error.type</c>, the Kafka error code, on failures): <c>messaging.client.sent.messages</c> and the
/// histogram <c>messaging.client.operation.duration</c> (seconds, from the trace's acceptance to its delivery report).
/// The exporter's own, under <c>flowtracker.kafka.*</c>: traces exported, delivered, dropped (tag
/// <c>flowtracker.kafka.drop.reason</c>) and failed (tag <c>error.type</c>), records possibly duplicated, producer
/// restarts, buffered traces and bytes, records in flight, skipped duration measurements; with
/// <see cref="KafkaExporterOptions.StatisticsInterval"/>, librdkafka's statistics (<c>flowtracker.kafka.producer.queue.*</c>,
/// <c>flowtracker.kafka.broker.*</c>). The README's Metrics section has the table.
/// </remarks>
public static class KafkaExporterMetrics
{
    /// <summary>The meter's name: <c>FlowTracker.Kafka.Actors</c>.</summary>
    public const string MeterName = "FlowTracker.Kafka.Actors";
}
