namespace FlowTracker.Kafka.Actors;

/// <summary>
/// Ask the exporter actor for its <see cref="ExporterStats"/>:
/// <c>await actor.Ask&lt;ExporterStats&gt;(GetExporterStats.Instance)</c>.
/// </summary>
public sealed class GetExporterStats
{
    private GetExporterStats()
    {
    }

    /// <summary>The one instance.</summary>
    public static GetExporterStats Instance { get; } = new();
}
