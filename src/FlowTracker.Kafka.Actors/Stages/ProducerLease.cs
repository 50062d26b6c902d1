using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer a stage sends with, and who owns it. An owned producer is created from the configuration
/// and disposed when the stage is done with it; the stage itself waits for the delivery reports (bounded by
/// the flush timeout) before that, so disposing never blocks on Kafka. An application's producer is reused
/// through its handle: disposing the lease releases only the wrapper, never the application's producer.
/// Delivery reports and error events both go to the stage's one <see cref="ProducerEventQueue"/>, from the
/// producer's one polling thread, so they arrive in the order librdkafka raised them.
/// </summary>
internal sealed class ProducerLease : IRecordProducer
{
    private readonly int _generation;
    private readonly ProducerEventQueue _events;

    private ProducerLease(IProducer<byte[], byte[]> producer, bool owned, int generation, ProducerEventQueue events)
    {
        Producer = producer;
        IsOwned = owned;
        _generation = generation;
        _events = events;
    }

    public IProducer<byte[], byte[]> Producer { get; }

    public bool IsOwned { get; }

    public string? Unusable => null;

    public static RecordProducerFactory Owned(IReadOnlyDictionary<string, string> config, ILoggingAdapter log, Action<IClient>? created = null) =>
        (generation, events) =>
        {
            var producer = new ProducerBuilder<byte[], byte[]>(config)
                .SetErrorHandler((_, error) => events.Enqueue(ProducerEvent.Raised(generation, error)))
                .SetLogHandler((_, message) => LibrdkafkaLog.Write(log, message))
                .Build();
            created?.Invoke(producer);
            return new ProducerLease(producer, owned: true, generation, events);
        };

    public static RecordProducerFactory Borrowed(IClient application) =>
        (generation, events) => new ProducerLease(new DependentProducerBuilder<byte[], byte[]>(application.Handle).Build(), owned: false, generation, events);

    public void Produce(string topic, OutgoingRecord record, long send)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = record.Key,
            Value = record.Value,
            Headers = new Headers { { RecordHeaders.ContentTypeName, RecordHeaders.ContentTypeValue } },
        };
        Producer.Produce(topic, message, report => _events.Enqueue(ProducerEvent.Reported(_generation, send, report.Error, report.Partition.Value, report.Offset.Value)));
    }

    public void Dispose() => Producer.Dispose();
}
