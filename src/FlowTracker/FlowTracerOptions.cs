namespace FlowTracker;

/// <summary>Options of a <see cref="FlowTracer"/>.</summary>
public sealed class FlowTracerOptions
{
    /// <summary>
    /// Names of other <see cref="System.Diagnostics.ActivitySource"/>s whose activities are recorded
    /// as spans when they happen inside a FlowTracker trace (for example <c>System.Net.Http</c>).
    /// They never start a trace of their own. Default: none.
    /// </summary>
    public IList<string> AdditionalSources { get; } = new List<string>();

    /// <summary>
    /// Called when an exporter throws from <see cref="ITraceExporter.Export"/>; the other exporters
    /// still receive the trace. Default: one line on standard error naming the exporter and the error.
    /// </summary>
    public Action<ITraceExporter, Trace, Exception>? OnExporterError { get; set; }
}
