using FlowTracker.AspNetCore;
using FlowTracker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

#pragma warning disable IDE0130 // Extension methods live in the namespace of the type they extend (ASP.NET Core convention).
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Adds FlowTracker to an ASP.NET Core request pipeline.</summary>
public static class FlowTrackerApplicationBuilderExtensions
{
    /// <summary>
    /// Records one trace per request that <see cref="FlowTrackerAspNetCoreOptions.Filter"/> lets through
    /// (by default every request but health and metrics endpoints), with a root span named by method and
    /// route template (<c>GET /api/orders/{id}</c>), and exports it to every registered
    /// <see cref="FlowTracker.ITraceExporter"/> after the response has been sent.
    /// Put it early in the pipeline so that the root span covers the handlers.
    /// Requires <c>services.AddFlowTracker()</c>.
    /// </summary>
    /// <param name="app">The application's pipeline.</param>
    /// <param name="configure">Aims the middleware, for example <c>o => o.Filter = ...</c>. Optional: the defaults are <see cref="FlowTrackerAspNetCoreOptions"/>'s.</param>
    /// <exception cref="InvalidOperationException"><c>AddFlowTracker()</c> was not called.</exception>
    public static IApplicationBuilder UseFlowTracker(this IApplicationBuilder app, Action<FlowTrackerAspNetCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Resolving the tracer now starts its listener before the first request arrives.
        _ = app.ApplicationServices.GetService<FlowTracer>()
            ?? throw new InvalidOperationException(
                "UseFlowTracker() needs FlowTracker's services: call builder.Services.AddFlowTracker() when configuring services.");
        var options = new FlowTrackerAspNetCoreOptions();
        configure?.Invoke(options);

        // The filter is read once, here: changing the options afterwards does not re-aim a running pipeline.
        var filter = options.Filter;
        var logger = app.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger<FlowTrackerMiddleware>()
            ?? NullLogger<FlowTrackerMiddleware>.Instance;
        return app.Use(next => new FlowTrackerMiddleware(next, filter, logger).InvokeAsync);
    }
}
