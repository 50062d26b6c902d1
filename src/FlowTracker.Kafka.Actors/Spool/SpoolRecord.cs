namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>A Kafka record header kept with a spooled record.</summary>
internal readonly record struct SpoolHeader(string Name, byte[] Value);

/// <summary>A record read back from the spool; <see cref="Id"/> removes it once its outcome is final.</summary>
internal sealed record SpoolRecord(SpoolId Id, byte[] Key, byte[] Value, IReadOnlyList<SpoolHeader> Headers);
