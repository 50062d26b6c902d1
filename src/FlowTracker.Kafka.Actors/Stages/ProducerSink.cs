using Akka.Streams;
using Akka.Streams.Stage;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The Kafka producer sink: sends each record with Confluent's producer and settles it in the
/// <see cref="DeliveryLedger"/> when its delivery report arrives. Its materialized
/// <see cref="ProducerSinkControl"/> completes when every record is settled after upstream finished (or at
/// the flush deadline, with what was left counted), or fails when the producer is beyond saving.
/// </summary>
/// <remarks>
/// Avoids the known defects of Akka.Streams.Kafka's stages: a failed delivery settles its record instead
/// of stranding it; the producer's error events are seen, in order with its reports; <c>Local_QueueFull</c>
/// waits and retries; stop is bounded whatever the stage is doing. A fatal error is survived here rather than
/// by a RestartFlow around the stage: a restarted flow forgets the elements it held, while this stage keeps
/// every record the dead producer did not confirm and gives them to the next producer after the backoff.
/// Errors are classified by the supervision decider in the stage's attributes (default
/// <see cref="ProducerDecider.Default"/>): Restart rebuilds the producer, Resume fails the record, Stop fails the stage.
/// </remarks>
internal sealed class ProducerSink : GraphStageWithMaterializedValue<SinkShape<OutgoingRecord>, ProducerSinkControl>
{
    public ProducerSink(RecordProducerFactory producers, SenderOptions options, DeliveryLedger ledger, RestartBackoff backoff)
    {
        Producers = producers;
        Options = options;
        Ledger = ledger;
        Backoff = backoff;
        Shape = new SinkShape<OutgoingRecord>(In);
    }

    public RecordProducerFactory Producers { get; }

    public SenderOptions Options { get; }

    public DeliveryLedger Ledger { get; }

    public RestartBackoff Backoff { get; }

    public Inlet<OutgoingRecord> In { get; } = new("kafka-producer.in");

    public override SinkShape<OutgoingRecord> Shape { get; }

    protected override Attributes InitialAttributes { get; } =
        Attributes.CreateName("kafka-producer-sink").And(ActorAttributes.CreateSupervisionStrategy(ProducerDecider.Default));

    public override ILogicAndMaterializedValue<ProducerSinkControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var control = new ProducerSinkControl();
        var decider = inheritedAttributes.GetAttribute(new ActorAttributes.SupervisionStrategy(ProducerDecider.Default)).Decider;
        return new LogicAndMaterializedValue<ProducerSinkControl>(new ProducerSinkLogic(this, control, decider), control);
    }
}
