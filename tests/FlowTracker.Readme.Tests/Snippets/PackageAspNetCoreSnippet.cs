// src/FlowTracker.AspNetCore/README.md, the package page of FlowTracker.AspNetCore.
using FlowTracker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class PackageAspNetCoreSnippet
{
    public static void Run(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ITraceExporter, MyExporter>(); // none registered: FLOW_LOG to the console
        builder.Services.AddFlowTracker();

        var app = builder.Build();
        app.UseFlowTracker();                       // root span "GET /api/checkout" per request

        app.MapGet("/api/checkout", async () =>
        {
            using (Flow.StartSpan("DB: Process Order"))
            {
                Flow.AddTag("db.query", "SELECT ...");
                await SaveOrderAsync();
            }
            return Results.Ok();
        });
    }

    private static Task SaveOrderAsync() => Task.CompletedTask;

    private sealed class MyExporter : ITraceExporter
    {
        public void Export(Trace trace)
        {
        }
    }
}
