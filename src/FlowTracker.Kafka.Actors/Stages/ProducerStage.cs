using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// Sends each record with Confluent's producer and emits its <see cref="DeliveryOutcome"/>. Avoids the
/// known defects of Akka.Streams.Kafka's stages: a failed delivery completes its element instead of
/// stranding it; the producer's error events are seen and a fatal one fails the stage;
/// <c>Local_QueueFull</c> waits and retries instead of failing; completion waits for every delivery
/// report; an owned producer is flushed with a bounded timeout and disposed on stop.
/// </summary>
internal sealed class ProducerStage : GraphStage<FlowShape<OutgoingRecord, DeliveryOutcome>>
{
    private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(5);
    private readonly ProducerLease.Factory _leaseFactory;
    private readonly string _topic;
    private readonly int _maxInFlight;
    private readonly ILoggingAdapter _log;

    public ProducerStage(ProducerLease.Factory leaseFactory, string topic, int maxInFlight, ILoggingAdapter log)
    {
        _leaseFactory = leaseFactory;
        _topic = topic;
        _maxInFlight = maxInFlight;
        _log = log;
        Shape = new FlowShape<OutgoingRecord, DeliveryOutcome>(In, Out);
    }

    public Inlet<OutgoingRecord> In { get; } = new("kafka-producer.in");

    public Outlet<DeliveryOutcome> Out { get; } = new("kafka-producer.out");

    public override FlowShape<OutgoingRecord, DeliveryOutcome> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private readonly ProducerStage _stage;
        private readonly Queue<DeliveryOutcome> _ready = new();
        private Action<DeliveryOutcome> _onDelivery = null!;
        private Action<Error> _onFatal = null!;
        private ProducerLease? _lease;
        private OutgoingRecord? _waiting;
        private int _inFlight;
        private bool _upstreamFinished;

        public Logic(ProducerStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.In, onPush: () => Send(Grab(stage.In)), onUpstreamFinish: () =>
            {
                _upstreamFinished = true;
                CompleteIfDone();
            });
            SetHandler(stage.Out, onPull: () =>
            {
                if (_ready.Count > 0)
                {
                    Push(stage.Out, _ready.Dequeue());
                    CompleteIfDone();
                }
            });
        }

        public override void PreStart()
        {
            _onDelivery = GetAsyncCallback<DeliveryOutcome>(OnDelivered);
            _onFatal = GetAsyncCallback<Error>(error => FailStage(new KafkaProducerFatalException(error)));
            _lease = _stage._leaseFactory(error =>
            {
                // librdkafka's background thread: fatal errors stop the stage, the rest are logged.
                if (error.IsFatal)
                {
                    _onFatal(error);
                }
                else
                {
                    _stage._log.Warning("Kafka producer error {0}: {1}", error.Code, error.Reason);
                }
            });
            Pull(_stage.In);
        }

        public override void PostStop() => _lease?.Dispose();

        protected override void OnTimer(object timerKey)
        {
            if (_waiting is { } record)
            {
                _waiting = null;
                Send(record);
            }
        }

        private void Send(OutgoingRecord record)
        {
            var message = new Message<byte[], byte[]>
            {
                Key = record.Key,
                Value = record.Value,
                Headers = new Headers { { RecordHeaders.ContentTypeName, RecordHeaders.ContentTypeValue } },
            };
            try
            {
                _lease!.Producer.Produce(_stage._topic, message, report => _onDelivery(new DeliveryOutcome(record, report.Error.Code)));
                _inFlight++;
                PullIfRoom();
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Backpressure, not failure: librdkafka's queue drains as deliveries complete.
                _waiting = record;
                ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.IsFatal || ex.Error.Code == ErrorCode.Local_Fatal)
            {
                FailStage(new KafkaProducerFatalException(ex.Error));
            }
            catch (ProduceException<byte[], byte[]> ex)
            {
                Emit(new DeliveryOutcome(record, ex.Error.Code));
                PullIfRoom();
            }
        }

        private void OnDelivered(DeliveryOutcome outcome)
        {
            _inFlight--;
            if (outcome.Error == ErrorCode.Local_Fatal)
            {
                FailStage(new KafkaProducerFatalException(new Error(ErrorCode.Local_Fatal)));
                return;
            }

            Emit(outcome);
            PullIfRoom();
            CompleteIfDone();
        }

        private void Emit(DeliveryOutcome outcome)
        {
            if (IsAvailable(_stage.Out))
            {
                Push(_stage.Out, outcome);
            }
            else
            {
                _ready.Enqueue(outcome);
            }
        }

        private void PullIfRoom()
        {
            if (!_upstreamFinished && _waiting is null && _inFlight < _stage._maxInFlight && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        private void CompleteIfDone()
        {
            if (_upstreamFinished && _inFlight == 0 && _waiting is null && _ready.Count == 0)
            {
                CompleteStage();
            }
        }
    }
}
