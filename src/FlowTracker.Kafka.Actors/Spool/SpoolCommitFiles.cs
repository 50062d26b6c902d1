using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Where FasterLog keeps its commit records (<c>log-commits/commit.N.0</c> in the spool's directory, the layout of
/// FASTER's local-storage factory), through <see cref="SpoolDevice"/>s that write inline on the committing thread:
/// a commit then waits for the disk only, never for the thread pool.
/// </summary>
/// <remarks>
/// FASTER's commit manager only logs a commit record it failed to write, and goes on as if it were on disk (its
/// callback, and the log's committed address, say it is): a directory that cannot take new files, or a full disk,
/// then stopped every commit without a word. Here the failure is kept for <see cref="TakeFailure"/>, and the file
/// that failed is removed, so that the commit before it stays the newest one a restart reads.
/// </remarks>
/// <param name="beforeWrite">Run before each commit record is written, on the writing thread (tests stall or fail the disk there).</param>
/// <param name="reserve">Room a commit record that finds none may take (a full disk), once.</param>
internal sealed class SpoolCommitFiles(Action? beforeWrite = null, SpoolReserve? reserve = null) : INamedDeviceFactory
{
    private string _baseName = string.Empty;
    private string? _failure;
    private volatile bool _refused;
    private volatile bool _keepOutdated;

    public void Initialize(string baseName) => _baseName = baseName;

    /// <summary>Why a commit record could not be written since the last call; null when every one was.</summary>
    public string? TakeFailure() => Interlocked.Exchange(ref _failure, null);

    /// <summary>
    /// From now on no commit record is written: the stop gave up waiting for a commit and counted what it had not made
    /// durable as dropped. That commit, ending later, must not make those traces recoverable (sent by the next start
    /// after all, and counted twice across the two runs).
    /// </summary>
    public void Refuse() => _refused = true;

    public IDevice Get(FileDescriptor fileInfo)
    {
        var name = Path.Combine(_baseName, fileInfo.directoryName, fileInfo.fileName);
        return new SpoolDevice(name, ownThread: false, why => Failed(name, why), BeforeWrite, reserve is null ? null : FreeRoom);
    }

    // A write refused because the stop gave up failed for want of nothing: the reserve stays for a disk that is full.
    private bool FreeRoom() => !_refused && reserve!.Free();

    private void BeforeWrite()
    {
        beforeWrite?.Invoke();
        if (_refused)
        {
            throw new IOException("the spool's stop gave up waiting for this commit");
        }
    }

    private void Failed(string name, string why)
    {
        // FASTER deletes the commit before last once it wrote a new one, failed or not: after a failed one, that is the
        // newest good commit, the one the next start recovers from. The spool commits no more after a failure.
        _keepOutdated = true;
        Volatile.Write(ref _failure, why);
        try
        {
            // A record cut short (the disk full) would be the newest and unreadable, and the whole log set aside for it.
            File.Delete(name + ".0");
        }
#pragma warning disable CA1031 // Not there at all (a directory that takes no new files) is what was wanted.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public void Delete(FileDescriptor fileInfo)
    {
        if (_keepOutdated)
        {
            return;
        }

        try
        {
            if (fileInfo.fileName is { } name)
            {
                File.Delete(Path.Combine(_baseName, fileInfo.directoryName, name + ".0"));
            }
            else if (Directory.Exists(Path.Combine(_baseName, fileInfo.directoryName)))
            {
                Directory.Delete(Path.Combine(_baseName, fileInfo.directoryName), recursive: true);
            }
        }
#pragma warning disable CA1031 // An outdated commit record left behind is harmless: recovery reads the newest.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Newest first, as FASTER expects (it recovers from the first one it can read).</summary>
    public IEnumerable<FileDescriptor> ListContents(string path)
    {
        var directory = new DirectoryInfo(Path.Combine(_baseName, path));
        if (!directory.Exists)
        {
            return [];
        }

        return directory.GetDirectories().OrderByDescending(d => d.LastWriteTimeUtc).Select(d => new FileDescriptor(d.Name, string.Empty))
            .Concat(directory.GetFiles().OrderByDescending(f => f.LastWriteTimeUtc).Select(f => new FileDescriptor(string.Empty, f.Name)))
            .ToList();
    }
}
