using System.Collections.Concurrent;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// The spool's files as a FASTER device: plain files (<c>name.N</c>, one per segment) written with O_SYNC, whose IO
/// runs on a thread of the device's own, or inline on the caller's thread, never on the thread pool.
/// </summary>
/// <remarks>
/// FASTER's own managed device does its IO on the thread pool (a Task per write, and .NET's file IO on Unix is a
/// pool thread blocked in pwrite). An appender waiting for a page to be written (the log's memory is four pages)
/// then waits for a pool thread, and when the pool is busy, with the exporter actor itself on a pool thread
/// among others, the wait ran past the spool's 2 s bound and the spool went memory-only under load (the flaky
/// tests were this). Here a write waits only for the disk. A short read (a file cut short) reads as zeros, as a
/// hole in a file does, which FasterLog takes for the end of what was written.
/// </remarks>
internal sealed class SpoolDevice : StorageDeviceBase
{
    private const uint SectorBytes = 512;
    private readonly ConcurrentDictionary<int, SafeFileHandle> _segments = new();
    private readonly BlockingCollection<Action>? _queue;
    private readonly Thread? _thread;
    private readonly Action<string>? _failed;
    private readonly Action? _beforeWrite;
    private readonly Func<bool>? _freeRoom;
    private int _disposed;

    /// <param name="fileName">The files' path and name; segment N is <c>fileName.N</c>.</param>
    /// <param name="ownThread">IO on a thread of the device's own (the log, whose writes the appender must not wait for), or inline on the caller's (commit files, written by the commit thread, which waits for them anyway).</param>
    /// <param name="failed">
    /// Told why, whenever a write fails (a failed read fails only what read it). FASTER only logs a commit record's failed write and goes on as if it were on
    /// disk: the commit files' devices say so here, and the spool's commit fails.
    /// </param>
    /// <param name="beforeWrite">Run before each write, on the writing thread; an exception it throws fails the write (reported as any failed write).</param>
    /// <param name="freeRoom">Asked when a write fails: true when it freed room on the disk, and the write is tried once more.</param>
    public SpoolDevice(string fileName, bool ownThread, Action<string>? failed = null, Action? beforeWrite = null, Func<bool>? freeRoom = null)
        : base(fileName, SectorBytes, Devices.CAPACITY_UNSPECIFIED)
    {
        _failed = failed;
        _beforeWrite = beforeWrite;
        _freeRoom = freeRoom;
        if (ownThread)
        {
            // The log's own directory. A commit record's folder is made once, when the log is created: a commit must
            // not make the spool's directory again after someone deleted it, and name segments that went with it.
            Directory.CreateDirectory(Path.GetDirectoryName(fileName)!);
            _queue = [];
            _thread = new Thread(Run) { IsBackground = true, Name = "flowtracker-spool-io" };
            _thread.Start();
        }
    }

    public override unsafe void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context) =>
        Submit(callback, context, inline: false, write: true, () =>
        {
            void Write()
            {
                _beforeWrite?.Invoke();
                RandomAccess.Write(Segment(segmentId), new ReadOnlySpan<byte>((void*)sourceAddress, (int)numBytesToWrite), (long)destinationAddress);
            }

            try
            {
                Write();
            }
            catch (IOException) when (_freeRoom?.Invoke() == true)
            {
                // Once, into the room just freed: the same bytes at the same place, over whatever the first try wrote.
                Write();
            }

            return numBytesToWrite;
        });

    /// <remarks>
    /// Inline on the caller's thread (the spool's reader), never queued: behind the queue's O_SYNC page writes a reader
    /// waited for the disk to take the write-ahead of a burst before it could read back a page that was long written
    /// (FasterLog reads only pages already flushed, so no queued write is one it needs); from the page cache a read is short.
    /// </remarks>
    public override unsafe void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
        Submit(callback, context, inline: true, write: false, () =>
        {
            var destination = new Span<byte>((void*)destinationAddress, (int)readLength);
            var handle = Segment(segmentId);
            var read = 0;
            while (read < destination.Length && RandomAccess.Read(handle, destination[read..], (long)sourceAddress + read) is > 0 and var count)
            {
                read += count;
            }

            destination[read..].Clear();
            return readLength;
        });

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        // Behind whatever IO on the segment was asked before: FASTER's epoch says no new IO comes, not that the old is done.
        if (_queue is { } queue && !queue.IsAddingCompleted && TryAdd(queue, () => Remove(segment, callback, result)))
        {
            return;
        }

        Remove(segment, callback, result);
    }

    public override void RemoveSegment(int segment) => Delete(segment);

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // What was asked is done first: a page write still queued is a page FasterLog waits for.
        _queue?.CompleteAdding();
        _thread?.Join();
        _queue?.Dispose();
        foreach (var segment in _segments.Keys)
        {
            if (_segments.TryRemove(segment, out var handle))
            {
                handle.Dispose();
            }
        }
    }

    private void Submit(DeviceIOCompletionCallback callback, object context, bool inline, bool write, Func<uint> io)
    {
        void Complete()
        {
            uint errorCode = 0, bytes = 0;
            try
            {
                bytes = io();
            }
#pragma warning disable CA1031 // Any failure of the disk (ENOSPC, EIO, a file that cannot be opened) is reported to FASTER as an IO error.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                errorCode = ex.HResult == 0 ? uint.MaxValue : (uint)ex.HResult;
                if (write)
                {
                    _failed?.Invoke(ex.Message);
                }
            }

            callback(errorCode, bytes, context);
        }

        if (inline || _queue is not { } queue)
        {
            Complete();
        }
        else if (!TryAdd(queue, Complete))
        {
            callback(uint.MaxValue, 0, context);
        }
    }

    private void Run()
    {
        foreach (var work in _queue!.GetConsumingEnumerable())
        {
            try
            {
                work();
            }
#pragma warning disable CA1031 // A callback of FASTER's that throws must not end the thread every later write waits for.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private SafeFileHandle Segment(int segmentId)
    {
        if (_segments.TryGetValue(segmentId, out var handle))
        {
            return handle;
        }

        // Reads come from the reader's thread, writes from the device's: GetOrAdd alone may open a segment twice and
        // drop one handle undisposed (a file descriptor held until a finalizer runs).
        lock (_segments)
        {
            return _segments.GetOrAdd(segmentId, id => File.OpenHandle(GetSegmentFilename(FileName, id), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.WriteThrough));
        }
    }

    private void Remove(int segment, AsyncCallback callback, IAsyncResult result)
    {
        Delete(segment);
        callback(result);
    }

    private void Delete(int segment)
    {
        if (_segments.TryRemove(segment, out var handle))
        {
            handle.Dispose();
        }

        try
        {
            File.Delete(GetSegmentFilename(FileName, segment));
        }
#pragma warning disable CA1031 // A segment that cannot be deleted takes disk space, nothing more; the log no longer reads it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static bool TryAdd(BlockingCollection<Action> queue, Action work)
    {
        try
        {
            return queue.TryAdd(work);
        }
        catch (InvalidOperationException)
        {
            return false; // Disposed meanwhile.
        }
    }
}
