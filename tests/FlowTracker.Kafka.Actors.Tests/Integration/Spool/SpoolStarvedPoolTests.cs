using FlowTracker.Kafka.Actors.Spool;
using static FlowTracker.Kafka.Actors.Tests.Integration.Spool.TraceSpoolTests;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>Starves the thread pool on purpose: nothing else may run meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StarvedPoolCollection
{
    public const string Name = "Thread pool starved, nothing else running";
}

/// <summary>
/// The spool's page writes never wait for the thread pool: with every pool thread blocked, appending many times the
/// log's in-memory pages still writes every record (FASTER's own device wrote on pool threads, and the spool went
/// memory-only after 2 s whenever the pool was busy). A commit does need the pool (FasterLog completes it in a
/// task), but only the spool's own commit thread waits for that.
/// </summary>
[Collection(StarvedPoolCollection.Name)]
public sealed class SpoolStarvedPoolTests : IDisposable
{
    private readonly SpoolDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void EveryPoolThreadBlocked_AppendsPastTheInMemoryPages_AllSpooled_AndCommittedOnceThePoolIsBack()
    {
        // 8 MiB of records: 8 times the log's memory (four 256 KiB pages at max-bytes 8 MiB).
        var records = (8 << 20) / 1300;
        using var spool = TraceSpool.Open(_directory.Path, MaxBytes * 2, TimeSpan.FromMilliseconds(50));
        List<SpoolAppend> appends;
        using (var blocked = new PoolBlocker())
        {
            appends = [.. Enumerable.Range(0, records).Select(i => spool.Append(Key(i), Value(i, 1300)))];
            Assert.True(blocked.StillBlocked, "the pool's threads were not all blocked while the spool wrote");
        }

        spool.Commit();

        Assert.All(appends, a => Assert.Equal(SpoolAppendStatus.Spooled, a.Status));
        Assert.False(spool.Stats().IsDegraded, spool.Stats().DegradedReason);
        Assert.Equal(records, spool.Stats().Committed);
    }

    /// <summary>Blocks every pool thread there is, and every one the pool adds, until disposed.</summary>
    private sealed class PoolBlocker : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private int _running;

        public PoolBlocker()
        {
            // Far more than the pool starts or adds within the test: a queued item is always waiting for a thread.
            for (var i = 0; i < 512; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => Block(), null);
            }

            SpinWait.SpinUntil(() => Volatile.Read(ref _running) >= Environment.ProcessorCount, TimeSpan.FromSeconds(10));
        }

        public bool StillBlocked => ThreadPool.PendingWorkItemCount > 0 && !_release.IsSet;

        public void Dispose()
        {
            _release.Set();
            SpinWait.SpinUntil(() => ThreadPool.PendingWorkItemCount == 0, TimeSpan.FromSeconds(30));
        }

        private void Block()
        {
            Interlocked.Increment(ref _running);
            _release.Wait();
        }
    }
}
