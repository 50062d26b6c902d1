using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Serialization;

namespace FlowTracker.Kafka.Actors.Actors;

/// <summary>
/// Owns the exporter's stream: validates and encodes each trace, keeps the byte budget, and offers
/// the record to the bounded buffer in front of the producer sink. Answers stats and runs the flush.
/// </summary>
/// <remarks>
/// When the producer sink gives up (its restart budget spent), the records it held and the buffer's
/// content are kept by the exporter and this actor throws, so its parent's strategy decides: restart
/// (the default of every Akka parent) and resume both build a new stream that sends those records
/// first; stop accounts them as failed with <c>Local_Fatal</c>.
/// </remarks>
internal sealed class KafkaExporterActor : ReceiveActor
{
    private readonly KafkaExporterSettings _settings;
    private readonly ExporterCounters _counters;
    private readonly KafkaTraceExporter _exporter;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _stopRequesters = [];
    private readonly DeliveryLedger _ledger;
    private Channel<OutgoingRecord>? _buffer;
    private bool _restarting;

    public KafkaExporterActor(KafkaExporterSettings settings, ExporterCounters counters, KafkaTraceExporter exporter)
    {
        _settings = settings;
        _counters = counters;
        _exporter = exporter;
        _ledger = new DeliveryLedger(counters, exporter.Metrics, _log, settings.Topic, exporter.Time);

        Receive<Trace>(Accept);
        Receive<GetExporterStats>(_ => Sender.Tell(_counters.Snapshot()));
        Receive<StopExporter>(_ =>
        {
            _exporter.CloseIntake();
            _stopRequesters.Add(Sender);
            Buffer.Writer.TryComplete();
        });
        Receive<StreamEnded>(OnStreamEnded);
        Receive<RebuildStream>(_ =>
        {
            if (_buffer is null)
            {
                StartStream();
            }
        });
    }

    /// <summary>The buffer of the running stream; a stream that failed under a resumed actor is rebuilt first.</summary>
    private Channel<OutgoingRecord> Buffer => _buffer ?? StartStream();

    protected override void PreStart()
    {
        _exporter.Bind(Self, Context.System);
        StartStream();
        _log.Info("FlowTracker Kafka exporter started: {0}", SettingsDescription.Describe(_settings));
    }

    protected override void PreRestart(Exception reason, object message)
    {
        _restarting = true;
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        var buffered = TakeBuffered();
        if (_restarting)
        {
            _exporter.CarryOver.AddRange(buffered);
            return;
        }

        _exporter.CloseIntake();
        foreach (var record in buffered)
        {
            _counters.Dropped(DropReason.Shutdown, record.ReservedBytes);
        }

        // Held for a next stream that will never come: the producer died and the parent chose stop.
        FailForGood(_exporter.CarryOver);
        _exporter.CarryOver.Clear();
        _exporter.MarkStopped();
        var stats = _counters.Snapshot();
        _log.Info(
            "FlowTracker Kafka exporter stopped: {0}{1}",
            stats,
            stats.Pending == 0 ? string.Empty : $" ({stats.Pending} trace(s) still in its mailbox go to dead letters and are counted as dropped: Shutdown)");
    }

    private Channel<OutgoingRecord> StartStream()
    {
        // Sized by traces: the caller-side gate already bounds what can be pending, so a full buffer here
        // is an invariant broken, still counted (BufferFull) rather than lost.
        var buffer = Channel.CreateBounded<OutgoingRecord>(new BoundedChannelOptions(_settings.MaxBufferedTraces)
        {
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _buffer = buffer;

        // What an earlier stream could not send goes first.
        foreach (var record in _exporter.CarryOver)
        {
            Offer(record);
        }

        _exporter.CarryOver.Clear();
        var lease = _settings.OwnsProducer
            ? ProducerLease.Owned(_settings.ProducerConfig!, _log, _exporter.ProducerCreated)
            : ProducerLease.Borrowed(_settings.Producer!);
        ChannelSource.FromReader(buffer.Reader)
            .RunWith(Sink.FromGraph(new ProducerSink(lease, _settings, _ledger, _log, _exporter.Time)), Context.Materializer())
            .ContinueWith(
                t => new StreamEnded(buffer, t.Exception?.GetBaseException()),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default)
            .PipeTo(Self);
        return buffer;
    }

    private void Accept(Trace trace)
    {
        if (string.IsNullOrWhiteSpace(trace.TraceId) || trace.Spans is null || trace.Spans.Any(static s => s is null))
        {
            _counters.Dropped(DropReason.InvalidTrace);
            return;
        }

        byte[] value;
        try
        {
            value = TraceJson.SerializeToUtf8Bytes(trace);
        }
#pragma warning disable CA1031 // Any failure of one trace's encoding is that trace's, counted; the pipeline goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Warning("FlowTracker Kafka exporter could not serialize trace {0}: {1}", trace.TraceId, ex.Message);
            _counters.Dropped(DropReason.SerializationError);
            return;
        }

        var key = Encoding.UTF8.GetBytes(trace.TraceId);
        long size = key.Length + value.Length + RecordHeaders.Size;
        if (size > _settings.MaxMessageBytes)
        {
            _counters.Dropped(DropReason.TooLarge);
            return;
        }

        if (!_counters.TryReserveBytes(size, _settings.MaxBufferedBytes))
        {
            _counters.Dropped(DropReason.BufferFull);
            return;
        }

        Offer(new OutgoingRecord(key, value, size, Stopwatch.GetTimestamp()));
    }

    private void Offer(OutgoingRecord record)
    {
        if (!Buffer.Writer.TryWrite(record))
        {
            _counters.Dropped(_exporter.IsIntakeOpen ? DropReason.BufferFull : DropReason.Shutdown, record.ReservedBytes);
        }
    }

    private void OnStreamEnded(StreamEnded ended)
    {
        if (!ReferenceEquals(ended.Buffer, _buffer))
        {
            return; // A stream of an earlier incarnation, already accounted for.
        }

        var failure = ended.Failure as ProducerSinkFailure;
        var unsettled = failure?.Unsettled ?? [];
        if (ended.Failure is not null && _stopRequesters.Count == 0)
        {
            _exporter.CarryOver.AddRange(unsettled);
            _exporter.CarryOver.AddRange(TakeBuffered());
            _buffer = null;
            Self.Tell(RebuildStream.Instance);

            // Supervision decides: the parent's strategy sees the producer's failure.
            throw new KafkaExporterStreamException("The Kafka exporter's stream failed: " + ended.Failure.Message, failure?.InnerException ?? ended.Failure);
        }

        // Stopping with a dead producer: nothing can send what is left.
        FailForGood(unsettled.Concat(TakeBuffered()));
        var stats = _counters.Snapshot();
        foreach (var requester in _stopRequesters)
        {
            requester.Tell(stats);
        }

        Context.Stop(Self);
    }

    /// <summary>Records no producer will ever send: failed with <c>Local_Fatal</c>.</summary>
    private void FailForGood(IEnumerable<OutgoingRecord> records)
    {
        foreach (var record in records)
        {
            _counters.Failed(ErrorCode.Local_Fatal, record.ReservedBytes);
        }
    }

    private List<OutgoingRecord> TakeBuffered()
    {
        var records = new List<OutgoingRecord>();
        if (_buffer is { } buffer)
        {
            buffer.Writer.TryComplete();
            while (buffer.Reader.TryRead(out var record))
            {
                records.Add(record);
            }
        }

        return records;
    }
}
