using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// A Microsoft.Extensions.Logging provider that keeps each entry as a structured sink sees it: category, level,
/// the rendered message and the state's key/value pairs (where <c>{OriginalFormat}</c> is the template).
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly List<(Func<Entry, bool> Match, TaskCompletionSource<Entry> Found)> _waiters = [];

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first entry, already written or still to come, that <paramref name="match"/> accepts.</summary>
    public Task<Entry> FirstAsync(Func<Entry, bool> match)
    {
        lock (_waiters)
        {
            if (_entries.FirstOrDefault(match) is { } entry)
            {
                return Task.FromResult(entry);
            }

            var found = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task;
        }
    }

    public void Dispose()
    {
    }

    private void Add(Entry entry)
    {
        lock (_waiters)
        {
            _entries.Enqueue(entry);
            foreach (var waiter in _waiters.Where(w => w.Match(entry)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(entry);
            }
        }
    }

    /// <summary>One log call as the provider received it.</summary>
    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties)
    {
        public string? Template => Properties.GetValueOrDefault("{OriginalFormat}") as string;
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    properties[key] = value;
                }
            }

            provider.Add(new Entry(category, logLevel, formatter(state, exception), properties));
        }
    }
}
