using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// librdkafka's statistics (the JSON of STATISTICS.md, every <c>statistics.interval.ms</c>) as metrics: the producer's
/// queue, and per broker its round-trip times, requests in flight and queued, throttling, and what it sent. Read with
/// <see cref="Utf8JsonReader"/> into brokers kept from report to report, so a report allocates nothing once its brokers
/// are known; the instruments read the last report when a listener collects.
/// </summary>
/// <remarks>
/// Reports come from each producer's polling thread. A rebuilt producer counts from zero again: its predecessor's
/// totals are kept, so the counters never go back; a late report of a producer already replaced is ignored.
/// </remarks>
internal sealed class LibrdkafkaStatistics
{
    private readonly object _gate = new();
    private readonly List<BrokerStatistics> _brokers = [];
    private readonly KeyValuePair<string, object?> _destination;
    private byte[] _utf8 = new byte[16 * 1024];
    private int _generation;
    private long _report;
    private long _queueMessages;
    private long _queueBytes;

    public LibrdkafkaStatistics(Meter meter, KeyValuePair<string, object?> destination)
    {
        _destination = destination;
        meter.CreateObservableUpDownCounter(ProducerQueueMessages, () => Producer(() => _queueMessages), "{message}", "Messages in the producer's queues (msg_cnt).");
        meter.CreateObservableUpDownCounter(ProducerQueueBytes, () => Producer(() => _queueBytes), "By", "Bytes of the messages in the producer's queues (msg_size).");
        meter.CreateObservableGauge(BrokerRttAverage, () => Brokers(static b => b.RttAverage / 1e6), "s", "Average round-trip time of the broker's requests over the last interval (rtt.avg).");
        meter.CreateObservableGauge(BrokerRttP99, () => Brokers(static b => b.RttP99 / 1e6), "s", "99th percentile of the broker's request round-trip times over the last interval (rtt.p99).");
        meter.CreateObservableGauge(
            BrokerThrottleAverage, () => Brokers(static b => b.ThrottleAverage / 1e3), "s", "Average time the broker throttled requests over the last interval (throttle.avg).");
        meter.CreateObservableUpDownCounter(BrokerRequestsInFlight, () => Brokers(static b => b.RequestsInFlight), "{request}", "Requests sent to the broker, awaiting its response (waitresp_cnt).");
        meter.CreateObservableUpDownCounter(BrokerRequestsQueued, () => Brokers(static b => b.RequestsQueued), "{request}", "Requests waiting to be sent to the broker (outbuf_cnt).");
        meter.CreateObservableUpDownCounter(BrokerMessagesQueued, () => Brokers(static b => b.MessagesQueued), "{message}", "Messages in the requests waiting to be sent to the broker (outbuf_msg_cnt).");
        meter.CreateObservableCounter(BrokerRequestsSent, () => Brokers(static b => b.Total.Requests), "{request}", "Requests sent to the broker (tx).");
        meter.CreateObservableCounter(BrokerBytesSent, () => Brokers(static b => b.Total.Bytes), "By", "Bytes sent to the broker (txbytes).");
        meter.CreateObservableCounter(BrokerRequestErrors, () => Brokers(static b => b.Total.Errors), "{request}", "Requests to the broker that failed to be sent (txerrs).");
        meter.CreateObservableCounter(BrokerRequestRetries, () => Brokers(static b => b.Total.Retries), "{request}", "Requests to the broker sent again (txretries).");
    }

    /// <summary>Reports read in full (tests).</summary>
    public long Reports { get; private set; }

    /// <summary>Reports that were not the JSON expected; what they held up to the error is kept.</summary>
    public long Unreadable { get; private set; }

