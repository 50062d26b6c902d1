namespace FlowTracker.Kafka.Actors;

/// <summary>
/// Stop the exporter: stop intake (later traces are dropped with reason <c>Shutdown</c>), send what is
/// buffered, wait for every delivery report (at most the flush timeout), then stop. The reply is the final
/// <see cref="ExporterStats"/>. <see cref="KafkaTraceExporter.StopAsync(System.TimeSpan)"/> sends it for you.
/// </summary>
public sealed class StopExporter
{
    private StopExporter()
    {
    }

    /// <summary>The one instance.</summary>
    public static StopExporter Instance { get; } = new();
}
