namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>Where <see cref="RecordSender"/> stands with its producer.</summary>
internal enum SenderState
{
    /// <summary>No producer: before the first, or between a dead one and its successor.</summary>
    Waiting,

    /// <summary>A live producer takes records.</summary>
    Alive,

    /// <summary>The application's producer died or was disposed: nothing can send any more.</summary>
    Gone,

    /// <summary>Completed or failed: nothing more happens.</summary>
    Ended,
}
