using Akka.Actor;
using Akka.Event;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// Accounts traces that never reached the exporter actor: those still in its mailbox when it stopped
/// (its parent stopped it, or the system went down without the flush) and those told to it as it
/// stopped. Akka sends them to dead letters; here each becomes a drop with reason <c>Shutdown</c>, so
/// pending returns to zero instead of staying up forever. It also watches the exporter actor: an actor
/// whose start failed runs no PostStop, and its exporter must end all the same.
/// </summary>
internal sealed class DeadTraceCounter : ReceiveActor
{
    private readonly Link _link;
    private IActorRef? _watched;

    public DeadTraceCounter(Link link)
    {
        _link = link;
        Receive<DeadLetter>(letter =>
        {
            if (letter.Message is Trace && _link.Exporter is { } exporter && letter.Recipient.Equals(exporter.Actor))
            {
                exporter.Counters.Dropped(DropReason.Shutdown);
            }
        });
        Receive<WatchExporter>(watch =>
        {
            _watched = watch.Actor;
            Context.Watch(watch.Actor);
        });
        Receive<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_watched))
            {
                _link.Exporter?.Lifetime.ActorStopped();
            }
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);

        // Akka's event stream may keep a reference to the last subscriber it handled: let go of the exporter.
        _link.Exporter = null;
    }

    /// <summary>Watch the exporter's actor (known only once it is spawned).</summary>
    public sealed record WatchExporter(IActorRef Actor);

    /// <summary>The exporter, cleared when this actor stops so that nothing it leaves behind keeps the exporter reachable.</summary>
    public sealed class Link(KafkaTraceExporter exporter)
    {
        public KafkaTraceExporter? Exporter { get; set; } = exporter;
    }
}
