namespace FlowTracker;

/// <summary>
/// Prints every trace as one line, <c>FLOW_LOG: {json}</c>, like the Go library's default
/// exporter. Used when no other exporter is registered.
/// </summary>
public sealed class ConsoleExporter : ITraceExporter
{
    /// <summary>The prefix of every line: <c>FLOW_LOG: </c>.</summary>
    public const string Prefix = "FLOW_LOG: ";

    private readonly TextWriter _output;
    private readonly TextWriter _errors;

    /// <summary>Prints to standard output; problems go to standard error.</summary>
    public ConsoleExporter()
        : this(Console.Out, Console.Error)
    {
    }

    /// <summary>Prints to the given writers (they must be safe to use from several threads, as <see cref="TextWriter.Synchronized"/> makes them).</summary>
    public ConsoleExporter(TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        _output = output;
        _errors = errors;
    }

    /// <inheritdoc />
    public void Export(Trace trace)
    {
        if (trace is null)
        {
            _errors.WriteLine("FlowTracker: ConsoleExporter skipped a null trace.");
            return;
        }

        try
        {
            _output.WriteLine(Prefix + TraceJson.SerializeToString(trace));
        }
#pragma warning disable CA1031 // The exporter contract: never throw to the caller; say what went wrong instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _errors.WriteLine($"FlowTracker: ConsoleExporter could not write trace {trace.TraceId}: {ex.Message}");
        }
    }
}
