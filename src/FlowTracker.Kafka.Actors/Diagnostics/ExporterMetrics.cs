using System.Diagnostics.Metrics;
using Confluent.Kafka;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// One exporter's instruments (named in <see cref="MetricNames"/>). The counts are observed from
/// <see cref="ExporterCounters"/> when a listener collects, one snapshot per collection, so they always agree with the
/// stats and cost nothing per trace; the send durations go through <see cref="DeliveryDurations"/>, so a slow listener
/// never slows the producer stage. Disposed with the exporter: a stopped exporter leaves no meter behind.
/// </summary>
internal sealed class ExporterMetrics : IDisposable
{
    /// <summary>The boundaries the messaging conventions ask of <c>messaging.client.operation.duration</c>, in seconds.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Meter _meter;
    private readonly DeliveryDurations _durations;
    private readonly KeyValuePair<string, object?> _destination;
    private int _instruments;

    /// <param name="counters">The accounting the counts are read from.</param>
    /// <param name="topic">The topic, the <c>messaging.destination.name</c> of every measurement.</param>
    /// <param name="statistics">Whether librdkafka's statistics are published (<see cref="Statistics"/>).</param>
    /// <param name="durationCapacity">How many send durations may wait for slow listeners before more are skipped.</param>
    /// <param name="spool">Whether the durable spool is on: its instruments exist only then.</param>
    public ExporterMetrics(ExporterCounters counters, string topic, bool statistics = false, int durationCapacity = DeliveryDurations.DefaultCapacity, bool spool = false)
    {
        _destination = new(DestinationName, topic);
        var snapshot = Snapshot = new CollectionSnapshot(counters.Snapshot);
        KeyValuePair<string, object?>[] send = [new(MessagingSystem, "kafka"), new(OperationName, "send"), _destination];

        var meter = _meter = new Meter(KafkaExporterMetrics.MeterName, typeof(ExporterMetrics).Assembly.GetName().Version?.ToString());
        var sent = _instruments++;
        meter.CreateObservableCounter(SentMessages, () => SentMeasurements(snapshot.For(sent), send), "{message}", "Records Kafka acknowledged, or that failed (with error.type).");
        var histogram = meter.CreateHistogram<double>(
            OperationDuration,
            "s",
            "From the trace's acceptance by the exporter to its delivery report: the exporter's buffer, librdkafka's queue and the broker's acknowledgement.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _durations = new DeliveryDurations(histogram, [.. send, new(OperationType, "send")], durationCapacity);

        Count(meter, TracesExported, "{trace}", "Traces handed to Export.", s => s.Exported);
        Count(meter, TracesDelivered, "{trace}", "Traces acknowledged by Kafka.", s => s.Delivered);
        var dropped = _instruments++;
        meter.CreateObservableCounter(
            TracesDropped,
            () => ByKey(snapshot.For(dropped).DroppedByReason, DropReasonAttribute, static r => r.ToString()),
            "{trace}",
            "Traces dropped before sending, by reason.");
        var failed = _instruments++;
        meter.CreateObservableCounter(
            TracesFailed,
            () => ByKey(snapshot.For(failed).FailedByError, ErrorType, static e => e.ToString()),
            "{trace}",
            "Traces Kafka did not take, by Kafka error code.");
        Count(meter, PossibleDuplicates, "{record}", "Records re-sent by a rebuilt producer that may already be on the topic.", s => s.PossibleDuplicates);
        Count(meter, TracesSplit, "{trace}", "Traces too large for one record, sent as several.", s => s.SplitTraces);
        Count(meter, SplitParts, "{record}", "The records the split traces became.", s => s.SplitParts);
        Count(meter, TruncatedSpans, "{span}", "Spans whose longest tag values were cut to fit a record (OversizedTraces = Truncate).", s => s.TruncatedSpans);
        Count(meter, ProducerRestarts, "{restart}", "Producers rebuilt after a fatal error.", s => s.ProducerRestarts);
        Gauge(meter, BufferTraces, "{trace}", "Traces buffered or in flight.", s => s.Pending);
        Gauge(meter, BufferBytes, "By", "Bytes buffered or in flight: encoded records plus 800 B of bookkeeping each.", s => s.PendingBytes);
        meter.CreateObservableUpDownCounter(RecordsInFlight, () => Measure(counters.InFlight), "{record}", "Records handed to librdkafka, not yet reported on.");
        meter.CreateObservableCounter(
            SkippedMeasurements,
            () => Measure(_durations.Skipped),
            "{measurement}",
            "Send durations left out of messaging.client.operation.duration because the listeners had not taken the earlier ones yet.");
        Statistics = statistics ? new LibrdkafkaStatistics(meter, _destination) : null;
        if (spool)
        {
            Count(meter, TracesRecovered, "{trace}", "Traces an earlier run left in the spool, sent by this one.", s => s.Recovered);
            Count(meter, TracesLeftInSpool, "{trace}", "Traces unconfirmed at stop, left in the spool for the next start.", s => s.LeftInSpool);
            Count(meter, TracesNotSpooled, "{trace}", "Traces kept in memory only while the spool was on (it was not working, or they were too large for it, or split).", s => s.NotSpooled);
            Gauge(meter, SpoolBytes, "By", "Bytes the spool holds on disk.", s => s.SpoolBytes);
            var degraded = _instruments++;
            meter.CreateObservableGauge(SpoolDegraded, () => Measure(Snapshot.For(degraded).SpoolDegraded is null ? 0 : 1), "1", "1 while the spool is not working (traces kept in memory only), else 0.");
        }
    }

    /// <summary>Where the owned producers' statistics reports go; null when they are off.</summary>
    public LibrdkafkaStatistics? Statistics { get; }

    /// <summary>This exporter's meter (tests listen to it alone).</summary>
    public Meter Meter => _meter;

    /// <summary>The snapshot the observable instruments read (tests count its takes).</summary>
    public CollectionSnapshot Snapshot { get; }

    /// <summary>A record was delivered; its send duration goes to the histogram without waiting for any listener.</summary>
    public void Delivered(long acceptedAt) => _durations.Add(acceptedAt, ErrorCode.NoError);

    /// <summary>A record failed with <paramref name="error"/>; its send duration is measured with <c>error.type</c>.</summary>
    public void Failed(long acceptedAt, ErrorCode error) => _durations.Add(acceptedAt, error);

    public void Dispose()
    {
        _durations.Dispose();
        _meter.Dispose();
    }

    private static Measurement<long>[] SentMeasurements(ExporterStats stats, KeyValuePair<string, object?>[] send)
    {
        var measurements = new Measurement<long>[1 + stats.FailedByError.Count];
        measurements[0] = new(stats.Delivered, send);
        var i = 1;
        foreach (var (error, count) in stats.FailedByError)
        {
            measurements[i++] = new(count, [.. send, new(ErrorType, error.ToString())]);
        }

        return measurements;
    }

    private void Count(Meter meter, string name, string unit, string description, Func<ExporterStats, long> value)
    {
        var instrument = _instruments++;
        meter.CreateObservableCounter(name, () => Measure(value(Snapshot.For(instrument))), unit, description);
    }

    private void Gauge(Meter meter, string name, string unit, string description, Func<ExporterStats, long> value)
    {
        var instrument = _instruments++;
        meter.CreateObservableUpDownCounter(name, () => Measure(value(Snapshot.For(instrument))), unit, description);
    }

    private Measurement<long>[] ByKey<TKey>(IReadOnlyDictionary<TKey, long> counts, string attribute, Func<TKey, string> name)
        where TKey : notnull =>
        [.. counts.Select(c => new Measurement<long>(c.Value, _destination, new(attribute, name(c.Key))))];

    private Measurement<long> Measure(long value) => new(value, _destination);
}
