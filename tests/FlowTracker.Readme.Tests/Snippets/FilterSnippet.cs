// README, "The request's span".
using FlowTracker.AspNetCore;   // FlowTrackerAspNetCoreOptions
using Microsoft.AspNetCore.Builder;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class FilterSnippet
{
    public static void Run(WebApplication app)
    {
        app.UseFlowTracker(o => o.Filter = context =>
            FlowTrackerAspNetCoreOptions.DefaultFilter(context)                  // keep the default: no health or metrics endpoints
            && !context.Request.Path.StartsWithSegments("/internal"));           // and leave out your own
    }
}
