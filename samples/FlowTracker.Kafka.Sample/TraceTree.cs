using System.Text;

namespace FlowTracker.Kafka.Sample;

/// <summary>
/// Draws a trace as a tree, one line per span, with a bar placed and sized by the span's time within the
/// root span, so the slow step stands out.
/// </summary>
public static class TraceTree
{
    private const int NameWidth = 50;
    private const int BarWidth = 40;

    public static string Render(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var text = new StringBuilder();
        var byParent = trace.Spans.ToLookup(s => s.ParentId ?? string.Empty);
        var ids = trace.Spans.Select(s => s.SpanId).ToHashSet();
        var roots = trace.Spans.Where(s => s.ParentId is null || !ids.Contains(s.ParentId)).OrderBy(s => s.StartTime).ToList();
        var start = roots.Count == 0 ? default : roots.Min(s => s.StartTime);
        var end = trace.Spans.Count == 0 ? start : trace.Spans.Max(s => s.EndTime);
        var total = Math.Max((end - start).TotalMilliseconds, 1);
        text.AppendLine($"trace {trace.TraceId} · {trace.Spans.Count} spans · {Milliseconds(DurationMs(roots, start, end))}");
        foreach (var root in roots)
        {
            Draw(root, indent: string.Empty, branch: string.Empty, isRoot: true);
        }

        return text.ToString();

        void Draw(Span span, string indent, string branch, bool isRoot)
        {
            var label = Fit(indent + branch + span.Name + TagsOf(span), NameWidth);
            text.AppendLine($"  {label} |{Bar(span)}| {Milliseconds(span.DurationMs),8}");
            var children = byParent[span.SpanId].OrderBy(s => s.StartTime).ToList();
            var childIndent = isRoot ? string.Empty : indent + (branch == "└─ " ? "   " : "│  ");
            for (var i = 0; i < children.Count; i++)
            {
                Draw(children[i], childIndent, i == children.Count - 1 ? "└─ " : "├─ ", isRoot: false);
            }
        }

        string Bar(Span span)
        {
            var from = (int)Math.Round((span.StartTime - start).TotalMilliseconds / total * BarWidth);
            var length = (int)Math.Round((span.EndTime - span.StartTime).TotalMilliseconds / total * BarWidth);
            from = Math.Clamp(from, 0, BarWidth - 1);
            length = Math.Clamp(Math.Max(length, 1), 1, BarWidth - from);
            return new string(' ', from) + new string('█', length) + new string(' ', BarWidth - from - length);
        }
    }

    // The trace lasted as long as its root when one root covers it (always so for the tracer's traces): the
    // header then says the root's own duration_ms, so the two lines cannot disagree, whatever the clocks did.
    // Otherwise the whole extent, truncated to whole milliseconds as duration_ms is.
    private static long DurationMs(List<Span> roots, DateTimeOffset start, DateTimeOffset end) =>
        roots is [var root] && root.EndTime >= end ? root.DurationMs : (long)(end - start).TotalMilliseconds;

    // Every duration drawn, the header's and each row's, is written by this one function.
    private static string Milliseconds(long milliseconds) => $"{milliseconds} ms";

    // The middleware's method, route and path tags repeat the root's name: drawn once is enough.
    private static string TagsOf(Span span)
    {
        var words = span.Name.Split(' ');
        var tags = span.Tags?.Where(t => !words.Contains(t.Value)).Select(t => $"{t.Key}={t.Value}").ToList();
        return tags is { Count: > 0 } ? "  " + string.Join(" ", tags) : string.Empty;
    }

    private static string Fit(string text, int width) =>
        text.Length <= width ? text.PadRight(width) : string.Concat(text.AsSpan(0, width - 1), "…");
}
