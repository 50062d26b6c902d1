using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;
using LogMessage = Confluent.Kafka.LogMessage;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer a stage sends with, and who owns it. An owned producer is created from the
/// configuration, flushed with a bounded timeout and disposed when the stage stops. An application's
/// producer is reused through its handle and is never flushed or disposed: its owner decides that.
/// </summary>
internal sealed class ProducerLease : IDisposable
{
    private readonly bool _owned;
    private readonly TimeSpan _flushTimeout;
    private readonly ILoggingAdapter _log;

    private ProducerLease(IProducer<byte[], byte[]> producer, bool owned, TimeSpan flushTimeout, ILoggingAdapter log)
    {
        Producer = producer;
        _owned = owned;
        _flushTimeout = flushTimeout;
        _log = log;
    }

    /// <summary>Creates a lease; errors of an owned producer go to the given handler.</summary>
    public delegate ProducerLease Factory(Action<Error> onError);

    public IProducer<byte[], byte[]> Producer { get; }

    public static Factory Owned(IReadOnlyDictionary<string, string> config, TimeSpan flushTimeout, ILoggingAdapter log) =>
        onError => new ProducerLease(
            new ProducerBuilder<byte[], byte[]>(config)
                .SetErrorHandler((_, error) => onError(error))
                .SetLogHandler((_, message) => LogLibrdkafka(log, message))
                .Build(),
            owned: true,
            flushTimeout,
            log);

    public static Factory Borrowed(IClient application, ILoggingAdapter log) =>
        _ => new ProducerLease(new DependentProducerBuilder<byte[], byte[]>(application.Handle).Build(), owned: false, TimeSpan.Zero, log);

    public void Dispose()
    {
        if (!_owned)
        {
            // Only the wrapper goes; the application's producer keeps running.
            Producer.Dispose();
            return;
        }

        var left = Producer.Flush(_flushTimeout);
        if (left > 0)
        {
            _log.Warning("Kafka exporter: {0} record(s) were still undelivered after flushing for {1}.", left, _flushTimeout);
        }

        Producer.Dispose();
    }

    private static void LogLibrdkafka(ILoggingAdapter log, LogMessage message)
    {
        switch (message.Level)
        {
            case <= SyslogLevel.Error:
                log.Error("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            case SyslogLevel.Warning:
                log.Warning("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            default:
                log.Debug("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
        }
    }
}
