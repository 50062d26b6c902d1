using Akka.Event;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// A logging adapter that keeps every line, formatted, in the order written: synchronous, so a test
/// asserts what was logged without an actor system or waiting for the event stream.
/// </summary>
internal sealed class RecordingLog() : LoggingAdapterBase(SemanticLogMessageFormatter.Instance)
{
    private readonly List<(LogLevel Level, string Line)> _lines = [];

    public override bool IsDebugEnabled => true;

    public override bool IsInfoEnabled => true;

    public override bool IsWarningEnabled => true;

    public override bool IsErrorEnabled => true;

    public IReadOnlyList<(LogLevel Level, string Line)> Lines => _lines;

    public IReadOnlyList<string> At(LogLevel level) => [.. _lines.Where(l => l.Level == level).Select(l => l.Line)];

    protected override void NotifyLog(LogLevel logLevel, object message, Exception? cause = null) =>
        _lines.Add((logLevel, message.ToString() ?? string.Empty));
}
