namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>The durable spool's settings, when it is on.</summary>
/// <param name="Directory">The spool's directory, as a full path.</param>
/// <param name="MaxBytes">The most it holds on disk; when full, the newest trace is dropped (SpoolFull).</param>
/// <param name="CommitInterval">How often appended records are made durable.</param>
/// <param name="MemoryBytes">Encoded bytes held in memory at most (buffered and in flight); the rest waits on disk.</param>
internal sealed record SpoolSettings(string Directory, long MaxBytes, TimeSpan CommitInterval, long MemoryBytes);
