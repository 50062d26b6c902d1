namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// One encoded trace on its way to Kafka; <see cref="ReservedBytes"/> is released when it settles, and
/// <see cref="AcceptedAt"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) times its delivery.
/// </summary>
internal sealed record OutgoingRecord(byte[] Key, byte[] Value, long ReservedBytes, long AcceptedAt);
