using Akka.Event;
using Confluent.Kafka;
using LogMessage = Confluent.Kafka.LogMessage;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Where librdkafka's own log lines go, for a producer that also has an error callback (the exporter
/// installs the two together). Each failure is said once, by the error callback, which the ledger rate
/// limits; a log line saying the same thing again goes to Debug. Every other line keeps its level, as it
/// carries something no error event does (a configuration warning, a resolve failure, a disconnect with
/// requests in flight, timed-out requests).
/// </summary>
/// <remarks>
/// Which lines repeat an error event, from librdkafka's sources (rdkafka_broker.c, rdkafka.c, rdkafka_op.h):
/// <list type="bullet">
/// <item><c>FAIL</c> at LOG_ERR or worse: rd_kafka_broker_set_error logs the broker failure and, for exactly
/// those levels, raises the same text as an error event. FAIL at LOG_WARNING or milder raises none, so it
/// stays.</item>
/// <item><c>FATAL</c> (LOG_EMERG): rd_kafka_set_fatal_error0 logs it only because an error callback is
/// registered, then raises it as a Local_Fatal error event; the stage handles that one.</item>
/// </list>
/// <c>ERROR</c> lines and "N/N brokers are down" are librdkafka's stand-in for error events when no error
/// callback is registered: in place of the callback, never in addition to it, so they keep their level.
/// </remarks>
internal static class LibrdkafkaLog
{
    public static void Write(ILoggingAdapter log, LogMessage message)
    {
        var level = LevelOf(message);
        if (log.IsEnabled(level))
        {
            log.Log(level, "librdkafka {LibrdkafkaClient} {LibrdkafkaFacility}: {LibrdkafkaMessage}", [message.Name, message.Facility, message.Message]);
        }
    }

    public static LogLevel LevelOf(LogMessage message) => message.Level switch
    {
        _ when AlsoAnErrorEvent(message) => LogLevel.DebugLevel,
        <= SyslogLevel.Error => LogLevel.ErrorLevel,
        SyslogLevel.Warning => LogLevel.WarningLevel,
        _ => LogLevel.DebugLevel,
    };

    private static bool AlsoAnErrorEvent(LogMessage message) => message.Facility switch
    {
        "FAIL" => message.Level <= SyslogLevel.Error,
        "FATAL" => true,
        _ => false,
    };
}
