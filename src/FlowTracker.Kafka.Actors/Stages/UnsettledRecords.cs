using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The records in <see cref="RecordSender"/>'s hands, in the three places a record can be before it settles: the
/// backlog (not yet handed to a producer), in flight (handed to a producer, no report yet) and held (its producer
/// died and its outcome is unknown: the next producer sends it). Here are the moves of many records at once, which
/// come with a producer's death, a missing report or the sender's end. The sender moves one record at a time itself,
/// through the same backlog and in-flight records: that is its per-record path.
/// </summary>
/// <param name="backlog">The sender's backlog.</param>
/// <param name="inFlight">The sender's records in flight.</param>
/// <param name="options">The sender's options.</param>
/// <param name="ledger">The sender's ledger.</param>
/// <param name="settle">The sender's one place a record gets its final outcome.</param>
internal sealed class UnsettledRecords(
    RecordQueue backlog, InFlightRecords inFlight, SenderOptions options, DeliveryLedger ledger, Action<OutgoingRecord, RecordOutcome> settle)
{
    private readonly List<Held> _held = [];

    /// <summary>Records in the sender's hands: backlog, in flight and held.</summary>
    public int Count => backlog.Count + inFlight.Count + _held.Count;

    public void Hold(long send, InFlight entry, bool mayBeWritten) => _held.Add(new Held(send, entry.Record, mayBeWritten));

    /// <summary>What the dead producer never confirmed goes first to its successor, in the order it was sent.</summary>
    public void ResendHeld()
    {
        HoldInFlight();
        var resent = _held.OrderBy(h => h.Send).ToList();
        _held.Clear();
        for (var i = resent.Count - 1; i >= 0; i--)
        {
            backlog.AddFirst(resent[i].Record);
        }

        ledger.Resent(resent.Count, resent.Count(h => h.MayBeWritten));
    }

    /// <summary>
    /// Fails the records in flight for longer than a producer may take to report on them (<c>message.timeout.ms</c>
    /// plus a margin): its report will never come.
    /// </summary>
    /// <returns>Whether any did.</returns>
    public bool FailOverdue(long now)
    {
        List<long>? overdue = null;
        foreach (var (send, entry) in inFlight)
        {
            if (options.Time.GetElapsedTime(entry.SentAt, now) > options.ReportTimeout)
            {
                (overdue ??= []).Add(send);
            }
        }

        if (overdue is null)
        {
            return false;
        }

        foreach (var send in overdue)
        {
            inFlight.Remove(send, out var entry);
            settle(entry.Record, RecordOutcome.Failure(ErrorCode.Local_MsgTimedOut));
        }

        ledger.ReportsMissing(overdue.Count, options.ReportTimeout);
        return true;
    }

    /// <summary>Fails every record not yet settled; in-flight ones too when their producer can no longer report (disposed).</summary>
    public void FailEverything(ErrorCode code)
    {
        var records = _held.Select(h => h.Record).Concat(backlog).ToList();
        _held.Clear();
        backlog.Clear();
        if (code == ErrorCode.Local_Destroy)
        {
            records.AddRange(inFlight.Records);
            inFlight.Clear();
        }

        foreach (var record in records)
        {
            settle(record, RecordOutcome.Failure(code));
        }
    }

    /// <summary>Takes every unsettled record, in the order it was first sent, for whoever runs the stage that fails.</summary>
    public List<OutgoingRecord> TakeForFailure()
    {
        HoldInFlight();
        var unsettled = _held.OrderBy(h => h.Send).Select(h => h.Record).Concat(backlog).ToList();
        _held.Clear();
        backlog.Clear();
        ledger.InFlight(0);
        return unsettled;
    }

    /// <summary>The flush deadline came: every unsettled record is abandoned, and the ledger says how many.</summary>
    public void AbandonAtDeadline()
    {
        var left = Abandon();
        if (left > 0)
        {
            ledger.AbandonedAtDeadline(left, options.FlushTimeout);
        }
    }

    /// <summary>Counts every unsettled record as dropped (Shutdown): its outcome was unknown when the sender stopped.</summary>
    public int Abandon()
    {
        HoldInFlight();
        var left = _held.Count + backlog.Count;
        foreach (var record in _held.Select(h => h.Record).Concat(backlog))
        {
            settle(record, RecordOutcome.Abandoned);
        }

        _held.Clear();
        backlog.Clear();
        ledger.InFlight(0);
        return left;
    }

    /// <summary>Every record the dead producer still has in flight: its outcome is unknown, so it is sent again.</summary>
    private void HoldInFlight()
    {
        foreach (var (send, entry) in inFlight)
        {
            _held.Add(new Held(send, entry.Record, MayBeWritten: true));
        }

        inFlight.Clear();
    }

    /// <summary>A record whose producer died before confirming it; <see cref="MayBeWritten"/>: it may already be on the topic.</summary>
    private readonly record struct Held(long Send, OutgoingRecord Record, bool MayBeWritten);
}
