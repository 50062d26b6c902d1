using FlowTracker.AspNetCore;
using FlowTracker;
using Microsoft.Extensions.DependencyInjection;

#pragma warning disable IDE0130 // Extension methods live in the namespace of the type they extend (ASP.NET Core convention).
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Adds FlowTracker to an ASP.NET Core request pipeline.</summary>
public static class FlowTrackerApplicationBuilderExtensions
{
    /// <summary>
    /// Records one trace per request, with a root span named <c>METHOD /path</c>, and exports it to
    /// every registered <see cref="FlowTracker.ITraceExporter"/> after the response has been sent.
    /// Put it early in the pipeline so that the root span covers the handlers.
    /// Requires <c>services.AddFlowTracker()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddFlowTracker()</c> was not called.</exception>
    public static IApplicationBuilder UseFlowTracker(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Resolving the tracer now starts its listener before the first request arrives.
        _ = app.ApplicationServices.GetService<FlowTracer>()
            ?? throw new InvalidOperationException(
                "UseFlowTracker() needs FlowTracker's services: call builder.Services.AddFlowTracker() when configuring services.");
        return app.UseMiddleware<FlowTrackerMiddleware>();
    }
}
