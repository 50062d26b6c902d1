namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The records handed to the live producer and not yet reported on, by send number, and what librdkafka's copies of
/// them cost. librdkafka's own cap (<c>queue.buffering.max.kbytes</c>) counts only payload, while each message costs
/// it about <see cref="LibrdkafkaBookkeepingBytes"/> more: the sender keeps librdkafka's queue within the configured
/// bytes, bookkeeping included, so that the configured 32 MiB bound what librdkafka's queue really holds.
/// </summary>
/// <param name="maxBytes">What librdkafka's queue may cost (its configured kbytes); unbounded for an application's producer.</param>
internal sealed class InFlightRecords(long maxBytes)
{
    /// <summary>
    /// librdkafka's memory for one queued message beyond its key, value and headers (its message, its header list
    /// and the allocator's overhead), measured with brokers down: about 500 B a message of 1.4 KB.
    /// </summary>
    public const int LibrdkafkaBookkeepingBytes = 512;

    private readonly Dictionary<long, InFlight> _records = [];

    public int Count => _records.Count;

    /// <summary>What librdkafka's copies of the records in flight cost, as estimated.</summary>
    public long Bytes { get; private set; }

    /// <summary>Whether librdkafka's queue has room for <paramref name="record"/>; always when nothing is in flight.</summary>
    public bool HasRoomFor(OutgoingRecord record) => _records.Count == 0 || Bytes + CostOf(record) <= maxBytes;

    public void Add(long send, InFlight entry)
    {
        _records[send] = entry;
        Bytes += CostOf(entry.Record);
    }

    public bool Remove(long send, out InFlight entry)
    {
        if (!_records.Remove(send, out entry))
        {
            return false;
        }

        Bytes -= CostOf(entry.Record);
        return true;
    }

    public void Clear()
    {
        _records.Clear();
        Bytes = 0;
    }

    public IEnumerable<OutgoingRecord> Records => _records.Values.Select(static f => f.Record);

    public Dictionary<long, InFlight>.Enumerator GetEnumerator() => _records.GetEnumerator();

    private static long CostOf(OutgoingRecord record) =>
        record.Key.Length + record.Value.Length + RecordHeaders.Size + (record.Parts is null ? 0 : RecordHeaders.PartsSize) + LibrdkafkaBookkeepingBytes;
}

/// <summary>A record handed to producer <see cref="Generation"/> at <see cref="SentAt"/> (a <see cref="TimeProvider"/> timestamp).</summary>
internal readonly record struct InFlight(OutgoingRecord Record, int Generation, long SentAt);
