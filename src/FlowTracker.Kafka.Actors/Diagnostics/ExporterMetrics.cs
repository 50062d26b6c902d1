using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// One exporter's instruments. The counts are observed from <see cref="ExporterCounters"/> when a listener
/// collects, so they always agree with the stats and cost nothing per trace; only the delivery duration
/// is recorded as it happens. Disposed with the exporter: a stopped exporter leaves no meter behind.
/// </summary>
internal sealed class ExporterMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Histogram<double> _deliveryDuration;
    private readonly KeyValuePair<string, object?> _topic;

    public ExporterMetrics(ExporterCounters counters, string topic, bool spool = false)
    {
        _topic = new("messaging.destination.name", topic);

        var meter = _meter = new Meter(KafkaExporterMetrics.MeterName, typeof(ExporterMetrics).Assembly.GetName().Version?.ToString());
        meter.CreateObservableCounter("flowtracker.kafka.traces.exported", () => Measure(counters.Snapshot().Exported), "{trace}", "Traces handed to Export.");
        meter.CreateObservableCounter("flowtracker.kafka.traces.delivered", () => Measure(counters.Snapshot().Delivered), "{trace}", "Traces acknowledged by Kafka.");
        meter.CreateObservableCounter(
            "flowtracker.kafka.traces.dropped",
            () => counters.Snapshot().DroppedByReason.Select(d => Measure(d.Value, new("reason", d.Key.ToString()))),
            "{trace}",
            "Traces dropped before sending, by reason.");
        meter.CreateObservableCounter(
            "flowtracker.kafka.traces.failed",
            () => counters.Snapshot().FailedByError.Select(f => Measure(f.Value, new("error.type", f.Key.ToString()))),
            "{trace}",
            "Traces Kafka did not take, by error code.");
        meter.CreateObservableCounter("flowtracker.kafka.producer.restarts", () => Measure(counters.Snapshot().ProducerRestarts), "{restart}", "Producers rebuilt after a fatal error.");
        meter.CreateObservableUpDownCounter("flowtracker.kafka.buffer.traces", () => Measure(counters.Snapshot().Pending), "{trace}", "Traces buffered or in flight.");
        meter.CreateObservableUpDownCounter("flowtracker.kafka.buffer.bytes", () => Measure(counters.Snapshot().PendingBytes), "By", "Encoded bytes buffered or in flight.");
        meter.CreateObservableUpDownCounter("flowtracker.kafka.records.in_flight", () => Measure(counters.InFlight), "{record}", "Records handed to librdkafka, not yet reported on.");
        _deliveryDuration = meter.CreateHistogram<double>("flowtracker.kafka.delivery.duration", "ms", "From Export to Kafka's acknowledgement.");
        if (spool)
        {
            CreateSpoolInstruments(meter, counters);
        }
    }

    public void Delivered(long acceptedAt) =>
        _deliveryDuration.Record(Stopwatch.GetElapsedTime(acceptedAt).TotalMilliseconds, _topic);

    public void Dispose() => _meter.Dispose();

    private void CreateSpoolInstruments(Meter meter, ExporterCounters counters)
    {
        meter.CreateObservableCounter("flowtracker.kafka.traces.recovered", () => Measure(counters.Snapshot().Recovered), "{trace}", "Traces an earlier run left in the spool, sent by this one.");
        meter.CreateObservableCounter("flowtracker.kafka.traces.left_in_spool", () => Measure(counters.Snapshot().LeftInSpool), "{trace}", "Traces unconfirmed at stop, left in the spool for the next start.");
        meter.CreateObservableCounter("flowtracker.kafka.traces.not_spooled", () => Measure(counters.Snapshot().NotSpooled), "{trace}", "Traces kept in memory only while the spool was on (not working, or too large for it).");
        meter.CreateObservableUpDownCounter("flowtracker.kafka.spool.bytes", () => Measure(counters.Snapshot().SpoolBytes), "By", "Bytes the spool holds on disk.");
        meter.CreateObservableGauge("flowtracker.kafka.spool.degraded", () => Measure(counters.Snapshot().SpoolDegraded is null ? 0 : 1), "1", "1 while the spool is not working (traces kept in memory only), else 0.");
    }

    private Measurement<long> Measure(long value) => new(value, _topic);

    private Measurement<long> Measure(long value, KeyValuePair<string, object?> tag) => new(value, _topic, tag);
}
