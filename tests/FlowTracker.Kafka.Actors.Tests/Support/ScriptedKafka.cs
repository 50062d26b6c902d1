using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;
using Error = Confluent.Kafka.Error;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// A scripted librdkafka around one <see cref="RecordSender"/>: producers that queue, transmit and
/// acknowledge records when the test says so, die of a fatal error when told, purge their queue as
/// librdkafka does, and raise every resulting event into a pool from which the test delivers them to the
/// sender's event queue in any order it likes. Timers fire when the test fires them. Nothing runs on
/// another thread: one seed, one interleaving, reproducible.
/// </summary>
internal sealed class ScriptedKafka : ISenderHost
{
    public const string Topic = "scripted";

    private readonly List<ScriptedProducer> _producers = [];
    private readonly List<(ProducerEventQueue Queue, ProducerEvent Event)> _pool = [];
    private readonly HashSet<string> _poisoned;
    private readonly bool _owned;
    private int _nextRecord;

    public ScriptedKafka(
        RestartBackoffSettings restart,
        IEnumerable<string>? poisonedKeys = null,
        int producerCapacity = 8,
        bool owned = true,
        Akka.Streams.Supervision.Decider? decider = null,
        long maxInFlightBytes = long.MaxValue)
    {
        _poisoned = [.. poisonedKeys ?? []];
        _owned = owned;
        Capacity = producerCapacity;
        Counters = new ExporterCounters();
        Metrics = new ExporterMetrics(Counters, Topic);
        var ledger = new DeliveryLedger(Counters, Metrics, NoLogger.Instance, Topic, Time);
        var options = new SenderOptions(Topic, MaxBacklog: 1_000_000, FlushTimeout: TimeSpan.FromSeconds(10), ReportTimeout: TimeSpan.FromMinutes(6), restart, owned, Time, maxInFlightBytes);
        Sender = new RecordSender(CreateProducer, new ProducerEventQueue(() => Woken = true), this, ledger, new RestartBackoff(restart, Time, () => 0), decider ?? ProducerDecider.Default, options);
    }

    public RecordSender Sender { get; }

    public ExporterCounters Counters { get; }

    public ExporterMetrics Metrics { get; }

    public ManualTime Time { get; } = new();

    public int Capacity { get; }

    /// <summary>When set, every Produce throws this error, as Confluent does for a topic in error or a refused record.</summary>
    public Error? Refusal { get; set; }

    /// <summary>When set, the live producer says it cannot be used (the application disposed it).</summary>
    public string? Unusable { get; set; }

    /// <summary>Every record offered, by key.</summary>
    public Dictionary<string, OutgoingRecord> Offered { get; } = [];

    /// <summary>Every outcome the sender gave, by record key: exactly one each is what the tests check.</summary>
    public Dictionary<string, List<RecordOutcome>> Outcomes { get; } = [];

    public TimeSpan? RestartDue { get; private set; }

    public bool QueueFullRetryDue { get; private set; }

    public TimeSpan? DeadlineDue { get; private set; }

    public ProducerStageFailure? Failure { get; private set; }

    public bool Completed { get; private set; }

    /// <summary>The sender's queue signalled: the stage would now drain it.</summary>
    public bool Woken { get; private set; }

    public int FatalErrors { get; private set; }

    public int PendingEvents => _pool.Count;

    public ScriptedProducer? Live => _producers.LastOrDefault(p => !p.Fatal && !p.Disposed);

    public IReadOnlyList<ScriptedProducer> Producers => _producers;

    public void Start() => Sender.Start();

    /// <summary>A new record, counted through the exporter's gate as Export would, pushed into the stage.</summary>
    public void Offer()
    {
        if (Sender.HasEnded)
        {
            return; // A stage that failed or completed is pushed nothing more.
        }

        var key = $"r{_nextRecord++}";
        var record = new OutgoingRecord(System.Text.Encoding.UTF8.GetBytes(key), new byte[] { 1, 2, 3 }, 10, 0);
        Assert.True(Counters.TryAccept(long.MaxValue));
        Assert.True(Counters.TryReserveBytes(record.ReservedBytes, long.MaxValue));
        Offered[key] = record;
        Sender.Offer(record);
    }

    /// <summary>librdkafka's broker thread sends a queued record of the live producer.</summary>
    public void Transmit(int pick)
    {
        if (Live is { Queued.Count: > 0 } producer)
        {
            var index = pick % producer.Queued.Count;
            producer.InFlight.Add(producer.Queued[index]);
            producer.Queued.RemoveAt(index);
        }
    }

    /// <summary>A broker answers for one transmitted record of any producer: written (or refused for good when poisoned), or the fatal error's batch.</summary>
    public void Acknowledge(int pick, bool desynchronised = false)
    {
        var producers = _producers.Where(p => p.InFlight.Count > 0).ToList();
        if (producers.Count == 0)
        {
            return;
        }

        var producer = producers[pick % producers.Count];
        var index = pick % producer.InFlight.Count;
        var sent = producer.InFlight[index];
        producer.InFlight.RemoveAt(index);
        var error = desynchronised && producer.Fatal
            ? new Error(ErrorCode.OutOfOrderSequenceNumber)
            : _poisoned.Contains(sent.Key) ? new Error(ErrorCode.TopicAuthorizationFailed) : new Error(ErrorCode.NoError);
        Raise(producer, ProducerEvent.Reported(producer.Generation, sent.Send, error, partition: 0, offset: sent.Send));
    }

