namespace FlowTracker.Kafka.Testing;

/// <summary>Kafka protocol request types whose responses <see cref="EmbeddedKafkaCluster"/> can make fail.</summary>
public enum KafkaApiKey : short
{
    /// <summary>Produce (0): writing records.</summary>
    Produce = 0,

    /// <summary>Fetch (1): reading records.</summary>
    Fetch = 1,

    /// <summary>ListOffsets (2).</summary>
    ListOffsets = 2,

    /// <summary>Metadata (3): topics, partitions and leaders.</summary>
    Metadata = 3,

    /// <summary>OffsetCommit (8).</summary>
    OffsetCommit = 8,

    /// <summary>OffsetFetch (9).</summary>
    OffsetFetch = 9,

    /// <summary>FindCoordinator (10).</summary>
    FindCoordinator = 10,

    /// <summary>InitProducerId (22): an idempotent or transactional producer's id.</summary>
    InitProducerId = 22,
}
