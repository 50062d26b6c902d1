
namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>The exporter options the benchmarks use: the defaults, or a buffer sized to hold a whole burst.</summary>
internal static class BenchOptions
{
    public static KafkaExporterOptions Defaults(string bootstrapServers, string topic) => new()
    {
        Topic = topic,
        ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = bootstrapServers },
    };

    /// <summary>For measuring throughput or the flush rather than the drop policy: nothing of the burst is dropped.</summary>
    public static KafkaExporterOptions HoldingAll(string bootstrapServers, string topic, int traces)
    {
        var options = Defaults(bootstrapServers, topic);
        options.MaxBufferedTraces = traces;
        options.MaxBufferedBytes = traces * 4096L;
        return options;
    }
}
