using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// A provider that writes each entry with Microsoft.Extensions.Logging's own JSON console formatter (the one
/// <c>AddJsonConsole()</c> uses) to a string instead of the console, so a test reads exactly the JSON an operator's
/// console would show. The console logger itself writes on a background thread to the process's one console;
/// the formatter is the part that decides what a state's properties look like.
/// </summary>
internal sealed class JsonConsoleCapture : ILoggerProvider
{
    private readonly ConsoleFormatter _formatter;
    private readonly ConcurrentQueue<string> _lines = new();

    public JsonConsoleCapture()
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddJsonConsole()).BuildServiceProvider();
        _formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
    }

    /// <summary>Every line written, parsed.</summary>
    public IReadOnlyList<JsonElement> Lines => [.. _lines.Select(line => JsonDocument.Parse(line).RootElement)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(JsonConsoleCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var text = new StringWriter();
            capture._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), scopeProvider: null, text);
            capture._lines.Enqueue(text.ToString().TrimEnd());
        }
    }
}
