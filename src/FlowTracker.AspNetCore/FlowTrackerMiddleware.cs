using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace FlowTracker.AspNetCore;

/// <summary>
/// Opens the root span of a request's trace (<c>METHOD /path</c>), fixes its end when the pipeline
/// returns, and stops it (which exports the trace) only once the response has been sent, so that
/// exporting never delays the response.
/// </summary>
internal sealed class FlowTrackerMiddleware(RequestDelegate next)
{
    /// <summary>The root span's tag holding the response status code.</summary>
    public const string StatusCodeTag = "http.status_code";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;

        // Not disposed here on purpose: OnCompleted stops it after the response is on the wire.
        var root = Flow.Source.StartActivity(
            string.Concat(request.Method, " ", request.PathBase.Value, request.Path.Value),
            ActivityKind.Server);
        if (root is null)
        {
            await next(context);
            return;
        }

        context.Response.OnCompleted(StopAfterResponse, (root, context));
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            root.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            // The trace's duration is the handler's, like Go's middleware measures it.
            root.SetEndTime(DateTime.UtcNow);
        }
    }

    private static Task StopAfterResponse(object state)
    {
        var (root, context) = ((Activity, HttpContext))state;
        root.SetTag(StatusCodeTag, context.Response.StatusCode.ToString(CultureInfo.InvariantCulture));
        root.Stop();
        return Task.CompletedTask;
    }
}
