using FASTER.core;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// Where FasterLog keeps its commit records (<c>log-commits/commit.N.0</c> in the spool's directory, the layout of
/// FASTER's local-storage factory), through <see cref="SpoolDevice"/>s that write inline on the committing thread:
/// a commit then waits for the disk only, never for the thread pool.
/// </summary>
internal sealed class SpoolCommitFiles : INamedDeviceFactory
{
    private string _baseName = string.Empty;

    public void Initialize(string baseName) => _baseName = baseName;

    public IDevice Get(FileDescriptor fileInfo) => new SpoolDevice(Path.Combine(_baseName, fileInfo.directoryName, fileInfo.fileName), ownThread: false);

    public void Delete(FileDescriptor fileInfo)
    {
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
