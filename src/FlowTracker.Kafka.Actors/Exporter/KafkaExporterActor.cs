using Akka.Actor;
using Akka.Event;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// The exporter's actor: validates and encodes each trace, keeps the byte budget (or, with the spool on, writes the
/// record ahead to the spool), and offers the record to the stream in front of the producer sink. Answers stats and
/// starts the flush.
/// </summary>
/// <remarks>
/// The stream belongs to the exporter (<see cref="ExporterLifetime"/>), not to this actor: a restart keeps it
/// sending. Nothing a caller puts in a trace can make this actor fail: every step that reads user data
/// settles that one trace with a reason. It fails on purpose in one case: the producer sink gave up (its
/// restart budget spent), so that its parent's strategy decides: restart (the default of every Akka parent)
/// and resume both build a new stream that sends what the failed one held first; stop fails those records
/// with <c>Local_Fatal</c>.
/// </remarks>
internal sealed class KafkaExporterActor : ReceiveActor
{
    private readonly KafkaExporterSettings _settings;
    private readonly ExporterCounters _counters;
    private readonly KafkaTraceExporter _exporter;
    private readonly RecordEncoder _encoder;
    private bool _restarting;
    private bool _restarted;

    public KafkaExporterActor(KafkaExporterSettings settings, ExporterCounters counters, KafkaTraceExporter exporter)
    {
        _settings = settings;
        _counters = counters;
        _exporter = exporter;
        _encoder = new RecordEncoder(settings.MaxMessageBytes, settings.OversizedTraces);

        Receive<Trace>(Accept);
        Receive<GetExporterStats>(_ => Sender.Tell(_counters.Snapshot()));
        Receive<StopExporter>(_ => Stop());
        Receive<StreamFailed>(failed =>
        {
            // After a resume nothing restarts this actor: build the next stream at once.
            Self.Tell(RebuildStream.Instance);
            throw new KafkaExporterStreamException("The Kafka exporter's stream failed: " + failed.Cause.Message, (failed.Cause as ProducerStageFailure)?.InnerException ?? failed.Cause);
        });
        Receive<RebuildStream>(_ => _exporter.Lifetime.EnsureStream());
    }

    protected override void PreStart()
    {
        _exporter.Bind(Self, Context.System);
        _exporter.Lifetime.EnsureStream();
        if (!_restarted)
        {
            SettingsDescription.Write(_exporter.Lifetime.Log, _settings);
        }
    }

    /// <summary>The failed incarnation: its PostStop must leave the stream running for the next one.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _restarting = true;
        base.PreRestart(reason, message);
    }

    /// <summary>The new incarnation: its PreStart (called from here) reattaches, and says nothing new.</summary>
    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        base.PostRestart(reason);
        _restarted = false;
    }

    protected override void PostStop()
    {
        if (!_restarting)
        {
            _exporter.Lifetime.ActorStopped();
        }
    }

    private void Stop()
    {
        _exporter.Lifetime.BeginStop(_settings.FlushTimeout);

        // A stream that failed just before the stop still flushes what it held, within the same deadline.
        _exporter.Lifetime.EnsureStream();

        // Every trace told before this message has been offered by now: the buffer may end.
        _exporter.Lifetime.CompleteBuffer();
        if (!Sender.IsNobody())
        {
            _exporter.Lifetime.Completion.PipeTo(Sender);
        }

        Context.Stop(Self);
    }

    private void Accept(Trace trace)
    {
        var spool = _exporter.Lifetime.Spool;
        if (spool is not null)
        {
            // With the spool on, the gate bounds only what waits in this mailbox.
            _counters.Taken();
        }

        if (_counters.IsSealed)
        {
            // The exporter ended with this trace still in the mailbox, and counted it then (dropped: Shutdown).
            return;
        }

        if (!_encoder.TryEncode(trace, out var record, out var parts, out var reason, out var error, out var truncated))
        {
            _counters.Dropped(reason);
            if (error is not null)
            {
                _exporter.Lifetime.Log.Warning("FlowTracker Kafka exporter could not serialize a trace: {SerializationError}", error);
            }

            return;
        }

        if (spool is not null && record is not null)
        {
            // Written ahead, then in memory if there is room, else on disk only until there is.
            _counters.Encoded(0, truncated);
            spool.Accept(record, _exporter.Lifetime);
            return;
        }

        // Without a spool, and for a split trace with one: its parts are kept in memory only (a spool record stands for
        // one trace, and a split one is larger than a record may be), within max-buffered-bytes as without a spool.
        var bytes = record?.ReservedBytes ?? parts![0].Parts!.Bytes;
        if (!_counters.TryReserveBytes(bytes, _settings.MaxBufferedBytes))
        {
            record?.Release();
            foreach (var part in parts ?? [])
            {
                part.Release();
            }

            _counters.Dropped(DropReason.BufferFull);
            return;
        }

        _counters.Encoded(parts?.Length ?? 0, truncated);
        if (record is not null)
        {
            _exporter.Lifetime.Offer(record);
            return;
        }

        if (spool is not null)
        {
            _counters.NotSpooled();
        }

        foreach (var part in parts!)
        {
            _exporter.Lifetime.Offer(part);
        }
    }
}
