namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// A little room kept on the spool's disk for its commit records. Removing delivered records takes a new commit record,
/// so a spool whose disk filled up (another process took the room <c>max-bytes</c> counted on) could not give back its
/// own space: every later start found the delivered records again and sent them again. The commit record that finds no
/// room frees this file and is written again; the records it removes then free their segments, and the reserve is made
/// again once there is room.
/// </summary>
/// <remarks>The spool's commit thread only (and its open, before that thread starts).</remarks>
internal sealed class SpoolReserve(string directory)
{
    /// <summary>Room for a few commit records (one is a few KiB at most), written out: a sparse file would hold no room.</summary>
    public const int Bytes = 64 * 1024;

    private const string FileName = "spool.reserve";

    private readonly string _path = Path.Combine(directory, FileName);
    private volatile bool _held;

    /// <summary>Makes the reserve if it is not there; a disk without room (or a directory gone) leaves it for a later call.</summary>
    public void Ensure()
    {
        if (_held)
        {
            return;
        }

        try
        {
            // Never makes the directory: a spool whose directory was deleted must not make it again.
            using (var file = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(new byte[Bytes]);
                file.Flush(flushToDisk: true);
            }

            _held = true;
        }
#pragma warning disable CA1031 // No room now (or no directory): the reserve is made at a later commit.
        catch (Exception)
#pragma warning restore CA1031
        {
            TryDelete();
        }
    }

    /// <summary>Frees the reserve for a write that found no room: true when there was one to free (the write may try again).</summary>
    public bool Free()
    {
        if (!_held)
        {
            return false;
        }

        _held = false;
        return TryDelete();
    }

    private bool TryDelete()
    {
        try
        {
            if (!File.Exists(_path))
            {
                return false;
            }

            File.Delete(_path);
            return true;
        }
#pragma warning disable CA1031 // A reserve that cannot be deleted frees nothing: the write fails as it would have.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
