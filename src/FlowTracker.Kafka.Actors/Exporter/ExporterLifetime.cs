using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// What outlives one incarnation of the exporter actor: the running stream, the records a failed stream
/// left for the next one, the spool (when on), the restart budget, and the stop. The stream runs on the exporter's own
/// materializer, not as the actor's child, so an actor restart keeps it sending, and an actor stopped from
/// outside still gets its bounded flush (a record Kafka confirms then is counted delivered, not dropped).
/// </summary>
/// <remarks>
/// Called from the actor (its one thread), from any thread that stops the exporter, and from the stream's
/// completion: every change happens under one lock. The end comes once, in <see cref="Conclude"/>, as soon as
/// the stream ended: the accounting sealed (traces the stream never took count as dropped, Shutdown), and the
/// meter, the dead-letter counter and the materializer gone, and the spool closed (its directory free for the next start).
/// With the spool on, a record in the spool that its last commit made durable is not dropped at the end: it stays there (left in spool).
/// </remarks>
internal sealed class ExporterLifetime(KafkaTraceExporter exporter)
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<ExporterStats> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CarryOver _carryOver = new();
    private ActorSystem? _system;
    private ILoggingAdapter _log = NoLogger.Instance;
    private DeliveryLedger? _ledger;
    private ExporterMetrics? _metrics;
    private ActorMaterializer? _materializer;
    private IActorRef? _deadTraceCounter;
    private ExporterStream? _stream;
    private ExporterSpool? _spool;
    private long? _deadline;
    private bool _stopping;
    private bool _actorGone;
    private bool _finishing;

    // Every trace told to the actor before the stop was offered; the buffer ends once the spool's feeder is idle too.
    private bool _bufferDone;

    /// <summary>The final accounting, once the exporter has stopped for good.</summary>
    public Task<ExporterStats> Completion => _final.Task;

    /// <summary>Where every line of this exporter goes (<see cref="ExporterLog"/>); no logger until the exporter is attached to its system.</summary>
    public ILoggingAdapter Log => Volatile.Read(ref _log);

    /// <summary>Whether stop was asked (intake is closed).</summary>
    public bool IsStopping
    {
        get
        {
            lock (_gate)
            {
                return _stopping;
            }
        }
    }

    /// <summary>The spool, when it is on: the actor appends to it.</summary>
    public ExporterSpool? Spool => _spool;

    /// <summary>Once per exporter, when its actor is known: logging, the spool, the shutdown task, the dead-letter counter.</summary>
    /// <exception cref="Spool.SpoolLockedException">The spool's directory is in use by another exporter (this process's or another's).</exception>
    public void Attach(ActorSystem system, string logSource)
    {
        lock (_gate)
        {
            if (_system is not null)
            {
                return;
            }

            _system = system;
            _log = ExporterLog.For(system, logSource);
            // The meter comes to life with the exporter's start, not its creation: one that never starts leaves none behind.
            _metrics = new ExporterMetrics(exporter.Counters, exporter.Settings.Topic, statistics: exporter.Settings.StatisticsInterval is not null, spool: exporter.Settings.Spool is not null);
            _ledger = new DeliveryLedger(exporter.Counters, _metrics, _log, exporter.Settings.Topic, exporter.Time);
        }

        // Before the shutdown task: traces told to an actor that never started are counted all the same.
        var link = new DeadTraceCounter.Link(exporter);
        _deadTraceCounter = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new DeadTraceCounter(link)));
        ShutdownFlush.Register(system, exporter, exporter.Settings);

        // Last: a directory another exporter holds refuses this one's start, which then ends as any failed start does.
        if (exporter.Settings.Spool is not null)
        {
            lock (_gate)
            {
                _spool = ExporterSpool.Open(exporter.Settings, this, exporter.Counters, _log, exporter.BeforeSpoolCommitRecord);
                _ledger!.DeliveriesCounted = _spool.RoomFreed;
            }
        }
    }

    /// <summary>The exporter's actor exists: its end, however it comes (even a failed start, which runs no PostStop), ends the exporter.</summary>
    public void Watch(IActorRef actor) => _deadTraceCounter?.Tell(new DeadTraceCounter.WatchExporter(actor));

    /// <summary>The running stream; started (the carried-over records first) when there is none and the exporter has not ended.</summary>
    public ExporterStream? EnsureStream()
    {
        lock (_gate)
        {
            if (_stream is not null || _finishing || _system is null)
            {
                return _stream;
            }

            var settings = exporter.Settings;
            _materializer ??= ExporterStream.OwnMaterializer(_system);
            var producers = settings.OwnsProducer
                ? ProducerLease.Owned(settings.ProducerConfig!, _log, exporter.ProducerCreated, _metrics!.Statistics)
                : ProducerLease.Borrowed(settings.Producer!);
            var stage = new ProducerStage(producers, SenderOptions.From(settings, exporter.Time), _ledger!, exporter.Backoff, onSettled: _spool is { } spool ? spool.Settled : null);
            var stream = ExporterStream.Run(ExporterStream.CapacityFor(settings.MaxBufferedBytes), stage, _materializer);
            foreach (var record in _carryOver.Take())
            {
                Offer(stream, record);
            }

            _stream = stream;
            if (_stopping)
            {
                // The deadline holds from when stop was asked; the buffer ends when the actor has offered every
                // trace told before the stop (CompleteBuffer), which may be after this.
                stream.Control.Stop(Remaining());
            }

            stream.Control.Completion.ContinueWith(t => OnStreamEnded(stream, t), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return stream;
        }
    }

    /// <summary>
    /// Offers a record to the running stream. Between a failed stream and its successor the record waits with
    /// what the failed one held; once the exporter is stopping and its stream has ended, it is counted as dropped (Shutdown).
    /// </summary>
    public void Offer(OutgoingRecord record)
    {
        // Once per trace, on the actor's thread: the running stream's buffer takes it without the lock. A stream that
        // ends takes back what its buffer holds after closing it (under the lock), so a record written before the close
        // is carried over with the rest, and a write after it fails and takes the path below.
        if (Volatile.Read(ref _stream) is { } running && running.Buffer.Writer.TryWrite(record))
        {
            return;
        }

        lock (_gate)
        {
            if (_stream is { } stream)
            {
                Offer(stream, record);
                return;
            }

            // Only a running exporter builds another stream; a stopping one's stream ended for good (at the deadline).
            if (!_finishing && !_stopping)
            {
                _carryOver.Add(record);
                return;
            }
        }

        _ledger!.Settle(record, RecordOutcome.Abandoned);
    }

    /// <summary>
    /// A spooled record, the actor's or the spool feeder's: true when the stream's buffer (or the carry-over) took it now.
    /// Else, when <paramref name="awaitRoom"/>, <paramref name="room"/> completes once the buffer may take it (null: no stream will).
    /// </summary>
    public bool TryOffer(OutgoingRecord record, bool awaitRoom, out Task<bool>? room)
    {
        room = null;
        lock (_gate)
        {
            if (_stream is { } stream)
            {
                if (stream.Buffer.Writer.TryWrite(record))
                {
                    return true;
                }

                room = awaitRoom ? stream.Buffer.Writer.WaitToWriteAsync().AsTask() : null;
                return false;
            }

            // No stream yet (the feeder starts before the actor, whose start or stop builds one) or between two: the
            // record waits with the carry-over, which the end counts (left in spool) if no stream comes.
            if (_finishing)
            {
                return false;
            }

            _carryOver.Add(record);
            return true;
        }
    }

    /// <summary>The spool's feeder has nothing more to offer: a buffer whose end was asked may end now.</summary>
    public void FeederIdle()
    {
        lock (_gate)
        {
            if (_bufferDone)
            {
                _stream?.Buffer.Writer.TryComplete();
            }
        }
    }

    /// <summary>
    /// Any thread: closes intake and arms the flush deadline of the running stream (and of any stream started
    /// later) at <paramref name="flushTimeout"/> from now, unless an earlier stop armed it sooner.
    /// </summary>
    /// <returns>Whether this was the first stop asked.</returns>
    public bool BeginStop(TimeSpan flushTimeout)
    {
        exporter.Counters.CloseIntake();
        lock (_gate)
        {
            var first = !_stopping;
            _stopping = true;
            var deadline = exporter.Time.GetTimestamp() + (long)(flushTimeout.TotalSeconds * exporter.Time.TimestampFrequency);
            _deadline = _deadline is { } earlier ? Math.Min(earlier, deadline) : deadline;
            _stream?.Control.Stop(Remaining());
            return first;
        }
    }

    /// <summary>The actor, once every trace told before the stop is offered: the stream may finish (after the spool's feeder, if it still reads).</summary>
    public void CompleteBuffer()
    {
        lock (_gate)
        {
            EndBuffer();
        }
    }

    /// <summary>The actor stopped for good (not a restart): what it leaves gets the bounded flush, then the end.</summary>
    public void ActorStopped()
    {
        BeginStop(exporter.Settings.FlushTimeout);
        bool idle;
        lock (_gate)
        {
            _actorGone = true;
            EndBuffer();
            idle = _stream is null;
        }

        if (idle)
        {
            Finish();
        }
    }

    /// <summary>Ends an exporter whose actor never ran: nothing to flush.</summary>
    public void EndUnstarted()
    {
        BeginStop(TimeSpan.Zero);
        lock (_gate)
        {
            _actorGone = true;
        }

        Finish();
    }

    private void OnStreamEnded(ExporterStream stream, Task completion)
    {
        Exception? failure = null;
        List<OutgoingRecord> orphans;
        lock (_gate)
        {
            if (!ReferenceEquals(stream, _stream))
            {
                return;
            }

            _stream = null;
            var leftovers = stream.TakeBuffered();
            if (completion.IsCompletedSuccessfully)
            {
                // Completed at the flush deadline before the stage pulled these: never sent.
                foreach (var record in leftovers)
                {
                    _ledger!.Settle(record, RecordOutcome.Abandoned);
                }
            }
            else
            {
                failure = completion.Exception?.GetBaseException() ?? new InvalidOperationException("The exporter's stream ended without a result.");
                _carryOver.AddLeftBy(failure, leftovers);
            }

            // While running, the actor's parent decides (supervision) and a new stream sends what is carried over;
            // once stopping, a stream that gave up is the end: nothing is left to send with.
            if (failure is not null && !_stopping && !_actorGone)
            {
                exporter.Actor?.Tell(new StreamFailed(failure));
                return;
            }

            // Decided under the same lock that ended the stream: no record offered from now on waits for a stream that will not come.
            if (_finishing)
            {
                return;
            }

            _finishing = true;
            orphans = _carryOver.Take();
        }

        Conclude(orphans);
    }

    /// <summary>The end, once: what a failed stream left is failed (no producer will send it), then the final accounting.</summary>
    private void Finish()
    {
        List<OutgoingRecord> orphans;
        lock (_gate)
        {
            if (_finishing)
            {
                return;
            }

            _finishing = true;
            orphans = _carryOver.Take();
        }

        Conclude(orphans);
    }

    private void Conclude(List<OutgoingRecord> orphans)
    {
        var stats = FinalAccounting.Take(exporter.Counters, _spool, _ledger, orphans, _log, out var unread);

        // Before the result: the next exporter may start on the same directory at once (unless a stalled commit still holds it).
        _spool?.Dispose();
        _deadTraceCounter?.Tell(PoisonPill.Instance);
        _metrics?.Dispose();
        _materializer?.Shutdown();
        if (_system is { } system)
        {
            ShutdownFlush.Unregister(system, exporter);
        }

        StopSummary.Write(_log, stats, unread);
        _final.TrySetResult(stats);
    }

    private void Offer(ExporterStream stream, OutgoingRecord record)
    {
        if (stream.Buffer.Writer.TryWrite(record))
        {
            return;
        }

        if (_stopping)
        {
            // Never sent: a spooled record stays in the spool for the next start.
            _ledger!.Settle(record, RecordOutcome.Abandoned);
            return;
        }

        // A carried-over record the new buffer has no room for: dropped for good, so it leaves the spool too.
        _ledger!.Settle(record, RecordOutcome.Dropped(DropReason.BufferFull));
        _spool?.Dropped(record);
    }

    /// <summary>Under the lock: the buffer ends now, or when the spool's feeder is idle (it completes it then).</summary>
    private void EndBuffer()
    {
        _bufferDone = true;
        if (_spool is not { IsFeeding: true })
        {
            _stream?.Buffer.Writer.TryComplete();
        }
    }

    private TimeSpan Remaining() =>
        _deadline is { } deadline ? exporter.Time.GetElapsedTime(exporter.Time.GetTimestamp(), deadline) : exporter.Settings.FlushTimeout;
}
