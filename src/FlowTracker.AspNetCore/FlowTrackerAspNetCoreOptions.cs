using Microsoft.AspNetCore.Http;

namespace FlowTracker.AspNetCore;

/// <summary>
/// Options of the request middleware (<c>app.UseFlowTracker(o => ...)</c>): which requests are traced.
/// </summary>
/// <remarks>
/// A traced request's root span is named <c>METHOD /route/{template}</c> when endpoint routing matched
/// it (<c>GET /api/orders/{id}</c>), <c>METHOD /path</c> when nothing routed it (a terminal middleware),
/// and <c>METHOD</c> alone when nothing matched and the response is 404, so that made-up paths never
/// become span names (the path is still in <c>url.path</c>). Its tags follow the OpenTelemetry HTTP
/// conventions: <c>http.request.method</c>, <c>http.route</c> (only when a route matched),
/// <c>http.response.status_code</c> and <c>url.path</c>.
/// </remarks>
public sealed class FlowTrackerAspNetCoreOptions
{
    // The usual probe and scrape endpoints (ASP.NET Core health checks, .NET Aspire's /health and /alive,
    // Kubernetes' /healthz, /livez and /readyz, Prometheus' /metrics): polled every few seconds, they
    // would fill the topic with traces nobody reads.
    private static readonly PathString[] ExcludedPaths =
        ["/health", "/healthz", "/alive", "/live", "/livez", "/ready", "/readyz", "/metrics"];

    /// <summary>
    /// Decides, when a request arrives, whether it is traced: <see langword="false"/> records nothing for it,
    /// like OpenTelemetry's <c>AspNetCoreTraceInstrumentationOptions.Filter</c>. A filter that throws is
    /// taken as <see langword="false"/> and logged as a warning; the request is served either way.
    /// <see langword="null"/> traces every request.
    /// Default: <see cref="DefaultFilter"/>, which leaves out health and metrics endpoints. A filter you set
    /// replaces it; to extend it, call it from yours:
    /// <c>o.Filter = c => FlowTrackerAspNetCoreOptions.DefaultFilter(c) &amp;&amp; !c.Request.Path.StartsWithSegments("/internal")</c>.
    /// </summary>
    /// <remarks>
    /// Spans that code starts with <c>Flow.StartSpan</c> while serving a request that is not traced have no
    /// request span to join, so each becomes a trace of its own, as outside any request.
    /// </remarks>
    public Func<HttpContext, bool>? Filter { get; set; } = DefaultFilter;

    /// <summary>
    /// The default <see cref="Filter"/>: <see langword="false"/> (not traced) when the request's path, after
    /// its <c>PathBase</c>, is <c>/health</c>, <c>/healthz</c>, <c>/alive</c>, <c>/live</c>, <c>/livez</c>,
    /// <c>/ready</c>, <c>/readyz</c> or <c>/metrics</c>, or below one of them (<c>/health/db</c>,
    /// <c>/metrics/prometheus</c>), whatever the method; segments are compared whole and case-insensitively,
    /// so <c>/Health</c> is left out but <c>/healthcheck</c> and <c>/api/health</c> are traced.
    /// <see langword="true"/> for every other request.
    /// </summary>
    /// <param name="context">The request.</param>
    public static bool DefaultFilter(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        foreach (var excluded in ExcludedPaths)
        {
            if (path.StartsWithSegments(excluded, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
