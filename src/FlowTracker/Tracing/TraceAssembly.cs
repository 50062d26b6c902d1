using System.Diagnostics;

namespace FlowTracker.Tracing;

/// <summary>
/// The spans of one trace in the making. Spans arrive as they end, on any thread; the trace is
/// built once, when its root ends. Spans that end after their root are not part of the trace
/// (Go's exporter has already run by then too).
/// </summary>
internal sealed class TraceAssembly(Activity root)
{
    private readonly List<(DateTime Start, Span Span)> _children = [];
    private bool _completed;

    public Activity Root { get; } = root;

    public string TraceId { get; } = IdOf(root.TraceId, root);

    /// <returns><see langword="false"/> when the trace was already exported.</returns>
    public bool TryAdd(DateTime start, Span span)
    {
        lock (_children)
        {
            if (_completed)
            {
                return false;
            }

            _children.Add((start, span));
            return true;
        }
    }

    public Trace Complete(Span rootSpan)
    {
        (DateTime Start, Span Span)[] children;
        lock (_children)
        {
            _completed = true;
            children = _children.ToArray();
        }

        // Go appends spans as they start; a stable sort by start time gives the same order.
        var ordered = children.OrderBy(static c => c.Start);
        var spans = new Span[children.Length + 1];
        spans[0] = rootSpan;
        var i = 1;
        foreach (var child in ordered)
        {
            spans[i++] = child.Span;
        }

        return new Trace { TraceId = TraceId, Spans = spans };
    }

    internal static string IdOf(ActivityTraceId id, Activity activity) =>
        activity.IdFormat == ActivityIdFormat.W3C ? id.ToHexString() : activity.RootId ?? activity.Id ?? string.Empty;
}
