using System.Collections;
using Akka.Event;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// One exporter line as a Microsoft.Extensions.Logging state: the template's named properties with their values (of their
/// own types), <c>LogSource</c> (which exporter), and <c>{OriginalFormat}</c> (the template), last, as
/// <c>LoggerMessage</c>'s states have it. A list, not only an enumerable: the JSON console formatter writes a state's
/// properties only when it is a collection of pairs, and OpenTelemetry's and Serilog's providers read the same pairs.
/// </summary>
internal sealed class ExporterLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The property naming the line's source: the exporter actor's path, or the stream stage's name.</summary>
    public const string SourceKey = "LogSource";

    /// <summary>Microsoft.Extensions.Logging's key for the message template.</summary>
    public const string TemplateKey = "{OriginalFormat}";

    private readonly KeyValuePair<string, object?>[] _pairs;
    private readonly LogMessage? _message;
    private string? _rendered;

    public ExporterLogState(LogMessage message, string source)
    {
        _message = message;
        var names = message.PropertyNames;
        var values = message.Parameters().ToList();
        var count = Math.Min(names.Count, values.Count);
        _pairs = new KeyValuePair<string, object?>[count + 2];
        for (var i = 0; i < count; i++)
        {
            _pairs[i] = new(names[i], values[i]);
        }

        _pairs[count] = new(SourceKey, source);
        _pairs[count + 1] = new(TemplateKey, message.Format);
    }

    /// <summary>A line without a template: its text is its message, as Microsoft.Extensions.Logging treats a template without arguments.</summary>
    public ExporterLogState(string text, string source)
    {
        _rendered = text;
        _pairs = [new(SourceKey, source), new(TemplateKey, text)];
    }

    public int Count => _pairs.Length;

    public KeyValuePair<string, object?> this[int index] => _pairs[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The template rendered by Akka's formatter, the same text Akka's own loggers print after their prefix.</summary>
    public override string ToString() => _rendered ??= _message?.ToString() ?? string.Empty;
}
