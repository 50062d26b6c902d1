namespace FlowTracker.Kafka.Actors.SpoolCandidates;

internal static class Candidates
{
    public static readonly string[] Names = ["sqlite", "fasterlog", "otel-blob", "trace-spool"];

    public static ICandidateStore Open(string name, string directory) => name switch
    {
        "sqlite" => new SqliteCandidate(directory),
        "fasterlog" => new FasterLogCandidate(directory),
        "otel-blob" => new BlobCandidate(directory),
        "trace-spool" => new TraceSpoolCandidate(directory),
        _ => throw new ArgumentException($"unknown candidate '{name}'; one of {string.Join(", ", Names)}", nameof(name)),
    };
}
