// src/FlowTracker/README.md, the package page of FlowTracker.
using FlowTracker;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class PackageCoreSnippet
{
    public static void Run()
    {
        using var tracer = new FlowTracer([new ConsoleExporter()]);   // or your own ITraceExporter

        using (Flow.StartSpan("GET /api/checkout"))         // no current span: the root of a new trace
        {
            using (Flow.StartSpan("DB: Process Order"))     // Go: ctx, end := flowtracker.StartSpan(ctx, ...)
            {
                Flow.AddTag("db.query", "SELECT ...");      // Go: flowtracker.AddTag(ctx, ...)
            }
        }                                                   // the root ended: the trace is exported
    }
}
