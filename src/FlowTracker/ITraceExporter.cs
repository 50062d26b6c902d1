namespace FlowTracker;

/// <summary>
/// Receives every finished trace. The Go FlowTracker's <c>Exporter</c> interface, in .NET.
/// </summary>
/// <remarks>
/// <see cref="Export"/> is called on the request's path (after the response for the ASP.NET Core
/// middleware). An implementation must therefore return quickly and must not block on I/O, and it
/// must not throw: whatever goes wrong is the exporter's to count and report. Callers still guard
/// against a throwing exporter, so one faulty exporter never stops the others.
/// </remarks>
public interface ITraceExporter
{
    /// <summary>Hands a finished trace to the exporter. Never blocks, never throws.</summary>
    /// <param name="trace">The finished trace. Exporters must tolerate <see langword="null"/> and invalid traces.</param>
    void Export(Trace trace);
}
