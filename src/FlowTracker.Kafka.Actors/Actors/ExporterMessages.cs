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

/// <summary>
/// The stream fed by <paramref name="Buffer"/> ended: normally after <see cref="StopExporter"/>, or with the
/// producer's failure. The buffer tells this stream from one of an earlier incarnation.
/// </summary>
internal sealed record StreamEnded(System.Threading.Channels.Channel<Stages.OutgoingRecord> Buffer, Exception? Failure);

/// <summary>
/// Sent to itself before the actor fails: after a resume it builds the new stream at once; after a restart
/// the stream already exists and this does nothing.
/// </summary>
internal sealed record RebuildStream
{
    public static RebuildStream Instance { get; } = new();
}
