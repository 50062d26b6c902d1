using Confluent.Kafka;

namespace FlowTracker.Kafka.Testing.Tests;

/// <summary>Small helpers over a plain Confluent producer, as an application would use it.</summary>
internal static class Producing
{
    public static IProducer<string, string> Producer(string bootstrapServers, Action<ProducerConfig>? configure = null, Action<IProducer<string, string>, Error>? onError = null)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5 };
        configure?.Invoke(config);
        return new ProducerBuilder<string, string>(config)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler((p, e) => onError?.Invoke(p, e))
            .Build();
    }

    /// <summary>Produces and collects every delivery report (success or failure) without throwing.</summary>
    public static Task<DeliveryReport<string, string>[]> ProduceAllAsync(IProducer<string, string> producer, string topic, IEnumerable<(string Key, string Value)> records)
    {
        var reports = new List<Task<DeliveryReport<string, string>>>();
        foreach (var (key, value) in records)
        {
            var report = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            producer.Produce(topic, new Message<string, string> { Key = key, Value = value }, r => report.TrySetResult(r));
            reports.Add(report.Task);
        }

        return Task.WhenAll(reports);
    }
}
