namespace FlowTracker.Kafka.Actors.Settings;

/// <summary>
/// How an owned producer is rebuilt after a fatal error: the n-th restart within
/// <see cref="Within"/> waits <c>min(Max, Min * 2^(n-1))</c> stretched by up to
/// <see cref="RandomFactor"/> (capped at <see cref="Max"/>); one more than <see cref="MaxRestarts"/>
/// within the window and the failure goes to the exporter actor's parent.
/// </summary>
internal sealed record RestartBackoffSettings(TimeSpan Min, TimeSpan Max, double RandomFactor, int MaxRestarts, TimeSpan Within);
