namespace FlowTracker.Kafka.Testing.Tests;

/// <summary>A test that injects faults: it needs the embedded cluster and skips, saying why, on a real one.</summary>
public sealed class FaultInjectionFactAttribute : FactAttribute
{
    public FaultInjectionFactAttribute()
    {
        if (KafkaTestCluster.FaultInjectionUnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
