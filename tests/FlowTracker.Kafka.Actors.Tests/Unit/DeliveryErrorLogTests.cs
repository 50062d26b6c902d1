using Akka.Event;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using Error = Akka.Event.Error;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>An outage fails thousands of traces; the log must say so in a few lines, not thousands.</summary>
public sealed class DeliveryErrorLogTests : TestKit
{
    private readonly ManualTime _time = new();
    private readonly RateLimitedErrorLog _log;

    public DeliveryErrorLogTests()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(Error));
        _log = RateLimitedErrorLog.ForDeliveries(Logging.GetLogger(Sys, "delivery-errors"), "traces", _time);
    }

    [Fact]
    public void FirstFailure_LoggedAtOnce_WithTopicAndCode()
    {
        _log.Failed(ErrorCode.Local_MsgTimedOut);

        var line = ExpectMsg<Error>().Message.ToString();
        Assert.Contains("traces", line, StringComparison.Ordinal);
        Assert.Contains("Local_MsgTimedOut x1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ThousandFailuresWithinTheInterval_OneLine_ThenOneSummingTheRest()
    {
        _log.Failed(ErrorCode.Local_MsgTimedOut);
        ExpectMsg<Error>();

        for (var i = 0; i < 999; i++)
        {
            _log.Failed(i % 3 == 0 ? ErrorCode.TopicAuthorizationFailed : ErrorCode.Local_MsgTimedOut);
        }

        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _time.Advance(RateLimitedErrorLog.Interval);
        _log.Failed(ErrorCode.Local_MsgTimedOut);

        var summary = ExpectMsg<Error>().Message.ToString();
        Assert.Contains("Local_MsgTimedOut x667", summary, StringComparison.Ordinal);
        Assert.Contains("TopicAuthorizationFailed x333", summary, StringComparison.Ordinal);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Flush_WritesWhatTheIntervalHeldBack_AndNothingWhenNothingIsLeft()
    {
        _log.Failed(ErrorCode.Local_MsgTimedOut);
        ExpectMsg<Error>();
        _log.Failed(ErrorCode.Local_MsgTimedOut);
        _log.Failed(ErrorCode.Local_MsgTimedOut);

        _log.Flush();
        Assert.Contains("Local_MsgTimedOut x2", ExpectMsg<Error>().Message.ToString(), StringComparison.Ordinal);
        _log.Flush();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
