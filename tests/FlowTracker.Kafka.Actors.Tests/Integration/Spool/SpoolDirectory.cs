namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>A fresh directory for one test, deleted with everything in it afterwards.</summary>
internal sealed class SpoolDirectory : IDisposable
{
    public SpoolDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "flowtracker-spool-" + Guid.NewGuid().ToString("N"));

    public long Bytes => new DirectoryInfo(Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>The log's segment files, oldest first.</summary>
    public FileInfo[] Segments =>
        [.. new DirectoryInfo(Path).EnumerateFiles("spool.log.*").OrderBy(f => int.Parse(f.Name["spool.log.".Length..], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// Overwrites the log at <paramref name="address"/> as a failing disk (or another process) would. Shared with
    /// the spool's own handles, so that a spool still open reads the damage back.
    /// </summary>
    public void Write(long address, byte[] bytes, FlowTracker.Kafka.Actors.Spool.SpoolGeometry geometry)
    {
        var segment = Segments[(int)(address >> geometry.SegmentBits)];
        using var file = new FileStream(segment.FullName, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Position = address & ((1L << geometry.SegmentBits) - 1);
        file.Write(bytes);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
