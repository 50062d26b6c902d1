using System.Collections.Concurrent;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The one ordered path from librdkafka's threads into the producer stage. Delivery reports and error
/// events are queued here by the callback that heard them, in the order they were heard: librdkafka raises
/// a fatal error before it purges the queue, so a stage that drains this queue in order never settles a
/// purged record before it knows its producer died. Two separate channels would let one overtake the other.
/// Order alone is not the whole defence: the reports of the batch that caused the fatal error
/// (<c>OutOfOrderSequenceNumber</c>) were seen ahead of the error event in the soak, so the sender also reads
/// such codes, and purges, as the death itself (see <see cref="RecordSender"/>).
/// </summary>
/// <remarks>
/// The stage is woken once per batch, not once per event: <paramref name="wake"/> is called only when the
/// queue goes from "drained" to "has something", and re-armed by <see cref="BeginDrain"/>.
/// </remarks>
internal sealed class ProducerEventQueue(Action wake)
{
    private readonly ConcurrentQueue<ProducerEvent> _events = new();
    private int _signalled;

    /// <summary>Any thread: queue an event, waking the stage unless it is already awake.</summary>
    public void Enqueue(ProducerEvent producerEvent)
    {
        _events.Enqueue(producerEvent);
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            wake();
        }
    }

    /// <summary>The stage, before it drains: an event queued from now on wakes it again, so none is left behind.</summary>
    public void BeginDrain() => Volatile.Write(ref _signalled, 0);

    public bool TryDequeue(out ProducerEvent producerEvent) => _events.TryDequeue(out producerEvent);
}