    /// <summary>
    /// librdkafka's fatal error, as <c>rd_kafka_set_fatal_error</c> raises it: the error event, then the purge of
    /// every queued record (<c>Local_PurgeQueue</c>); what was transmitted is still answered by the brokers.
    /// </summary>
    public void Fatal()
    {
        if (Live is not { } producer)
        {
            return;
        }

        producer.Fatal = true;
        FatalErrors++;
        Raise(producer, ProducerEvent.Raised(producer.Generation, new Error(ErrorCode.OutOfOrderSequenceNumber, "scripted fatal error", isFatal: true)));
        foreach (var queued in producer.Queued)
        {
            Raise(producer, ProducerEvent.Reported(producer.Generation, queued.Send, new Error(ErrorCode.Local_PurgeQueue)));
        }

        producer.Queued.Clear();
    }

    /// <summary>A non-fatal error event: librdkafka's business, the sender only reports it.</summary>
    public void BrokersDown()
    {
        if (Live is { } producer)
        {
            Raise(producer, ProducerEvent.Raised(producer.Generation, new Error(ErrorCode.Local_AllBrokersDown)));
        }
    }

    /// <summary>Moves one raised event, chosen by <paramref name="pick"/>, onto the sender's queue (any order).</summary>
    public void Deliver(int pick)
    {
        if (_pool.Count > 0)
        {
            var index = pick % _pool.Count;
            var (queue, producerEvent) = _pool[index];
            _pool.RemoveAt(index);
            queue.Enqueue(producerEvent);
        }
    }

    /// <summary>The stage's wake-up: drain the queue, as the async callback would.</summary>
    public void Drain()
    {
        if (Woken)
        {
            Woken = false;
            Sender.OnEvents();
        }
    }

    public void FireRestart()
    {
        if (RestartDue is { } delay)
        {
            RestartDue = null;
            Time.Advance(delay);
            Sender.OnRestartDue();
        }
    }

    public void FireQueueFullRetry()
    {
        if (QueueFullRetryDue)
        {
            QueueFullRetryDue = false;
            Sender.OnQueueFullRetry();
        }
    }

    public void FireDeadline()
    {
        if (DeadlineDue is not null)
        {
            DeadlineDue = null;
            Sender.OnDeadline();
        }
    }

    /// <summary>After the script: no more faults; everything transmitted, answered, delivered and drained until the sender ends.</summary>
    public void RunToCompletion(Random random)
    {
        Sender.OnUpstreamFinished();
        for (var round = 0; round < 10_000 && !Sender.HasEnded; round++)
        {
            FireRestart();
            FireQueueFullRetry();
            while (Live is { Queued.Count: > 0 })
            {
                Transmit(0);
            }

            while (_producers.Any(p => p.InFlight.Count > 0))
            {
                Acknowledge(random.Next());
            }

            while (_pool.Count > 0)
            {
                Deliver(random.Next());
            }

            Drain();
        }
    }

    public void ScheduleRestart(TimeSpan delay) => RestartDue = delay;

    public void ScheduleQueueFullRetry() => QueueFullRetryDue = true;

    public void ScheduleDeadline(TimeSpan delay) => DeadlineDue ??= delay;

    public void Fail(ProducerStageFailure failure) => Failure = failure;

    public void Complete() => Completed = true;

    public void Settled(OutgoingRecord record, RecordOutcome outcome, RecordOutcome? traceOutcome)
    {
        var key = System.Text.Encoding.UTF8.GetString(record.Key.Span);
        if (!Outcomes.TryGetValue(key, out var outcomes))
        {
            Outcomes[key] = outcomes = [];
        }

        outcomes.Add(outcome);
    }

    private void Raise(ScriptedProducer producer, ProducerEvent producerEvent) => _pool.Add((producer.Events, producerEvent));

    private ScriptedProducer CreateProducer(int generation, ProducerEventQueue events)
    {
        var producer = new ScriptedProducer(this, generation, events);
        _producers.Add(producer);
        return producer;
    }

    /// <summary>One scripted producer: a queue, records in flight, and Confluent's ways of refusing a record.</summary>
    internal sealed class ScriptedProducer(ScriptedKafka kafka, int generation, ProducerEventQueue events) : IRecordProducer
    {
        public int Generation { get; } = generation;

        public ProducerEventQueue Events { get; } = events;

        public List<(long Send, string Key)> Queued { get; } = [];

        public List<(long Send, string Key)> InFlight { get; } = [];

        public bool Fatal { get; set; }

        public bool Disposed { get; private set; }

        public bool IsOwned => kafka._owned;

        public string? Unusable => kafka.Unusable;

        public void Produce(string topic, OutgoingRecord record, long send)
        {
            Assert.False(Disposed, "produce on a disposed producer");
            if (Fatal)
            {
                // What Confluent throws for a producer in a fatal state: the underlying code, without the fatal flag.
                throw new KafkaException(new Error(ErrorCode.OutOfOrderSequenceNumber));
            }

            if (kafka.Refusal is { } refusal)
            {
                throw new KafkaException(refusal);
            }

            if (Queued.Count + InFlight.Count >= kafka.Capacity)
            {
                throw new KafkaException(new Error(ErrorCode.Local_QueueFull));
            }

            Queued.Add((send, System.Text.Encoding.UTF8.GetString(record.Key.Span)));
        }

        public void Dispose() => Disposed = true;
    }
}
