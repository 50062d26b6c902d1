
namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>The options every integration test starts from: an owned producer on the given cluster.</summary>
internal static class ExporterOptions
{
    public static KafkaExporterOptions For(string bootstrapServers, string topic, Action<KafkaExporterOptions>? configure = null)
    {
        var options = new KafkaExporterOptions
        {
            Topic = topic,
            ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = bootstrapServers },
        };
        configure?.Invoke(options);
        return options;
    }
}
