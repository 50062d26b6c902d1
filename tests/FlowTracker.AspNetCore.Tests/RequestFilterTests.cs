using FlowTracker.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowTracker.AspNetCore.Tests;

// Activity listeners are process-wide: these tests run one at a time.
[Collection("Activity listeners")]
public sealed class RequestFilterTests
{
    [Fact]
    public async Task DefaultFilter_HealthAndMetricsRequests_AreServedButNotTraced()
    {
        string[] excluded = ["/health", "/health/ready", "/healthz", "/alive", "/live", "/livez", "/ready", "/readyz", "/metrics", "/metrics/prometheus"];
        string[] traced = ["/healthcheck", "/api/health", "/api/orders"];
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(AnswerWhetherTraced, exporter);

        var answers = new List<(string Path, string Answer)>();
        foreach (var path in excluded.Concat(traced))
        {
            answers.Add((path, await app.Client.GetStringAsync(path)));
        }

        Assert.Equal([.. excluded.Select(p => (p, "untraced")), .. traced.Select(p => (p, "traced"))], answers);
        var traces = await exporter.WaitForAsync(traced.Length);
        Assert.Equal(traced.Select(p => "GET " + p).Order(), traces.Select(t => t.Spans[0].Name).Order());
    }

    [Theory]
    [InlineData("", "/health", false)]
    [InlineData("", "/health/", false)]
    [InlineData("", "/Health/DB", false)]
    [InlineData("", "/METRICS", false)]
    [InlineData("/shop", "/healthz", false)]
    [InlineData("", "/healthcheck", true)]
    [InlineData("", "/api/health", true)]
    [InlineData("", "/metricsfoo", true)]
    [InlineData("", "/", true)]
    [InlineData("", "", true)]
    public void DefaultFilter_ComparesWholeSegmentsOfThePathAfterItsBase(string pathBase, string path, bool traced)
    {
        var context = new DefaultHttpContext();
        context.Request.PathBase = pathBase;
        context.Request.Path = path;

        Assert.Equal(traced, FlowTrackerAspNetCoreOptions.DefaultFilter(context));
    }

    [Fact]
    public async Task CustomFilter_ReplacesTheDefault()
    {
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(
            AnswerWhetherTraced,
            o => o.Filter = c => !c.Request.Path.StartsWithSegments("/internal", StringComparison.OrdinalIgnoreCase),
            exporter);

        Assert.Equal("untraced", await app.Client.GetStringAsync("/internal/jobs"));
        Assert.Equal("traced", await app.Client.GetStringAsync("/health"));

        await AssertOnlyTracedAsync(exporter, "GET /health");
    }

    [Fact]
    public async Task NullFilter_TracesEveryRequest()
    {
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(AnswerWhetherTraced, o => o.Filter = null, exporter);

        Assert.Equal("traced", await app.Client.GetStringAsync("/metrics"));

        await AssertOnlyTracedAsync(exporter, "GET /metrics");
    }

    [Fact]
    public async Task FilterThrows_RequestIsServedUntraced_AndOthersAreStillTraced()
    {
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(
            AnswerWhetherTraced,
            o => o.Filter = c => c.Request.Path == "/explode" ? throw new InvalidOperationException("a filter's bug") : true,
            exporter);

        Assert.Equal("untraced", await app.Client.GetStringAsync("/explode"));
        Assert.Equal("traced", await app.Client.GetStringAsync("/fine"));

        await AssertOnlyTracedAsync(exporter, "GET /fine");
    }

    private static async Task AssertOnlyTracedAsync(CollectingExporter exporter, string rootName)
    {
        var trace = Assert.Single(await exporter.WaitForAsync(1));
        Assert.Equal(rootName, trace.Spans[0].Name);
    }

    // A terminal middleware: every path is served, and says whether it ran inside a request span.
    private static void AnswerWhetherTraced(WebApplication app) =>
        app.Run(context => context.Response.WriteAsync(TracedApp.RequestIsTraced ? "traced" : "untraced"));
}
