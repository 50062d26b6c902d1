namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>Spans that cannot be read until released: the actor encoding their trace is stuck there.</summary>
internal sealed class StuckSpans : IReadOnlyList<Span>
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public int Count => 0;

    public Span this[int index] => throw new ArgumentOutOfRangeException(nameof(index));

    public void Release() => _released.TrySetResult();

    public IEnumerator<Span> GetEnumerator()
    {
        _entered.TrySetResult();

        // Bounded, so that a test that never releases it cannot hang the actor system for good.
        _released.Task.Wait(TimeSpan.FromMinutes(1));
        yield break;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
