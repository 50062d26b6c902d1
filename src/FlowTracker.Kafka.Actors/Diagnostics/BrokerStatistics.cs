using System.Text;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// One broker as librdkafka's statistics last described it (the fields of STATISTICS.md's <c>brokers</c> object the
/// exporter publishes). Kept across reports and producers: a broker costs one allocation when it first appears, none after.
/// </summary>
internal sealed class BrokerStatistics(byte[] key)
{
    /// <summary>The broker's key in <c>brokers</c>, UTF-8: librdkafka's name, <c>host:port/nodeid</c>.</summary>
    public byte[] Key { get; } = key;

    public string Name { get; } = Encoding.UTF8.GetString(key);

    /// <summary>The statistics report that last listed this broker.</summary>
    public long LastSeen { get; set; }

    public int NodeId { get; set; }

    /// <summary>librdkafka's internal or logical brokers (<c>source</c>): no connection of their own to publish.</summary>
    public bool Excluded { get; set; }

    /// <summary><c>waitresp_cnt</c>: requests sent, awaiting their response.</summary>
    public long RequestsInFlight { get; set; }

    /// <summary><c>outbuf_cnt</c>: requests waiting to be sent.</summary>
    public long RequestsQueued { get; set; }

    /// <summary><c>outbuf_msg_cnt</c>: messages in the requests waiting to be sent.</summary>
    public long MessagesQueued { get; set; }

    /// <summary><c>rtt.avg</c> and <c>rtt.p99</c>, microseconds, over the last interval.</summary>
    public long RttAverage { get; set; }

    public long RttP99 { get; set; }

    /// <summary><c>throttle.avg</c>, milliseconds the broker throttled requests, over the last interval.</summary>
    public long ThrottleAverage { get; set; }

    /// <summary><c>tx</c>, <c>txbytes</c>, <c>txerrs</c>, <c>txretries</c> of the current producer.</summary>
    public BrokerTotals Current;

    /// <summary>The same totals of the producers before it (a rebuilt producer counts from zero again).</summary>
    public BrokerTotals Earlier;

    private KeyValuePair<string, object?>[]? _tags;

    public BrokerTotals Total => Earlier + Current;

    public KeyValuePair<string, object?>[] Tags(KeyValuePair<string, object?> destination) =>
        _tags ??= [destination, new(BrokerName, Name), new(BrokerId, NodeId)];
}

/// <summary>A broker's cumulative counts.</summary>
internal struct BrokerTotals
{
    public long Requests;
    public long Bytes;
    public long Errors;
    public long Retries;

    public static BrokerTotals operator +(BrokerTotals a, BrokerTotals b) =>
        new() { Requests = a.Requests + b.Requests, Bytes = a.Bytes + b.Bytes, Errors = a.Errors + b.Errors, Retries = a.Retries + b.Retries };
}
