using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// A MeterListener on the exporter's meter, as OpenTelemetry would listen, keeping what one exporter (one topic)
/// measured: each instrument once published, the last value of every observed series, and every histogram value.
/// </summary>
internal sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _topic;

    /// <param name="topic">The exporter's topic: other exporters' measurements are left out.</param>
    /// <param name="onHistogram">Called on each histogram measurement, on the thread that records it.</param>
    /// <param name="only">When given, only this meter's instruments are listened to (so that no other test's collection reads them).</param>
    public MeterCapture(string topic, Action<Instrument, double>? onHistogram = null, Meter? only = null)
    {
        _topic = topic;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KafkaExporterMetrics.MeterName && (only is null || ReferenceEquals(instrument.Meter, only)))
            {
                Instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tags(tags) is { } own)
            {
                Series[Key(instrument.Name, own)] = (value, own);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (Tags(tags) is not { } own)
            {
                return;
            }

            if (instrument is not Histogram<double>)
            {
                Gauges[Key(instrument.Name, own)] = value;
                return;
            }

            onHistogram?.Invoke(instrument, value);
            Histogram.Enqueue((instrument.Name, value, own));
        });
        _listener.Start();
    }

    public ConcurrentDictionary<string, Instrument> Instruments { get; } = new();

    /// <summary>Each series' last value, keyed by <see cref="Key"/>.</summary>
    public ConcurrentDictionary<string, (long Value, IReadOnlyDictionary<string, object?> Tags)> Series { get; } = new();

    public ConcurrentQueue<(string Name, double Value, IReadOnlyDictionary<string, object?> Tags)> Histogram { get; } = new();

    /// <summary>Each observed series of doubles (gauges), its last value, keyed by <see cref="Key"/>.</summary>
    public ConcurrentDictionary<string, double> Gauges { get; } = new();

    /// <summary>A series' name: the instrument's, then its attributes other than the topic, sorted: <c>name{a=1,b=2}</c>.</summary>
    public static string Key(string instrument, IReadOnlyDictionary<string, object?> tags) =>
        instrument + "{" + string.Join(",", tags.Where(t => t.Key != MetricNames.DestinationName).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")) + "}";

    /// <summary>The last value of the series with exactly these attributes (besides the topic); null when never observed.</summary>
    public long? Value(string instrument, params (string Key, object Value)[] tags) =>
        Series.TryGetValue(Key(instrument, tags.ToDictionary(t => t.Key, t => (object?)t.Value)), out var found) ? found.Value : null;

    /// <summary>The last value of the double series with exactly these attributes (besides the topic).</summary>
    public double? Gauge(string instrument, params (string Key, object Value)[] tags) =>
        Gauges.TryGetValue(Key(instrument, tags.ToDictionary(t => t.Key, t => (object?)t.Value)), out var found) ? found : null;

    /// <summary>Asks every observable instrument for its values, as a metrics exporter's collection does.</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private Dictionary<string, object?>? Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var own = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            own[tag.Key] = tag.Value;
        }

        return own.GetValueOrDefault(MetricNames.DestinationName) as string == _topic ? own : null;
    }
}
