using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Serialization;

namespace FlowTracker.Kafka.Actors.Actors;

/// <summary>
/// Owns the exporter's stream: validates and encodes each trace, keeps the byte budget, and offers
/// the record to the bounded buffer in front of the producer stage. Answers stats and runs the flush.
/// </summary>
internal sealed class KafkaExporterActor : ReceiveActor
{
    private readonly KafkaExporterSettings _settings;
    private readonly ExporterCounters _counters;
    private readonly KafkaTraceExporter _exporter;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _stopRequesters = [];
    private Channel<OutgoingRecord> _buffer = null!;

    public KafkaExporterActor(KafkaExporterSettings settings, ExporterCounters counters, KafkaTraceExporter exporter)
    {
        _settings = settings;
        _counters = counters;
        _exporter = exporter;

        Receive<Trace>(Accept);
        Receive<GetExporterStats>(_ => Sender.Tell(_counters.Snapshot()));
        Receive<StopExporter>(_ =>
        {
            _exporter.CloseIntake();
            _stopRequesters.Add(Sender);
            _buffer.Writer.TryComplete();
        });
        Receive<StreamEnded>(OnStreamEnded);
    }

    protected override void PreStart()
    {
        // Sized by traces: the caller-side gate already bounds what can be pending, so a full
        // buffer here is an invariant broken, still counted (BufferFull) rather than lost.
        _buffer = Channel.CreateBounded<OutgoingRecord>(new BoundedChannelOptions(_settings.MaxBufferedTraces)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        var lease = _settings.OwnsProducer
            ? ProducerLease.Owned(_settings.ProducerConfig!, _settings.FlushTimeout, _log)
            : ProducerLease.Borrowed(_settings.Producer!, _log);
        var deliveryLog = new DeliveryErrorLog(_log, _settings.Topic);
        var completion = ChannelSource.FromReader(_buffer.Reader)
            .Via(new ProducerStage(lease, _settings.Topic, _settings.MaxBufferedTraces, _log))
            .RunWith(Sink.ForEach<DeliveryOutcome>(outcome => Settle(outcome, deliveryLog)), Context.Materializer());
        completion.ContinueWith(
            static t => new StreamEnded(t.Exception?.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).PipeTo(Self);
        _exporter.Bind(Self);
        _log.Info("FlowTracker Kafka exporter started: topic {0}, {1} producer, buffer {2} traces / {3} bytes.",
            _settings.Topic, _settings.OwnsProducer ? "owned" : "application's", _settings.MaxBufferedTraces, _settings.MaxBufferedBytes);
    }

    protected override void PostStop()
    {
        _exporter.CloseIntake();
        _buffer.Writer.TryComplete();

        // What the stream never took is accounted, not forgotten.
        while (_buffer.Reader.TryRead(out var record))
        {
            _counters.Dropped(DropReason.Shutdown, record.ReservedBytes);
        }

        _log.Info("FlowTracker Kafka exporter stopped: {0}", _counters.Snapshot());
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

        if (!_buffer.Writer.TryWrite(new OutgoingRecord(key, value, size)))
        {
            _counters.Dropped(_exporter.IsIntakeOpen ? DropReason.BufferFull : DropReason.Shutdown, size);
        }
    }

    private void Settle(DeliveryOutcome outcome, DeliveryErrorLog deliveryLog)
    {
        if (outcome.IsDelivered)
        {
            _counters.Delivered(outcome.Record.ReservedBytes);
            return;
        }

        // librdkafka uses the broker code MsgSizeTooLarge for its own pre-send size check too.
        if (outcome.Error == Confluent.Kafka.ErrorCode.MsgSizeTooLarge)
        {
            _counters.Dropped(DropReason.TooLarge, outcome.Record.ReservedBytes);
            return;
        }

        _counters.Failed(outcome.Error, outcome.Record.ReservedBytes);
        deliveryLog.Failed(outcome.Error);
    }

    private void OnStreamEnded(StreamEnded ended)
    {
        if (ended.Failure is not null && _stopRequesters.Count == 0)
        {
            // Supervision decides: the parent's strategy sees the producer's failure.
            throw new KafkaExporterStreamException("The Kafka exporter's stream failed.", ended.Failure);
        }

        var stats = _counters.Snapshot();
        foreach (var requester in _stopRequesters)
        {
            requester.Tell(stats);
        }

        Context.Stop(Self);
    }
}
