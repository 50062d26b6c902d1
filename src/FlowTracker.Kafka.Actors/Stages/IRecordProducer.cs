namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// A producer as the stage sees it: it takes records, and reports on each (and on itself) through the
/// <see cref="ProducerEventQueue"/> it was created with. The real one is <see cref="ProducerLease"/>; tests
/// script one that raises events in any order.
/// </summary>
internal interface IRecordProducer : IDisposable
{
    /// <summary>Whether the exporter created this producer, and so may replace it after a fatal error.</summary>
    bool IsOwned { get; }

    /// <summary>Why this producer cannot take records although it raised no fatal error (the application disposed it), or null.</summary>
    string? Unusable { get; }

    /// <summary>Hands a record to the producer; its report arrives later as an event naming <paramref name="send"/>.</summary>
    /// <exception cref="Confluent.Kafka.KafkaException">The producer refused the record (queue full, fatal state, a topic in error).</exception>
    void Produce(string topic, OutgoingRecord record, long send);
}

/// <summary>Creates producer number <paramref name="generation"/>, whose events go to <paramref name="events"/>.</summary>
internal delegate IRecordProducer RecordProducerFactory(int generation, ProducerEventQueue events);
