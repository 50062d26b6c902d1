using Akka.Actor;
using Akka.Event;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Actors;

/// <summary>
/// Accounts traces that never reached the exporter actor: those still in its mailbox when it stopped
/// (its parent stopped it, or the system went down without the flush) and those told to it as it
/// stopped. Akka sends them to dead letters; here each becomes a drop with reason <c>Shutdown</c>, so
/// pending returns to zero instead of staying up forever.
/// </summary>
internal sealed class DeadTraceCounter : ReceiveActor
{
    public DeadTraceCounter(KafkaTraceExporter exporter)
    {
        Receive<DeadLetter>(letter =>
        {
            if (letter.Message is Trace && letter.Recipient.Equals(exporter.Actor))
            {
                exporter.Counters.Dropped(DropReason.Shutdown);
            }
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
