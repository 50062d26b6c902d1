using CsCheck;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>Issue 14: records' values packed into reused slabs, each slab reused only once every record in it is settled.</summary>
public sealed class RecordArenaTests
{
    private const int Value = 1_000;

    [Fact]
    public void Slab_EveryRecordReleasedAndArenaMovedOn_ReusedForNewRecords()
    {
        var arena = new RecordArena();
        var first = Fill(arena, RecordArena.SlabSize / Value, 1);
        var firstSlab = first[0].Slab!;

        // The next value does not fit: the arena moves on, and the first slab waits for its records.
        var next = Record(arena, 2);
        Assert.NotSame(firstSlab, next.Slab);
        Assert.Equal(0, arena.FreeSlabs);

        first.ForEach(r => r.Release());
        Assert.Equal(1, arena.FreeSlabs);

        // The second slab fills up too; its successor is the first one, emptied.
        Fill(arena, RecordArena.SlabSize / Value - 1, 3);
        var reused = Record(arena, 4);
        Assert.Same(firstSlab, reused.Slab);
        Assert.All(next.Value.ToArray(), b => Assert.Equal(2, b));
        Assert.All(reused.Value.ToArray(), b => Assert.Equal(4, b));
    }

    [Fact]
    public void Slab_OneRecordStillHeld_NotReusedAndItsBytesIntact()
    {
        var arena = new RecordArena();
        var records = Fill(arena, RecordArena.SlabSize / Value, 7);
        var held = records[^1];
        records.Take(records.Count - 1).ToList().ForEach(r => r.Release());

        // Many slabs later (and their records released), the held record still reads its own bytes.
        for (var i = 0; i < 10; i++)
        {
            Fill(arena, RecordArena.SlabSize / Value, (byte)(10 + i)).ForEach(r => r.Release());
        }

        Assert.All(held.Value.ToArray(), b => Assert.Equal(7, b));
        Assert.DoesNotContain(held.Slab, Enumerable.Range(0, 5).Select(i => Record(arena, 99).Slab));
    }

    [Fact]
    public void Release_CalledTwice_FreesItsRoomOnce()
    {
        var arena = new RecordArena();
        var records = Fill(arena, RecordArena.SlabSize / Value, 1);
        Record(arena, 2);

        // Released twice, the first record must not count for its neighbour: the slab stays held by the last one.
        records[0].Release();
        records[0].Release();
        records.Skip(1).Take(records.Count - 2).ToList().ForEach(r => r.Release());

        Assert.Equal(0, arena.FreeSlabs);
        records[^1].Release();
        Assert.Equal(1, arena.FreeSlabs);
    }

    [Fact]
    public void Burst_MoreSlabsThanTheArenaKeeps_TheRestFreed_ReadingOneAfterIsAnErrorNotACrash()
    {
        var arena = new RecordArena();
        var records = Fill(arena, 40 * (RecordArena.SlabSize / Value), 5);
        var slabs = records.Select(r => r.Slab!).Distinct().ToList();
        Record(arena, 6);

        records.ForEach(r => r.Release());

        Assert.Equal(40, slabs.Count);
        Assert.InRange(arena.FreeSlabs, 1, slabs.Count - 1);
        var freed = slabs.Where(s => Throws(s)).ToList();
        Assert.Equal(slabs.Count - arena.FreeSlabs, freed.Count);
    }

    [Fact]
    public void Leave_FreeSlabsFreedAtOnce_AHeldSlabFreedWithItsLastRecord_NoneKept()
    {
        var arena = new RecordArena();
        var settled = Fill(arena, RecordArena.SlabSize / Value, 1);
        var held = Record(arena, 2);
        settled.ForEach(r => r.Release());
        var free = settled[0].Slab!;
        Assert.Equal(1, arena.FreeSlabs);

        arena.Leave();

        Assert.Equal(0, arena.FreeSlabs);
        Assert.True(Throws(free));
        Assert.All(held.Value.ToArray(), b => Assert.Equal(2, b));
        held.Release();
        Assert.True(Throws(held.Slab!));
        Assert.Equal(0, arena.FreeSlabs);
    }

