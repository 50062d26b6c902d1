using CsCheck;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>The sender's backlog ring keeps sending order through growth, wrap-around and records put back in front.</summary>
public sealed class RecordQueueTests
{
    [Fact]
    public void RandomAddsAndRemoves_KeepTheOrderOfALinkedList()
    {
        // 0: add last, 1: add first, 2: remove first, 3: clear (rarely); the ring must agree with LinkedList at every step.
        Gen.Int[0, 40].Array[1, 400].Sample(operations =>
        {
            var queue = new RecordQueue();
            var expected = new LinkedList<OutgoingRecord>();
            foreach (var operation in operations)
            {
                var record = new OutgoingRecord(new byte[] { (byte)operation }, ReadOnlyMemory<byte>.Empty, 0, 0);
                switch (operation)
                {
                    case < 20:
                        queue.AddLast(record);
                        expected.AddLast(record);
                        break;
                    case < 30:
                        queue.AddFirst(record);
                        expected.AddFirst(record);
                        break;
                    case < 40 when expected.Count > 0:
                        queue.RemoveFirst();
                        expected.RemoveFirst();
                        break;
                    case 40:
                        queue.Clear();
                        expected.Clear();
                        break;
                    default:
                        break;
                }

                Assert.Equal(expected.Count, queue.Count);
                Assert.Same(expected.First?.Value, queue.First);
            }

            Assert.Equal(expected, queue);
        }, iter: 2_000);
    }

    [Fact]
    public void RemoveFirst_OnAnEmptyBacklog_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new RecordQueue().RemoveFirst());
}
