using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using LogMessage = Confluent.Kafka.LogMessage;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>A failure the error callback reports is said once: librdkafka's own line for it goes to Debug.</summary>
public sealed class LibrdkafkaLogTests
{
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData("FAIL", SyslogLevel.Error, "localhost:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)")]
    [InlineData("FAIL", SyslogLevel.Critical, "localhost:9092/bootstrap: SASL authentication error: Authentication failed")]
    [InlineData("FATAL", SyslogLevel.Emergency, "Fatal error: Broker: Out of order sequence number: ProduceRequest failed")]
    public void LineThatAlsoRaisesAnErrorEvent_WrittenAtDebugOnly(string facility, SyslogLevel level, string text)
    {
        LibrdkafkaLog.Write(_log, new LogMessage("rdkafka#producer-1", level, facility, text));

        Assert.Empty(_log.At(LogLevel.ErrorLevel));
        Assert.Empty(_log.At(LogLevel.WarningLevel));
        Assert.Contains(text, Assert.Single(_log.At(LogLevel.DebugLevel)), StringComparison.Ordinal);
    }

    /// <summary>The other half of the rule: what no error event carries is not hidden.</summary>
    [Theory]
    [InlineData("FAIL", SyslogLevel.Warning, LogLevel.WarningLevel)]
    [InlineData("REQTMOUT", SyslogLevel.Warning, LogLevel.WarningLevel)]
    [InlineData("CONFWARN", SyslogLevel.Warning, LogLevel.WarningLevel)]
    [InlineData("SSL", SyslogLevel.Error, LogLevel.ErrorLevel)]
    [InlineData("ERROR", SyslogLevel.Error, LogLevel.ErrorLevel)]
    [InlineData("FAIL", SyslogLevel.Info, LogLevel.DebugLevel)]
    public void LineNoErrorEventCarries_KeepsItsLevel(string facility, SyslogLevel level, LogLevel expected)
    {
        LibrdkafkaLog.Write(_log, new LogMessage("rdkafka#producer-1", level, facility, "text"));

        Assert.Equal(expected, Assert.Single(_log.Lines).Level);
    }
}
