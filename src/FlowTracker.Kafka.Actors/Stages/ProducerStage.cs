using Akka.Streams;
using Akka.Streams.Stage;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The Kafka producer stage: sends each record with Confluent's producer, settles it in the
/// <see cref="DeliveryLedger"/> when its delivery report arrives and, in the <see cref="ProducerStageRole.Stream"/>
/// role, emits each trace's <see cref="TraceOutcome"/>. Its materialized <see cref="ProducerStageControl"/>
/// completes when every record is settled after upstream finished (or at the flush deadline, with what was left
/// counted), or fails when the producer is beyond saving.
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
internal sealed class ProducerStage : GraphStageWithMaterializedValue<FlowShape<OutgoingRecord, TraceOutcome>, ProducerStageControl>
{
    public ProducerStage(
        RecordProducerFactory producers, SenderOptions options, DeliveryLedger ledger, RestartBackoff backoff, ProducerStageRole role = ProducerStageRole.Exporter,
        long maxHeldBytes = long.MaxValue, bool emitOutcomes = false, long maxHeldRecords = long.MaxValue, Action<OutgoingRecord, RecordOutcome>? onSettled = null)
    {
        Producers = producers;
        Options = options;
        Ledger = ledger;
        Backoff = backoff;
        Role = role;
        MaxHeldBytes = maxHeldBytes;
        EmitOutcomes = emitOutcomes;
        MaxHeldRecords = maxHeldRecords;
        OnSettled = onSettled;
        Shape = new FlowShape<OutgoingRecord, TraceOutcome>(In, Out);
    }

    public RecordProducerFactory Producers { get; }

    public SenderOptions Options { get; }

    public DeliveryLedger Ledger { get; }

    public RestartBackoff Backoff { get; }

    public ProducerStageRole Role { get; }

    /// <summary>The encoded bytes the stage may hold before it stops pulling (the stream role's memory bound).</summary>
    public long MaxHeldBytes { get; }

    /// <summary>The records (and unread outcomes) the stage may hold before it stops pulling (the stream role's count bound).</summary>
    public long MaxHeldRecords { get; }

    /// <summary>Whether each trace's outcome is pushed downstream (the public flow), or only counted (the exporter, the public sink).</summary>
    public bool EmitOutcomes { get; }

    /// <summary>
    /// Called on the stage's thread with each record's final outcome, after the ledger counted it: the exporter's spool
    /// removes what is settled for good there, in the order the outcomes became known.
    /// </summary>
    public Action<OutgoingRecord, RecordOutcome>? OnSettled { get; }

    public Inlet<OutgoingRecord> In { get; } = new("kafka-producer.in");

    public Outlet<TraceOutcome> Out { get; } = new("kafka-producer.out");

    public override FlowShape<OutgoingRecord, TraceOutcome> Shape { get; }

    protected override Attributes InitialAttributes { get; } =
        Attributes.CreateName("kafka-producer").And(ActorAttributes.CreateSupervisionStrategy(ProducerDecider.Default));

    public override ILogicAndMaterializedValue<ProducerStageControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var control = new ProducerStageControl();
        var decider = inheritedAttributes.GetAttribute(new ActorAttributes.SupervisionStrategy(ProducerDecider.Default)).Decider;
        return new LogicAndMaterializedValue<ProducerStageControl>(new ProducerStageLogic(this, control, decider), control);
    }
}