    /// <summary>A statistics report of producer number <paramref name="generation"/>; on its polling thread.</summary>
    public void Update(int generation, string json)
    {
        lock (_gate)
        {
            if (generation < _generation)
            {
                return;
            }

            if (generation > _generation)
            {
                _generation = generation;
                foreach (var broker in _brokers)
                {
                    broker.Earlier += broker.Current;
                    broker.Current = default;
                }
            }

            var length = Encoding.UTF8.GetByteCount(json);
            if (_utf8.Length < length)
            {
                _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
            }

            var written = Encoding.UTF8.GetBytes(json, _utf8);
            _report++;
            try
            {
                Read(_utf8.AsSpan(0, written));
                Reports++;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                Unreadable++;
            }
        }
    }

    private static long Number(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }

        reader.Skip();
        return 0;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>A rolling window (<c>rtt</c>, <c>throttle</c>): its average and 99th percentile.</summary>
    private static (long Average, long P99) Window(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        long average = 0, p99 = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("avg"u8))
            {
                average = Number(ref reader);
            }
            else if (reader.ValueTextEquals("p99"u8))
            {
                p99 = Number(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return (average, p99);
    }

    private void Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a statistics report is a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("msg_cnt"u8))
            {
                _queueMessages = Number(ref reader);
            }
            else if (reader.ValueTextEquals("msg_size"u8))
            {
                _queueBytes = Number(ref reader);
            }
            else if (reader.ValueTextEquals("brokers"u8))
            {
                ReadBrokers(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    private void ReadBrokers(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var broker = Find(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                ReadBroker(ref reader, broker);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadBroker(ref Utf8JsonReader reader, BrokerStatistics broker)
    {
        broker.LastSeen = _report;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("nodeid"u8))
            {
                broker.NodeId = (int)Number(ref reader);
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                reader.Read();
                broker.Excluded = reader.ValueTextEquals("internal"u8) || reader.ValueTextEquals("logical"u8);
            }
            else if (reader.ValueTextEquals("waitresp_cnt"u8))
            {
                broker.RequestsInFlight = Number(ref reader);
            }
            else if (reader.ValueTextEquals("outbuf_cnt"u8))
            {
                broker.RequestsQueued = Number(ref reader);
            }
            else if (reader.ValueTextEquals("outbuf_msg_cnt"u8))
            {
                broker.MessagesQueued = Number(ref reader);
            }
            else if (reader.ValueTextEquals("tx"u8))
            {
                broker.Current.Requests = Number(ref reader);
            }
            else if (reader.ValueTextEquals("txbytes"u8))
            {
                broker.Current.Bytes = Number(ref reader);
            }
            else if (reader.ValueTextEquals("txerrs"u8))
            {
                broker.Current.Errors = Number(ref reader);
            }
            else if (reader.ValueTextEquals("txretries"u8))
            {
                broker.Current.Retries = Number(ref reader);
            }
            else if (reader.ValueTextEquals("rtt"u8))
            {
                (broker.RttAverage, broker.RttP99) = Window(ref reader);
            }
            else if (reader.ValueTextEquals("throttle"u8))
            {
                broker.ThrottleAverage = Window(ref reader).Average;
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    /// <summary>The broker named by the property the reader is on; new (the one allocation) when first seen.</summary>
    private BrokerStatistics Find(ref Utf8JsonReader reader)
    {
        foreach (var known in _brokers)
        {
            if (reader.ValueTextEquals(known.Key))
            {
                return known;
            }
        }

        var broker = new BrokerStatistics(reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan.ToArray());
        _brokers.Add(broker);
        return broker;
    }

    private Measurement<long>[] Producer(Func<long> value)
    {
        lock (_gate)
        {
            return _report == 0 ? [] : [new(value(), _destination)];
        }
    }

    private Measurement<T>[] Brokers<T>(Func<BrokerStatistics, T> value)
        where T : struct
    {
        lock (_gate)
        {
            var listed = _brokers.Where(b => b.LastSeen == _report && !b.Excluded).ToList();
            return [.. listed.Select(b => new Measurement<T>(value(b), b.Tags(_destination)))];
        }
    }
}
