using FlowTracker;

#pragma warning disable IDE0130 // Extension methods live in the namespace of the type they extend (ASP.NET Core convention).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers FlowTracker's services.</summary>
public static class FlowTrackerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="FlowTracer"/> singleton. It hands every trace to all
    /// <see cref="ITraceExporter"/> services registered in the container (a console exporter
    /// when there is none).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets tracer options, for example other activity sources to record. Optional.</param>
    public static IServiceCollection AddFlowTracker(this IServiceCollection services, Action<FlowTracerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(provider =>
        {
            var options = new FlowTracerOptions();
            configure?.Invoke(options);
            return new FlowTracer(provider.GetServices<ITraceExporter>(), options);
        });
        return services;
    }
}
