namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>The defaults, in one place (the reference HOCON is checked against these).</summary>
internal static class ExporterDefaults
{
    public const int MaxBufferedTraces = 100_000;
    // With librdkafka's own copy bounded by queue.buffering.max.kbytes below, a whole outage stays
    // under about 100 MiB of trace bytes (measured in the benchmark, not guessed).
    public const long MaxBufferedBytes = 64L * 1024 * 1024;
    public const int LibrdkafkaMessageMaxBytes = 1_000_000;
    public const double RestartRandomFactor = 0.2;
    public const int MaxRestarts = 10;
    public const OversizedTraces Oversized = OversizedTraces.Split;
    public const long SpoolMaxBytes = 1L << 30;

    // With librdkafka's copy of what is in flight, an outage of any length then holds about twice this in memory.
    public const long SpoolMemoryBytes = 8L << 20;

    /// <summary>Akka's <c>service-stop</c>: after the application stopped serving requests, so their traces are in.</summary>
    public const string ShutdownPhase = "service-stop";

    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RestartMinBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RestartMaxBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxRestartsWithin = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan SpoolCommitInterval = TimeSpan.FromMilliseconds(100);

    public static readonly IReadOnlyDictionary<string, string> Producer = new Dictionary<string, string>
    {
        ["acks"] = "all",
        ["enable.idempotence"] = "true",
        ["linger.ms"] = "20",
        ["compression.type"] = "lz4",
        ["partitioner"] = "murmur2_random",
        ["queue.buffering.max.messages"] = "100000",
        ["queue.buffering.max.kbytes"] = "32768",
    };
}
