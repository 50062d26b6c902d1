using System.Collections;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The sender's backlog, in sending order, with records put back at the front after a producer's death. A ring over
/// one array, not a linked list: a burst waits here by the hundred thousand, and a node per record was one more object
/// for every garbage collection to trace and promote while the burst drains.
/// </summary>
internal sealed class RecordQueue : IEnumerable<OutgoingRecord>
{
    private OutgoingRecord?[] _items = new OutgoingRecord?[16];
    private int _head;

    public int Count { get; private set; }

    /// <summary>The next record to send; <see langword="null"/> when empty.</summary>
    public OutgoingRecord? First => Count == 0 ? null : _items[_head];

    public void AddLast(OutgoingRecord record)
    {
        GrowIfFull();
        _items[(_head + Count) & (_items.Length - 1)] = record;
        Count++;
    }

    public void AddFirst(OutgoingRecord record)
    {
        GrowIfFull();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = record;
        Count++;
    }

    public void RemoveFirst()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The backlog is empty.");
        }

        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }

    public IEnumerator<OutgoingRecord> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _items[(_head + i) & (_items.Length - 1)]!;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Doubles the ring (its length stays a power of two), the oldest record first.</summary>
    private void GrowIfFull()
    {
        if (Count < _items.Length)
        {
            return;
        }

        var larger = new OutgoingRecord?[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = larger;
        _head = 0;
    }
}
