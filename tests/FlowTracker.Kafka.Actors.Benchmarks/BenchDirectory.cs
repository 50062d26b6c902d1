namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>A spool directory of a benchmark's own under the temporary directory, deleted with everything in it afterwards.</summary>
internal sealed class BenchDirectory(string name) : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"flowtracker-bench-{name}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
