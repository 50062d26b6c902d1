using System.Collections.Concurrent;

namespace FlowTracker.Tests.Support;

/// <summary>Keeps every exported trace and lets a test await a count (with a timeout, never a sleep).</summary>
public sealed class CollectingExporter : ITraceExporter
{
    private readonly ConcurrentQueue<Trace> _traces = new();
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyCollection<Trace> Traces => _traces;

    public void Export(Trace trace)
    {
        _traces.Enqueue(trace);
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => _traces.Count >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public async Task<IReadOnlyCollection<Trace>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        Task wait;
        lock (_gate)
        {
            if (_traces.Count >= count)
            {
                return _traces;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            wait = done.Task;
        }

        await wait.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return _traces;
    }
}
