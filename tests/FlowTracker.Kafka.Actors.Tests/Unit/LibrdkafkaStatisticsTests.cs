using System.Diagnostics.Metrics;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using static FlowTracker.Kafka.Actors.Diagnostics.MetricNames;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>librdkafka's statistics JSON (STATISTICS.md, shaped as the embedded cluster's producer reports it) read into metrics.</summary>
public sealed class LibrdkafkaStatisticsTests : IDisposable
{
    private readonly string _topic = $"statistics-{Guid.NewGuid():N}";
    private readonly Meter _meter = new(KafkaExporterMetrics.MeterName);
    private readonly LibrdkafkaStatistics _statistics;
    private readonly MeterCapture _capture;

    public LibrdkafkaStatisticsTests()
    {
        _statistics = new LibrdkafkaStatistics(_meter, new(DestinationName, _topic));
        _capture = new MeterCapture(_topic, only: _meter);
    }

    public void Dispose()
    {
        _capture.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Report_EachBrokerItsFigures_InSecondsWhereTime_InternalBrokersLeftOut()
    {
        _statistics.Update(1, Report(tx: 7, txBytes: 51_372, retries: 2, errors: 1));
        _capture.Collect();

        Assert.Equal(12, _capture.Value(ProducerQueueMessages));
        Assert.Equal(6_000, _capture.Value(ProducerQueueBytes));
        Assert.Equal(7, Broker(BrokerRequestsSent, 2));
        Assert.Equal(51_372, Broker(BrokerBytesSent, 2));
        Assert.Equal(2, Broker(BrokerRequestRetries, 2));
        Assert.Equal(1, Broker(BrokerRequestErrors, 2));
        Assert.Equal(3, Broker(BrokerRequestsInFlight, 2));
        Assert.Equal(4, Broker(BrokerRequestsQueued, 2));
        Assert.Equal(5, Broker(BrokerMessagesQueued, 2));
        Assert.Equal(0, Broker(BrokerRequestsSent, 3));
        Assert.Equal(["127.0.0.1:41187/3", "127.0.0.1:43227/2"], Names());

        // librdkafka gives the round-trip in microseconds and the throttling in milliseconds: both become seconds.
        Assert.Equal(0.0015, _capture.Gauge(BrokerRttAverage, (BrokerName, Name(2)), (BrokerId, 2)));
        Assert.Equal(0.0025, _capture.Gauge(BrokerRttP99, (BrokerName, Name(2)), (BrokerId, 2)));
        Assert.Equal(0.010, _capture.Gauge(BrokerThrottleAverage, (BrokerName, Name(2)), (BrokerId, 2)));
        Assert.Equal(0.0, _capture.Gauge(BrokerRttAverage, (BrokerName, Name(3)), (BrokerId, 3)));
    }

    [Fact]
    public void RebuiltProducer_CountsFromZero_TheCountersGoOn_ALateReportOfTheOldOneIgnored()
    {
        _statistics.Update(1, Report(tx: 7, txBytes: 1_000, retries: 2, errors: 1));
        _statistics.Update(2, Report(tx: 3, txBytes: 100, retries: 0, errors: 0));
        _statistics.Update(1, Report(tx: 9, txBytes: 9_000, retries: 9, errors: 9));
        _capture.Collect();

        Assert.Equal(10, Broker(BrokerRequestsSent, 2));
        Assert.Equal(1_100, Broker(BrokerBytesSent, 2));
        Assert.Equal(2, Broker(BrokerRequestRetries, 2));
        Assert.Equal(1, Broker(BrokerRequestErrors, 2));
        Assert.Equal(2, _statistics.Reports);
    }

    [Fact]
    public void ReportOfKnownBrokers_AllocatesNothing()
    {
        var report = Report(tx: 7, txBytes: 51_372, retries: 2, errors: 1);
        _statistics.Update(1, report);
        _statistics.Update(1, report);

        // As in the encoder's test: a one-time runtime event on this thread is not the parser's; a per-report allocation shows every time.
        var least = long.MaxValue;
        var attempts = 0;
        for (; attempts < 5 && least > 0; attempts++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            _statistics.Update(1, report);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
        Assert.Equal(2 + attempts, _statistics.Reports);
    }

    [Fact]
    public void UnreadableReport_CountedAndIgnored_TheNextOneRead()
    {
        _statistics.Update(1, "not json");
        _statistics.Update(1, """{"brokers": {"b:1/1": {"nodeid": 1, "source": 5}}}""");
        _statistics.Update(1, Report(tx: 7, txBytes: 1, retries: 0, errors: 0));
        _capture.Collect();

        Assert.Equal(2, _statistics.Unreadable);
        Assert.Equal(1, _statistics.Reports);
        Assert.Equal(7, Broker(BrokerRequestsSent, 2));
    }

    private long? Broker(string instrument, int id) => _capture.Value(instrument, (BrokerName, Name(id)), (BrokerId, id));

    private List<string> Names() =>
        [.. _capture.Series.Values.Select(s => s.Tags.GetValueOrDefault(BrokerName) as string).OfType<string>().Distinct().Order(StringComparer.Ordinal)];

    private static string Name(int id) => id == 2 ? "127.0.0.1:43227/2" : "127.0.0.1:41187/3";

    /// <summary>A report trimmed from the embedded cluster's, with the fields the exporter reads and some it skips.</summary>
    private static string Report(long tx, long txBytes, long retries, long errors) => $$"""
        {
          "name": "rdkafka#producer-2", "client_id": "rdkafka", "type": "producer", "ts": 12943186394,
          "msg_cnt": 12, "msg_size": 6000, "msg_max": 100000, "tx": 7, "tx_bytes": 51372,
          "brokers": {
            "127.0.0.1:43227/2": {
              "name": "127.0.0.1:43227/2", "nodeid": 2, "nodename": "127.0.0.1:43227", "source": "learned", "state": "UP",
              "outbuf_cnt": 4, "outbuf_msg_cnt": 5, "waitresp_cnt": 3, "tx": {{tx}}, "txbytes": {{txBytes}}, "txerrs": {{errors}}, "txretries": {{retries}},
              "int_latency": { "min": 1, "max": 9, "avg": 5, "p99": 9 },
              "rtt": { "min": 100, "max": 3000, "avg": 1500, "sum": 6000, "cnt": 4, "p50": 1000, "p99": 2500 },
              "throttle": { "min": 0, "max": 20, "avg": 10, "p99": 20 },
              "req": { "Produce": 3, "Metadata": 1 },
              "toppars": { "t-0": { "topic": "t", "partition": 0 } }
            },
            "127.0.0.1:41187/3": {
              "name": "127.0.0.1:41187/3", "nodeid": 3, "source": "learned", "state": "INIT",
              "outbuf_cnt": 0, "outbuf_msg_cnt": 0, "waitresp_cnt": 0, "tx": 0, "txbytes": 0, "txerrs": 0, "txretries": 0,
              "rtt": { "avg": 0, "p99": 0 }, "throttle": { "avg": 0, "p99": 0 }
            },
            ":0/internal": { "name": ":0/internal", "nodeid": -1, "source": "internal", "state": "UP", "tx": 0 }
          },
          "topics": { "t": { "topic": "t", "partitions": { "0": { "partition": 0, "msgq_cnt": 0 } } } }
        }
        """;
}
