using System.Text;

namespace FlowTracker.Kafka.Sample;

/// <summary>
/// Draws a trace as a tree, one line per span, with a bar placed and sized by the span's time within the
/// root span, so the slow step stands out.
/// </summary>
public static class TraceTree
{
    private const int NameWidth = 46;
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
        text.AppendLine($"trace {trace.TraceId} · {trace.Spans.Count} spans · {(end - start).TotalMilliseconds:0} ms");
        foreach (var root in roots)
        {
            Draw(root, indent: string.Empty, branch: string.Empty, isRoot: true);
        }

        return text.ToString();

        void Draw(Span span, string indent, string branch, bool isRoot)
        {
            var tags = span.Tags is { Count: > 0 } t ? "  " + string.Join(" ", t.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            var label = Fit(indent + branch + span.Name + tags, NameWidth);
            text.AppendLine($"  {label} |{Bar(span)}| {span.DurationMs,5} ms");
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

    private static string Fit(string text, int width) =>
        text.Length <= width ? text.PadRight(width) : string.Concat(text.AsSpan(0, width - 1), "…");
}