    [Fact]
    public void LargeValue_OwnArray_NeverInASlab()
    {
        var arena = new RecordArena();

        var value = arena.Copy(new byte[RecordArena.LargestPacked + 1], out var slab);

        Assert.Null(slab);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(value, out var segment));
        Assert.Equal(value.Length, segment.Array!.Length);
    }

    [Fact]
    public void ExactValues_PackedValue_AnArrayOfItsLengthReusedForTheNextOfThatLength()
    {
        var arena = new RecordArena();
        var values = new ExactValues();
        var a = Record(arena, 1);
        var b = Record(arena, 2);

        var first = values.For(a.Value);
        Assert.Equal(Value, first.Length);
        Assert.All(first, x => Assert.Equal(1, x));

        var second = values.For(b.Value);
        Assert.Same(first, second);
        Assert.All(second, x => Assert.Equal(2, x));
    }

    [Fact]
    public void ExactValues_ValueWithAnArrayOfItsOwn_HandedOverAsIs()
    {
        var own = new byte[] { 1, 2, 3 };

        Assert.Same(own, new ExactValues().For(own));
    }

    /// <summary>
    /// Records are taken on the arena's thread and released from two others (the stage settles, the actor refuses), in
    /// random orders and timings: a record still held always reads its own bytes, however its slab's other records
    /// settle, and the slab it lies in is neither reused nor freed under it. Many random interleavings, real threads.
    /// </summary>
    [Fact]
    public void RecordsReleasedFromOtherThreads_AnyOrder_AHeldRecordAlwaysReadsItsOwnBytes()
    {
        Gen.Select(Gen.Int[1, 2_000], Gen.Int[0, 1_000], Gen.Int[1, 40_000]).Sample((count, seed, largest) =>
        {
            var arena = new RecordArena();
            var random = new Random(seed);
            var releasers = new[] { new System.Collections.Concurrent.BlockingCollection<(int, OutgoingRecord)>(), new System.Collections.Concurrent.BlockingCollection<(int, OutgoingRecord)>() };
            var wrong = 0;
            var threads = releasers.Select(queue => new Thread(() =>
            {
                foreach (var (index, record) in queue.GetConsumingEnumerable())
                {
                    Thread.SpinWait(index % 7 * 20);
                    if (!Holds(record, index))
                    {
                        Interlocked.Increment(ref wrong);
                    }

                    record.Release();
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            var held = new List<(int Index, OutgoingRecord Record)>();
            for (var i = 0; i < count; i++)
            {
                var length = random.Next(1, largest);
                var value = arena.Take(length, out var destination, out var slab);
                Write(destination, i);
                var record = new OutgoingRecord(BitConverter.GetBytes(i), value, length, 0) { Slab = slab };

                // Most go to a releaser at once; some are kept a while (in flight), then released in a shuffled order.
                if (random.Next(4) == 0)
                {
                    held.Add((i, record));
                }
                else
                {
                    releasers[random.Next(2)].Add((i, record));
                }

                if (held.Count > 0 && random.Next(8) == 0)
                {
                    var pick = random.Next(held.Count);
                    releasers[random.Next(2)].Add(held[pick]);
                    held.RemoveAt(pick);
                }
            }

            foreach (var (index, record) in held.OrderBy(_ => random.Next()))
            {
                releasers[random.Next(2)].Add((index, record));
            }

            Array.ForEach(releasers, q => q.CompleteAdding());
            threads.ForEach(t => t.Join());
            Assert.Equal(0, wrong);
        }, iter: 300);
    }

    private static void Write(Span<byte> destination, int index)
    {
        for (var b = 0; b < destination.Length; b++)
        {
            destination[b] = (byte)((index * 31) + b);
        }
    }

    private static bool Holds(OutgoingRecord record, int index)
    {
        ReadOnlySpan<byte> span;
        try
        {
            span = record.Value.Span;
        }
        catch (ObjectDisposedException)
        {
            // Its slab was freed under it: as wrong as reused bytes, and on this thread an exception would end the test run.
            return false;
        }

        for (var b = 0; b < span.Length; b++)
        {
            if (span[b] != (byte)((index * 31) + b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Throws(RecordSlab slab)
    {
        try
        {
            _ = slab.Memory.Span;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private static List<OutgoingRecord> Fill(RecordArena arena, int count, byte fill) =>
        [.. Enumerable.Range(0, count).Select(_ => Record(arena, fill))];

    private static OutgoingRecord Record(RecordArena arena, byte fill)
    {
        var value = arena.Take(Value, out var destination, out var slab);
        destination.Fill(fill);
        return new OutgoingRecord(new[] { fill }, value, Value, 0) { Slab = slab };
    }
}
