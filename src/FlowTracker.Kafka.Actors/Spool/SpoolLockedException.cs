namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>Another process (or another spool in this one) holds the spool directory.</summary>
internal sealed class SpoolLockedException : IOException
{
    public SpoolLockedException()
    {
    }

    public SpoolLockedException(string message)
        : base(message)
    {
    }

    public SpoolLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
