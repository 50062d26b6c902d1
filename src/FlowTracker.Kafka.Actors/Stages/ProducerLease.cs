using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer a stage sends with, and who owns it. An owned producer is created from the configuration
/// and disposed when the stage is done with it; the stage itself waits for the delivery reports (bounded by
/// the flush timeout) before that, so disposing never blocks on Kafka. An application's producer is reused
/// through its handle: disposing the lease releases only the wrapper, never the application's producer.
/// </summary>
internal sealed class ProducerLease : IDisposable
{
    private ProducerLease(IProducer<byte[], byte[]> producer, bool owned)
    {
        Producer = producer;
        IsOwned = owned;
    }

    /// <summary>Creates a lease; errors of an owned producer go to the given handler.</summary>
    public delegate ProducerLease Factory(Action<Error> onError);

    public IProducer<byte[], byte[]> Producer { get; }

    /// <summary>Whether the exporter created this producer, and so may replace it after a fatal error.</summary>
    public bool IsOwned { get; }

    public static Factory Owned(IReadOnlyDictionary<string, string> config, ILoggingAdapter log, Action<IClient>? created = null) =>
        onError =>
        {
            var producer = new ProducerBuilder<byte[], byte[]>(config)
                .SetErrorHandler((_, error) => onError(error))
                .SetLogHandler((_, message) => LibrdkafkaLog.Write(log, message))
                .Build();
            created?.Invoke(producer);
            return new ProducerLease(producer, owned: true);
        };

    public static Factory Borrowed(IClient application) =>
        _ => new ProducerLease(new DependentProducerBuilder<byte[], byte[]>(application.Handle).Build(), owned: false);

    public void Dispose() => Producer.Dispose();
}
