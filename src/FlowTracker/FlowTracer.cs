using System.Diagnostics;
using System.Globalization;
using FlowTracker.Tracing;

namespace FlowTracker;

/// <summary>
/// Listens to FlowTracker spans, assembles one <see cref="Trace"/> per root span and hands it to
/// every exporter when the root ends. Create one per application (the ASP.NET Core integration
/// registers it); dispose it to stop recording.
/// </summary>
/// <remarks>
/// The trace id is the W3C trace id of the root's <see cref="Activity"/>, so FlowTracker records
/// correlate with logs and distributed traces: a request that arrives with a <c>traceparent</c>
/// header continues its caller's trace id. A span's <c>parent_id</c> is its nearest recorded
/// ancestor; the root has none.
/// </remarks>
public sealed class FlowTracer : IDisposable
{
    // Per instance, so that two tracers (for example in parallel tests) never read each other's state.
    private readonly string _propertyKey = "flowtracker.span." + Guid.NewGuid().ToString("N");
    private readonly ITraceExporter[] _exporters;
    private readonly HashSet<string> _additionalSources;
    private readonly Action<ITraceExporter, Trace, Exception> _onExporterError;
    private readonly ActivityListener _listener;

    /// <summary>Starts recording and exporting traces.</summary>
    /// <param name="exporters">Receivers of every finished trace. Default when empty: a <see cref="ConsoleExporter"/>.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    public FlowTracer(IEnumerable<ITraceExporter> exporters, FlowTracerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        _exporters = exporters.Where(static e => e is not null).ToArray();
        if (_exporters.Length == 0)
        {
            _exporters = [new ConsoleExporter()];
        }

        _additionalSources = new HashSet<string>(options?.AdditionalSources ?? [], StringComparer.Ordinal);
        _onExporterError = options?.OnExporterError ?? WriteExporterError;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Flow.SourceName || _additionalSources.Contains(source.Name),
            Sample = Sample,
            ActivityStarted = OnStarted,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The exporters every trace is handed to, in order.</summary>
    public IReadOnlyList<ITraceExporter> Exporters => _exporters;

    /// <summary>Stops recording. Traces whose root has not ended yet are not exported.</summary>
    public void Dispose() => _listener.Dispose();

    private ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options)
    {
        if (options.Source.Name == Flow.SourceName)
        {
            return ActivitySamplingResult.AllDataAndRecorded;
        }

        // Opted-in sources are recorded only inside a FlowTracker trace, never on their own.
        return FindTracked(Activity.Current) is null ? ActivitySamplingResult.None : ActivitySamplingResult.AllDataAndRecorded;
    }

    private void OnStarted(Activity activity)
    {
        if (FindTracked(activity.Parent) is { } parent)
        {
            activity.SetCustomProperty(_propertyKey, new TrackedSpan(parent.Trace, SpanIdOf(parent.Activity)));
        }
        else if (activity.Source.Name == Flow.SourceName)
        {
            activity.SetCustomProperty(_propertyKey, new TrackedSpan(new TraceAssembly(activity), null));
        }
    }

    private void OnStopped(Activity activity)
    {
        if (activity.GetCustomProperty(_propertyKey) is not TrackedSpan tracked)
        {
            return;
        }

        var span = ToSpan(activity, tracked.ParentId);
        if (!ReferenceEquals(tracked.Trace.Root, activity))
        {
            tracked.Trace.TryAdd(activity.StartTimeUtc, span);
            return;
        }

        var trace = tracked.Trace.Complete(span);
        foreach (var exporter in _exporters)
        {
            try
            {
                exporter.Export(trace);
            }
#pragma warning disable CA1031 // One faulty exporter must never stop the others (as Go recovers per exporter).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _onExporterError(exporter, trace, ex);
            }
        }
    }

    private (TraceAssembly Trace, Activity Activity)? FindTracked(Activity? start)
    {
        for (var current = start; current is not null; current = current.Parent)
        {
            if (current.GetCustomProperty(_propertyKey) is TrackedSpan tracked)
            {
                return (tracked.Trace, current);
            }
        }

        return null;
    }

    private static Span ToSpan(Activity activity, string? parentId)
    {
        var start = new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero);
        return new Span
        {
            SpanId = SpanIdOf(activity),
            ParentId = parentId,
            Name = activity.DisplayName,
            StartTime = start,
            EndTime = start + activity.Duration,
            DurationMs = (long)activity.Duration.TotalMilliseconds,
            Tags = TagsOf(activity),
        };
    }

    private static string SpanIdOf(Activity activity) =>
        activity.IdFormat == ActivityIdFormat.W3C ? activity.SpanId.ToHexString() : activity.Id ?? string.Empty;

    private static Dictionary<string, string>? TagsOf(Activity activity)
    {
        List<KeyValuePair<string, string>>? tags = null;
        foreach (var (key, value) in activity.TagObjects)
        {
            if (value is not null)
            {
                (tags ??= []).Add(new(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
            }
        }

        if (tags is null)
        {
            return null;
        }

        // Inserted in the wire format's key order, so encoding finds them sorted.
        tags.Sort(Serialization.GoKeyOrder.ByKey);
        var result = new Dictionary<string, string>(tags.Count, StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }

    private static void WriteExporterError(ITraceExporter exporter, Trace trace, Exception error) =>
        Console.Error.WriteLine($"FlowTracker: exporter {exporter.GetType().Name} threw while exporting trace {trace.TraceId}: {error}");

    private sealed record TrackedSpan(TraceAssembly Trace, string? ParentId);
}
