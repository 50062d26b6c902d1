using FlowTracker.Tests.Tracing;

namespace FlowTracker.Tests.Exporters;

[Collection(ActivityListenerCollection.Name)]
public sealed class ConsoleExporterTests
{
    [Fact]
    public void Export_Trace_PrintsFlowLogLineWithWireJson()
    {
        var output = new StringWriter();
        var trace = new Trace { TraceId = "t-1", Spans = [new Span { SpanId = "1", Name = "GET /" }] };

        new ConsoleExporter(output, new StringWriter()).Export(trace);

        Assert.Equal($"FLOW_LOG: {TraceJson.SerializeToString(trace)}{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void Export_NullTrace_ReportsOnErrorsAndDoesNotThrow()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        new ConsoleExporter(output, errors).Export(null!);

        Assert.Empty(output.ToString());
        Assert.Contains("null trace", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_BrokenOutput_ReportsOnErrorsAndDoesNotThrow()
    {
        var errors = new StringWriter();
        var broken = new StringWriter();
        broken.Dispose();

        new ConsoleExporter(broken, errors).Export(new Trace { TraceId = "t-2" });

        Assert.Contains("could not write trace t-2", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FlowTracer_NoExporterRegistered_UsesTheConsoleExporter()
    {
        using var tracer = new FlowTracer([]);

        Assert.IsType<ConsoleExporter>(Assert.Single(tracer.Exporters));
    }
}
