using System.Diagnostics;
using Akka.Event;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// The spool's reading thread: sends first what an earlier run left (counted as recovered), then this run's records
/// that waited on disk only, oldest first, each once memory has room for it and the stream's buffer takes it. It waits
/// on a thread of its own, never on the actor's or the pool's: reading the disk and waiting for Kafka take time.
/// </summary>
/// <remarks>
/// A record read back gets its value in a slab of the feeder's own <see cref="RecordArena"/> (this thread is its one
/// taker), copied straight from the log's memory: a burst read back costs the garbage collector its keys only, as
/// records the actor encodes do, instead of arrays that lived from generation to generation while in flight (a
/// recovery drain spent a sixth of its time in collections). The record's final outcome releases its slab, whoever
/// settles it; a record this thread gives up before any stream took it is released here.
/// </remarks>
internal sealed class SpoolFeeder(ExporterSpool owner, TraceSpool spool, ExporterLifetime lifetime, ExporterCounters counters, ILoggingAdapter log, bool recover)
{
    /// <summary>How often a wait looks again without being woken: a commit that made more records readable wakes nobody.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>A feeder waiting for memory waits for a sixteenth of it (512 KiB of the default 8 MiB, about 240 traces): a few percent of it idle, for a wake-up a batch instead of a record.</summary>
    private const int WakeBatches = 16;
    private readonly RecordArena _arena = new();
    private SpoolEntryReader<OutgoingRecord>? _toOutgoing;
    private Thread? _thread;
    private volatile bool _stopping;

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "flowtracker-spool-feeder" };
        _thread.Start();
    }

    /// <summary>Ends the thread and waits for it: every wait of its looks at the stop at least every <see cref="Poll"/>.</summary>
    public void Stop()
    {
        _stopping = true;
        owner.Wake.Set();
        if (_thread is { } thread && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    private void Run()
    {
        // One delegate for every record read back, not one a record.
        _toOutgoing = ToOutgoing;
        try
        {
            if (!recover || Recover())
            {
                FeedDiskOnly();
            }
        }
#pragma warning disable CA1031 // A reader that fails leaves what waits on disk for the next start; the exporter goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            log.Error(ex, "FlowTracker Kafka exporter: reading the spool back failed; what waits there stays for the next start.");
        }
        finally
        {
            _arena.Leave();
        }
    }

    /// <returns>False when the exporter ended before everything was read.</returns>
    private bool Recover()
    {
        var clock = Stopwatch.StartNew();
        long count = 0;
        using var backlog = spool.OpenBacklog();
        while (backlog.TryNext(_toOutgoing!, out var record))
        {
            if (count == 0)
            {
                log.Info("FlowTracker Kafka exporter: sending what the spool held from before, oldest first (first trace read back {FirstReadMilliseconds:0} ms after the start).", clock.Elapsed.TotalMilliseconds);
            }

            if (!Send(record!, recovered: true))
            {
                return false;
            }

            count++;
        }

        if (count > 0)
        {
            log.Info("FlowTracker Kafka exporter: {Recovered} trace(s) an earlier run left in the spool read back in {Seconds:0.0} s.", count, clock.Elapsed.TotalSeconds);
        }

        return true;
    }

    private void FeedDiskOnly()
    {
        SpoolReader? reader = null;
        var readerRun = -1;
        try
        {
            while (!_stopping)
            {
                owner.Wake.Reset();
                var (active, from, end, run) = owner.DiskOnlyRange();
                if (!active)
                {
                    owner.Wake.Wait(TimeSpan.FromSeconds(1));
                    continue;
                }

                if (run != readerRun)
                {
                    reader?.Dispose();
                    reader = spool.ReadFrom(from);
                    readerRun = run;
                }

                if (from >= end || !reader!.TryNext(_toOutgoing!, out var record))
                {
                    // Caught up (a damaged place the reader skipped included), or the next record is not committed yet.
                    if (Math.Max(from, reader!.Position) >= end && owner.ReadUpTo(Math.Max(from, reader.Position)))
                    {
                        lifetime.FeederIdle();
                        continue;
                    }

                    owner.Wake.Wait(Poll);
                    continue;
                }

                if (!Send(record!, recovered: false))
                {
                    return;
                }

                // Short of the end it last saw it cannot have caught up: the gate the actor appends under is not asked.
                if (record!.SpoolId.End >= end && owner.ReadUpTo(record.SpoolId.End))
                {
                    lifetime.FeederIdle();
                }
            }
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>Waits for room in memory, then hands the record to the stream.</summary>
    /// <returns>False when the exporter ended first: the record stays in the spool for the next start.</returns>
    private bool Send(OutgoingRecord record, bool recovered)
    {
        var bytes = record.ReservedBytes;
        while (true)
        {
            // Reset before looking, not after: a record the stage settles gives its room back, then wakes this thread;
            // settled between a look that failed and a reset, its wake-up was lost and the wait ran its whole poll.
            owner.Wake.Reset();
            if (recovered ? counters.TryRecover(bytes, owner.MemoryBytes) : counters.TryReadBack(bytes, owner.MemoryBytes))
            {
                owner.WakeAfter(0);
                break;
            }

            if (_stopping || counters.IsSealed)
            {
                owner.WakeAfter(0);
                record.Release();
                return false;
            }

            // Woken once a batch of memory is free: then it reads and hands over a batch of records in a row.
            owner.WakeAfter(Math.Max(bytes, owner.MemoryBytes / WakeBatches));
            owner.Wake.Wait(Poll);
        }

        // Then room in the stream's buffer.
        while (!lifetime.TryOffer(record, awaitRoom: true, out var room))
        {
            if (room is null || _stopping)
            {
                // No stream will take it: the exporter is ending.
                counters.LeftInSpool(bytes, record.SpoolId);
                record.Release();
                return false;
            }

            // A buffer that ended under a stream about to be replaced says so at once: look again shortly, not in a spin.
            if (room.Wait(Poll) && !room.Result)
            {
                Thread.Sleep(1);
            }
        }

        return true;
    }

    /// <summary>The feeder's thread, while the entry lies in the log's memory: the key as an array, the value in a slab.</summary>
    private OutgoingRecord ToOutgoing(SpoolId id, ReadOnlySpan<byte> entry, Range key, int valueAt)
    {
        var keyBytes = entry[key].ToArray();
        var value = _arena.Copy(entry[valueAt..], out var slab);
        return new(keyBytes, value, keyBytes.Length + value.Length + RecordHeaders.Size + OutgoingRecord.BookkeepingBytes, Stopwatch.GetTimestamp()) { SpoolId = id, Slab = slab };
    }
}
