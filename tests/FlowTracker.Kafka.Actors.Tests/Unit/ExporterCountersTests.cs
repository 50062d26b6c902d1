using CsCheck;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// The counts change under one lock; the pending bytes by compare-and-swap, outside it. Callers, the actor and the
/// stage race here on their own threads, and a snapshot at any moment must still be exact.
/// </summary>
public sealed class ExporterCountersTests
{
    [Fact]
    public void ExportReserveAndSettle_OnThreeThreads_EverySnapshotConsistent_BytesWithinBudget_AllBackToZero()
    {
        Gen.Select(Gen.Int[1, 3_000], Gen.Int[1, 400], Gen.Bool).Sample((traces, budgetRecords, sealMidway) =>
        {
            const long Bytes = 100;
            var budget = budgetRecords * Bytes;
            var counters = new ExporterCounters();
            var accepted = new System.Collections.Concurrent.BlockingCollection<int>();
            var reserved = new System.Collections.Concurrent.BlockingCollection<long>();
            var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var caller = Task.Run(() =>
            {
                for (var i = 0; i < traces; i++)
                {
                    if (counters.TryAccept(traces))
                    {
                        accepted.Add(i);
                    }

                    if (sealMidway && i == traces / 2)
                    {
                        counters.Seal();
                    }
                }

                accepted.CompleteAdding();
            });
            var actor = Task.Run(() =>
            {
                foreach (var _ in accepted.GetConsumingEnumerable())
                {
                    if (counters.TryReserveBytes(Bytes, budget))
                    {
                        reserved.Add(Bytes);
                    }
                    else
                    {
                        counters.Dropped(DropReason.BufferFull);
                    }
                }

                reserved.CompleteAdding();
            });
            var stage = Task.Run(() =>
            {
                var n = 0;
                foreach (var bytes in reserved.GetConsumingEnumerable())
                {
                    if (++n % 3 == 0)
                    {
                        counters.Dropped(DropReason.TooLarge, bytes);
                    }
                    else
                    {
                        counters.Delivered(1, bytes);
                    }
                }
            });
            while (!Task.WhenAll(caller, actor, stage).IsCompleted)
            {
                var now = counters.Snapshot();
                if (!now.IsConsistent || now.PendingBytes > budget || now.PendingBytes < 0)
                {
                    problems.Enqueue(now.ToString());
                }
            }

            Task.WaitAll(caller, actor, stage);
            var end = counters.Snapshot();
            Assert.Empty(problems);
            Assert.True(end.IsConsistent, end.ToString());
            Assert.Equal(traces, end.Exported);
            Assert.Equal((0L, 0L), (end.Pending, end.PendingBytes));
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void SealWithTheSpoolsLastCommit_LeftInSpoolOnlyWhatItMadeDurable_TheRestDroppedShutdown()
    {
        // Six traces: two in memory, unconfirmed at the stop (records ending at 100 and 300), four on disk only (the
        // newest appends). The last commit made the log durable up to 200, leaving out the five newest appends.
        var counters = new ExporterCounters();
        for (var i = 0; i < 6; i++)
        {
            Assert.True(counters.TryAccept(10));
        }

        counters.LeftInSpool(0, new SpoolId(0, 100));
        counters.LeftInSpool(0, new SpoolId(200, 100));
        for (var i = 0; i < 4; i++)
        {
            counters.DiskOnly();
        }

        Assert.Equal(0, counters.Seal(new SpoolFinal(DurableUntil: 200, NotDurable: 5)));

        var stats = counters.Snapshot();
        Assert.Equal(1, stats.LeftInSpool);
        Assert.Equal(5, stats.DroppedByReason[DropReason.Shutdown]);
        Assert.Equal(5, counters.NotDurable);
        Assert.Equal(0, stats.Pending);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task ReservationsAndReleases_RacingOnThreeThreads_NeverOverTheBudget_NoneLost()
    {
        // The actor reserves without the lock while the spool's reader reserves and the stage gives back under it.
        const long Budget = 5_000;
        var counters = new ExporterCounters();
        var over = 0L;
        var workers = Enumerable.Range(0, 3).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 200_000; i++)
            {
                var bytes = 1 + ((i * 7 + worker) % 97);
                var reserved = worker == 2 ? counters.TryReadBack(bytes, Budget) : counters.TryReserveBytes(bytes, Budget);
                if (!reserved)
                {
                    continue;
                }

                if (counters.Snapshot().PendingBytes > Budget)
                {
                    Interlocked.Increment(ref over);
                }

                counters.Release(bytes);
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(0, over);
        Assert.Equal(0, counters.Snapshot().PendingBytes);
    }
}
