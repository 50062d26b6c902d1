namespace FlowTracker.Kafka.Actors.Exporter;

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
