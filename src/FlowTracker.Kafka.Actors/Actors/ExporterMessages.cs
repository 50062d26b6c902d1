namespace FlowTracker.Kafka.Actors.Actors;

/// <summary>Ask the exporter actor for its <see cref="Diagnostics.ExporterStats"/>.</summary>
public sealed record GetExporterStats
{
    /// <summary>The one instance.</summary>
    public static GetExporterStats Instance { get; } = new();
}

/// <summary>
/// Stop the exporter: stop intake (later traces are dropped with reason <c>Shutdown</c>), send what is
/// buffered, wait for every delivery report, then stop. The reply is the final
/// <see cref="Diagnostics.ExporterStats"/>.
/// </summary>
public sealed record StopExporter
{
    /// <summary>The one instance.</summary>
    public static StopExporter Instance { get; } = new();
}

/// <summary>The exporter's stream failed while running (its producer beyond saving): the actor fails, so its parent decides.</summary>
internal sealed record StreamFailed(Exception Cause);

/// <summary>
/// Sent to itself before the actor fails: after a resume it builds the new stream at once; after a restart
/// the stream already exists and this does nothing.
/// </summary>
internal sealed record RebuildStream
{
    public static RebuildStream Instance { get; } = new();
}
