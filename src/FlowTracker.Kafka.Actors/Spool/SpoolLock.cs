using System.Diagnostics;
using System.Globalization;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// The spool directory's owner: an exclusive lock on <c>spool.lock</c>, held for the spool's life. On Unix .NET
/// takes it with flock(LOCK_EX), which the kernel drops when the process dies, even by SIGKILL: a crash leaves
/// no stale lock. Who holds it is written to <c>spool.owner</c> beside it, because a flock'd file cannot be read
/// by the process that is refused.
/// </summary>
internal sealed class SpoolLock : IDisposable
{
    private const string LockFile = "spool.lock";
    private const string OwnerFile = "spool.owner";
    private readonly FileStream _lock;
    private readonly string _directory;
    private readonly string? _owner;

    private SpoolLock(FileStream held, string directory, string? owner) => (_lock, _directory, _owner) = (held, directory, owner);

    /// <summary>
    /// Refuses a directory another spool holds without writing anything: not even opening the lock file for writing,
    /// which on a stalled (frozen) filesystem blocks until the disk comes back, as creating the directory again does.
    /// A spool that gave up on a stalled commit at its stop holds its directory until the write ends; a start on it
    /// must be refused at once, not wait with it.
    /// </summary>
    /// <exception cref="SpoolLockedException">Another spool holds the directory.</exception>
    public static void ThrowIfHeld(string directory)
    {
        var path = Path.Combine(directory, LockFile);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            // A read-only handle can take the same exclusive lock (flock) the holder has: refused while it holds it.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw Held(directory, ex);
        }
#pragma warning disable CA1031 // Whatever else the probe meets, Acquire meets again and says.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <exception cref="SpoolLockedException">Another spool holds the directory; the message names it and its holder.</exception>
    public static SpoolLock Acquire(string directory)
    {
        var path = Path.Combine(directory, LockFile);
        FileStream held;
        try
        {
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(path))
        {
            throw Held(directory, ex);
        }

        string? owner;
        try
        {
            using var process = Process.GetCurrentProcess();
            owner = string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} ({process.ProcessName}) on {Environment.MachineName}, since {DateTimeOffset.UtcNow:O}");
            File.WriteAllText(Path.Combine(directory, OwnerFile), owner);
        }
#pragma warning disable CA1031 // Naming the holder is a courtesy to whoever is refused next; the lock itself is what counts.
        catch (Exception)
#pragma warning restore CA1031
        {
            owner = null;
        }

        return new SpoolLock(held, directory, owner);
    }

    /// <summary>
    /// Why the lock no longer guards the directory, or null: its lock file is gone (the directory was deleted or moved
    /// away, and what is written now goes to files nobody will find), or another spool holds the directory now (made
    /// again after a delete, a second exporter could lock it). The spool asks before each commit.
    /// </summary>
    public string? Lost()
    {
        if (!File.Exists(Path.Combine(_directory, LockFile)))
        {
            return $"its directory '{_directory}' or its lock file was deleted or moved while in use";
        }

        if (_owner is null)
        {
            return null;
        }

        try
        {
            var now = File.ReadAllText(Path.Combine(_directory, OwnerFile));
            return now == _owner ? null : $"its directory '{_directory}' is now held by {now.Trim()}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"its directory '{_directory}' no longer names its owner ({ex.Message})";
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path.Combine(Path.GetDirectoryName(_lock.Name)!, OwnerFile));
        }
#pragma warning disable CA1031 // A stale owner file is harmless: it is read only while the lock is held.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        _lock.Dispose();
    }

    private static SpoolLockedException Held(string directory, IOException cause) =>
        new($"The spool directory '{directory}' is in use by {Holder(directory)}. Two exporters cannot share one spool: "
            + "give each process its own spool.directory, or stop the other one first.",
            cause);

    private static string Holder(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, OwnerFile)).Trim();
        }
#pragma warning disable CA1031 // The holder is unknown: the message says so.
        catch (Exception)
#pragma warning restore CA1031
        {
            return "another spool (its holder is not known)";
        }
    }
}
