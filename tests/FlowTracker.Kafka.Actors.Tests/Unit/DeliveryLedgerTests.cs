using System.Diagnostics;
using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Kafka.Actors.Tests.Support;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// With the brokers unreachable librdkafka raises an error event per reconnect attempt; the log must say so
/// in a few lines, and say once when the brokers are back.
/// </summary>
public sealed class DeliveryLedgerTests : IDisposable
{
    private const string Refused = "localhost:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused";
    private readonly ManualTime _time = new();
    private readonly RecordingLog _log = new();
    private readonly ExporterCounters _counters = new();
    private readonly ExporterMetrics _metrics;
    private readonly DeliveryLedger _ledger;

    public DeliveryLedgerTests()
    {
        _metrics = new ExporterMetrics(_counters, "traces");
        _ledger = new DeliveryLedger(_counters, _metrics, _log, "traces", _time);
    }

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void RecordsUnconfirmedAtTheStop_TheSpooledLeftInSpool_TheOtherDropped_AndTheDeadlineLineSaysWhich()
    {
        var spooled = new OutgoingRecord(ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, 100, Stopwatch.GetTimestamp()) { SpoolId = new SpoolId(64, 128) };
        var inMemory = new OutgoingRecord(ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, 100, Stopwatch.GetTimestamp());
        var carriedOver = new OutgoingRecord(ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, 100, Stopwatch.GetTimestamp()) { SpoolId = new SpoolId(192, 128) };
        for (var i = 0; i < 3; i++)
        {
            Assert.True(_counters.TryAccept(10) && _counters.TryReserveBytes(100, 1_000));
        }

        _ledger.Settle(spooled, RecordOutcome.Abandoned);
        _ledger.Settle(inMemory, RecordOutcome.Abandoned);
        _ledger.Settle(carriedOver, RecordOutcome.Dropped(DropReason.BufferFull));
        _ledger.AbandonedAtDeadline(2, TimeSpan.FromSeconds(1));

        var stats = _counters.Snapshot();
        Assert.Equal((1L, 1L, 1L), (stats.LeftInSpool, stats.DroppedByReason[DropReason.Shutdown], stats.DroppedByReason[DropReason.BufferFull]));
        Assert.Equal(0, stats.Pending);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Contains("1 are to stay in the spool for the next start (counted as left in spool), the others are counted as dropped (Shutdown)", Assert.Single(_log.At(LogLevel.WarningLevel)), StringComparison.Ordinal);
    }

