using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The Kafka producer sink: sends each record with Confluent's producer and settles it in the
/// <see cref="DeliveryLedger"/> when its delivery report arrives. Its materialized task completes when
/// every record is settled after upstream finished, or fails when the producer is beyond saving.
/// </summary>
/// <remarks>
/// Avoids the known defects of Akka.Streams.Kafka's stages: a failed delivery settles its record instead
/// of stranding it; the producer's error events are seen; <c>Local_QueueFull</c> waits and retries; stop
/// waits for every report, but never longer than the flush timeout, and counts what was left.
/// A fatal error is survived here rather than by a RestartFlow around the stage: a restarted flow forgets
/// the elements it held, while this stage keeps every record the dead producer did not confirm and gives
/// them to the next producer after the backoff.
/// </remarks>
internal sealed class ProducerSink : GraphStageWithMaterializedValue<SinkShape<OutgoingRecord>, Task>
{
    public ProducerSink(ProducerLease.Factory leaseFactory, KafkaExporterSettings settings, DeliveryLedger ledger, ILoggingAdapter log, TimeProvider time)
    {
        LeaseFactory = leaseFactory;
        Settings = settings;
        Ledger = ledger;
        Log = log;
        Time = time;
        Shape = new SinkShape<OutgoingRecord>(In);
    }

    public ProducerLease.Factory LeaseFactory { get; }

    public KafkaExporterSettings Settings { get; }

    public DeliveryLedger Ledger { get; }

    public ILoggingAdapter Log { get; }

    public TimeProvider Time { get; }

    public Inlet<OutgoingRecord> In { get; } = new("kafka-producer.in");

    public override SinkShape<OutgoingRecord> Shape { get; }

    public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task>(new ProducerSinkLogic(this, done), done.Task);
    }

}
