using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FlowTracker.AspNetCore;

/// <summary>
/// Opens the root span of a request's trace, fixes its end when the pipeline returns, and stops it
/// (which exports the trace) only once the response has been sent, so that exporting never delays the
/// response. The span's final name and its route and status tags are set just before it stops: the
/// route template is known only after routing ran, which may be after this middleware started.
/// </summary>
internal sealed partial class FlowTrackerMiddleware(RequestDelegate next, Func<HttpContext, bool>? filter, ILogger logger)
{
    /// <summary>The request's method (OpenTelemetry's <c>http.request.method</c>).</summary>
    public const string MethodTag = "http.request.method";

    /// <summary>The matched route template, only when endpoint routing matched one (<c>http.route</c>).</summary>
    public const string RouteTag = "http.route";

    /// <summary>The response's status code (<c>http.response.status_code</c>).</summary>
    public const string StatusCodeTag = "http.response.status_code";

    /// <summary>The request's path, its <c>PathBase</c> included, without the query (<c>url.path</c>).</summary>
    public const string PathTag = "url.path";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!ShouldTrace(context))
        {
            await next(context);
            return;
        }

        var request = context.Request;
        // Read now: a rewrite further down must not change what the client is said to have asked for.
        var path = string.Concat(request.PathBase.Value, request.Path.Value);

        // Not disposed here on purpose: OnCompleted stops it after the response is on the wire.
        var root = Flow.Source.StartActivity(string.Concat(request.Method, " ", path), ActivityKind.Server);
        if (root is null)
        {
            await next(context);
            return;
        }

        root.SetTag(MethodTag, request.Method);
        root.SetTag(PathTag, path);
        context.Response.OnCompleted(StopAfterResponse, new RequestSpan(root, context, path));
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

    /// <summary>
    /// The root span's name: by route template when one matched, by method alone for a 404 that nothing
    /// matched (a scanner's made-up paths would each make a name), by raw path otherwise.
    /// </summary>
    internal static string NameOf(string method, string? route, string path, int statusCode) =>
        route is not null ? string.Concat(method, " ", route)
        : statusCode == StatusCodes.Status404NotFound ? method
        : string.Concat(method, " ", path);

    private bool ShouldTrace(HttpContext context)
    {
        try
        {
            return filter is null || filter(context);
        }
#pragma warning disable CA1031 // The operator's filter must never fail the request it only decides to trace or not.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFilterFailed(logger, context.Request.Method, context.Request.Path.Value, ex);
            return false;
        }
    }

    private static Task StopAfterResponse(object state)
    {
        var (root, context, path) = (RequestSpan)state;
        var route = RouteOf(context);
        var statusCode = context.Response.StatusCode;
        if (route is not null)
        {
            root.SetTag(RouteTag, route);
        }

        root.SetTag(StatusCodeTag, statusCode);
        root.DisplayName = NameOf(context.Request.Method, route, path, statusCode);
        root.Stop();
        return Task.CompletedTask;
    }

    private static string? RouteOf(HttpContext context)
    {
        // After an exception, UseExceptionHandler re-executes with its own endpoint; the request's route
        // is the one that failed, which it keeps in this feature.
        var endpoint = context.Features.Get<IExceptionHandlerPathFeature>()?.Endpoint ?? context.GetEndpoint();
        var template = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        if (string.IsNullOrEmpty(template))
        {
            return null;
        }

        // Attribute routes are written without the leading slash (api/orders/{id}); names read alike either way.
        return template[0] == '/' ? template : "/" + template;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "FlowTracker: the request filter threw for {Method} {Path}; the request is served but not traced.")]
    private static partial void LogFilterFailed(ILogger logger, string method, string? path, Exception error);

    private sealed record RequestSpan(Activity Root, HttpContext Context, string Path);
}