    [Fact]
    public void ProducerErrors_FirstAtOnce_ThenOneWarningPerIntervalSummingByCode_TheRestAtStop()
    {
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));

        var first = Assert.Single(_log.At(LogLevel.WarningLevel));
        Assert.Contains("Local_Transport x1", first, StringComparison.Ordinal);
        Assert.Contains("Connection refused", first, StringComparison.Ordinal);

        for (var i = 0; i < 40; i++)
        {
            _ledger.ProducerError(i % 4 == 0 ? new Error(ErrorCode.Local_Resolve, "kafka:9092/bootstrap: Failed to resolve 'kafka:9092'") : new Error(ErrorCode.Local_Transport, Refused));
        }

        Assert.Single(_log.Lines);
        _time.Advance(RateLimitedErrorLog.Interval);
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));

        var summary = _log.At(LogLevel.WarningLevel)[1];
        Assert.Contains("Local_Transport x31 (last: " + Refused + ")", summary, StringComparison.Ordinal);
        Assert.Contains("Local_Resolve x10 (last: kafka:9092/bootstrap: Failed to resolve 'kafka:9092')", summary, StringComparison.Ordinal);

        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));
        Assert.Equal(2, _log.Lines.Count);
        _ledger.FlushErrorLog();
        _ledger.FlushErrorLog();

        Assert.Equal(3, _log.Lines.Count);
        Assert.Contains("Local_Transport x2", _log.At(LogLevel.WarningLevel)[2], StringComparison.Ordinal);
        Assert.Empty(_log.At(LogLevel.ErrorLevel));
    }

    [Fact]
    public void ReachableAgainLine_OnceOnTheFirstDeliveryAfterAllBrokersDown_NotOnOtherDeliveries()
    {
        _ledger.Delivered(Record());
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));
        _ledger.Delivered(Record());
        Assert.Empty(_log.At(LogLevel.InfoLevel));

        _ledger.ProducerError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));
        Assert.True(_counters.Snapshot().BrokersUnreachable);
        _time.Advance(TimeSpan.FromSeconds(42));

        _ledger.Delivered(Record());
        _ledger.Delivered(Record());
        _ledger.Delivered(Record());

        var back = Assert.Single(_log.At(LogLevel.InfoLevel));
        Assert.Contains("brokers reachable again", back, StringComparison.Ordinal);
        Assert.Contains("42 s", back, StringComparison.Ordinal);
        Assert.Contains("3 producer error event(s)", back, StringComparison.Ordinal);
        Assert.False(_counters.Snapshot().BrokersUnreachable);

        // The outage's summary comes before the line that ends it.
        Assert.Equal([LogLevel.WarningLevel, LogLevel.WarningLevel, LogLevel.InfoLevel], _log.Lines.Select(l => l.Level));
        Assert.Contains("Local_AllBrokersDown x1", _log.Lines[1].Line, StringComparison.Ordinal);
        Assert.Contains("Local_Transport x2", _log.Lines[1].Line, StringComparison.Ordinal);
    }

    [Fact]
    public void EachOutage_ItsOwnReachableAgainLine_CountingOnlyItsOwnErrors()
    {
        _ledger.ProducerError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));
        _ledger.Delivered(Record());
        _ledger.ProducerError(new Error(ErrorCode.Local_Transport, Refused));

        _ledger.BrokersUnreachable();
        _ledger.ProducerError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        _time.Advance(TimeSpan.FromSeconds(5));
        _ledger.Delivered(Record());

        var lines = _log.At(LogLevel.InfoLevel);
        Assert.Equal(2, lines.Count);
        Assert.Contains("2 producer error event(s)", lines[0], StringComparison.Ordinal);
        Assert.Contains("5 s", lines[1], StringComparison.Ordinal);
        Assert.Contains("1 producer error event(s)", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void DeliveriesOfOneDrainOfReports_CountedTogetherAtItsEnd_PendingUntilThen_TheReachableLineOnce()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.True(_counters.TryAccept(10) && _counters.TryReserveBytes(2, 1_000));
        }

        _ledger.ProducerError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        _ledger.BeginReports();
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(_ledger.Count(Record(), RecordOutcome.Delivery(0, i)));
        }

        // Within the drain a snapshot still sees them pending: consistent, never counted twice or not at all.
        var during = _counters.Snapshot();
        Assert.Equal((0L, 3L, 6L), (during.Delivered, during.Pending, during.PendingBytes));
        Assert.True(during.IsConsistent, during.ToString());
        Assert.Empty(_log.At(LogLevel.InfoLevel));

        _ledger.EndReports();
        var after = _counters.Snapshot();
        Assert.Equal((3L, 0L, 0L), (after.Delivered, after.Pending, after.PendingBytes));
        Assert.True(after.IsConsistent, after.ToString());
        Assert.Contains("brokers reachable again", Assert.Single(_log.At(LogLevel.InfoLevel)), StringComparison.Ordinal);

        // Outside a drain (the stage's other paths) a delivery counts at once.
        Assert.True(_counters.TryAccept(10) && _counters.TryReserveBytes(2, 1_000));
        _ledger.Count(Record(), RecordOutcome.Delivery(0, 3));
        Assert.Equal(4, _counters.Snapshot().Delivered);
    }

    private static OutgoingRecord Record() => new(new byte[] { 1 }, new byte[] { 2 }, 2, Stopwatch.GetTimestamp());
}
