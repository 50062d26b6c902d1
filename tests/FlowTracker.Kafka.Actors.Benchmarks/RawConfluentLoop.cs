using System.Diagnostics;
using System.Runtime;
using System.Text;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>
/// What a user would write without the exporter, the yardstick of the end-to-end and recovery benchmarks: serialize
/// each trace, call Confluent's Produce with a delivery handler (waiting a millisecond while librdkafka's queue is
/// full), then wait for every report. One shape for both, so that their ratios compare against the same loop.
/// </summary>
internal static class RawConfluentLoop
{
    /// <summary>Sends <paramref name="count"/> traces, <paramref name="pool"/>'s in turn, timed from the first Produce to the last report.</summary>
    /// <returns>The time, the bytes allocated a trace (all threads), and the methods .NET compiled meanwhile.</returns>
    public static (TimeSpan Elapsed, double BytesPerTrace, int Compiled) Run(string bootstrap, string topic, Trace[] pool, int count)
    {
        var config = new Dictionary<string, string>(KafkaExporterOptions.ProducerDefaults) { ["bootstrap.servers"] = bootstrap };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        var delivered = 0L;
        var failed = 0L;
        Action<DeliveryReport<byte[], byte[]>> onReport = r =>
        {
            if (r.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
            else
            {
                Interlocked.Increment(ref delivered);
            }
        };
        var contentType = Encoding.UTF8.GetBytes(TraceJson.ContentType);
        void Send(Trace trace)
        {
            var message = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(trace.TraceId),
                Value = TraceJson.SerializeToUtf8Bytes(trace),
                Headers = new Headers { { "content-type", contentType } },
            };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, onReport);
                    return;
                }
                catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    Thread.Sleep(1);
                }
            }
        }

        // Warm up: connection, metadata and producer id are not part of the measurement.
        Send(pool[0]);
        producer.Flush(TimeSpan.FromSeconds(30));
        BenchWait.UntilJitQuiet();
        var compiled = JitInfo.GetCompiledMethodCount();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            Send(pool[i % pool.Length]);
        }

        while (Interlocked.Read(ref delivered) + Interlocked.Read(ref failed) < count + 1)
        {
            Thread.Sleep(1);
        }

        var perTrace = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)count;
        compiled = JitInfo.GetCompiledMethodCount() - compiled;
        return failed == 0 ? (clock.Elapsed, perTrace, (int)compiled) : throw new InvalidOperationException($"The raw loop failed {failed} record(s).");
    }
}
