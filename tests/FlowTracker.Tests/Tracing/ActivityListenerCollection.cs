namespace FlowTracker.Tests.Tracing;

/// <summary>
/// Activity listeners are process-wide: tests that start FlowTracker spans run one at a time so
/// that no tracer sees another test's spans.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ActivityListenerCollection
{
    public const string Name = "Activity listeners";
}
