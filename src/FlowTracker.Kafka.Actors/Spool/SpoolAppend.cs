namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>What <see cref="TraceSpool.Append"/> did with a record.</summary>
internal enum SpoolAppendStatus : byte
{
    /// <summary>Written ahead: it survives a killed process once the next commit ran.</summary>
    Spooled,

    /// <summary>Refused: <c>spool.max-bytes</c> would be exceeded (drop it, counted as SpoolFull).</summary>
    Full,

    /// <summary>Refused: larger than one page of the log; the exporter's own size limit is far below this.</summary>
    TooLarge,

    /// <summary>Not written: the spool is degraded (disk full, IO error) or disposed. The record goes on in memory only.</summary>
    Unavailable,
}

/// <summary>The outcome of an append, and the record's id when it was spooled.</summary>
internal readonly record struct SpoolAppend(SpoolAppendStatus Status, SpoolId Id)
{
    public bool IsSpooled => Status == SpoolAppendStatus.Spooled;
}
