using System.Net;
using FlowTracker.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowTracker.AspNetCore.Tests;

/// <summary>The root span's name and its OpenTelemetry HTTP tags, as the exported trace carries them.</summary>
// Activity listeners are process-wide: these tests run one at a time.
[Collection("Activity listeners")]
public sealed class RootSpanTests
{
    [Fact]
    public async Task RoutedRequest_NamedByMethodAndRouteTemplate_WithItsTags()
    {
        var root = await RequestAsync(
            app => app.MapGet("/api/orders/{id}", (string id) => Results.Text($"order {id}")),
            HttpMethod.Get,
            "/api/orders/42?expand=lines",
            HttpStatusCode.OK);

        AssertRoot(root, "GET /api/orders/{id}", ("http.request.method", "GET"), ("http.response.status_code", "200"), ("http.route", "/api/orders/{id}"), ("url.path", "/api/orders/42"));
    }

    [Fact]
    public async Task RoutingRunsAfterTheMiddleware_RootIsRenamedByTheTemplateBeforeExport()
    {
        // Routing placed after UseFlowTracker: the template is unknown when the root span starts.
        var root = await RequestAsync(
            app =>
            {
                app.UseRouting();
                app.MapGroup("/api").MapPut("/orders/{id:int}", (int id) => Results.NoContent());
            },
            HttpMethod.Put,
            "/api/orders/7",
            HttpStatusCode.NoContent);

        AssertRoot(root, "PUT /api/orders/{id:int}", ("http.request.method", "PUT"), ("http.response.status_code", "204"), ("http.route", "/api/orders/{id:int}"), ("url.path", "/api/orders/7"));
    }

    [Fact]
    public async Task NoRouteButServed_NamedByRawPath_WithoutRouteTag()
    {
        var root = await RequestAsync(
            app => app.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return Task.CompletedTask;
            }),
            HttpMethod.Post,
            "/uploads/report.csv",
            HttpStatusCode.Accepted);

        AssertRoot(root, "POST /uploads/report.csv", ("http.request.method", "POST"), ("http.response.status_code", "202"), ("url.path", "/uploads/report.csv"));
    }

    [Fact]
    public async Task NothingMatched_404_NamedByMethodOnly_PathKeptInItsTag()
    {
        var root = await RequestAsync(
            app => app.MapGet("/api/orders/{id}", (string id) => Results.Ok()),
            HttpMethod.Get,
            "/wp-admin/setup.php",
            HttpStatusCode.NotFound);

        AssertRoot(root, "GET", ("http.request.method", "GET"), ("http.response.status_code", "404"), ("url.path", "/wp-admin/setup.php"));
    }

    [Fact]
    public async Task RouteMatchedButAnswered404_KeepsTheTemplate()
    {
        var root = await RequestAsync(
            app => app.MapGet("/api/orders/{id}", (string id) => Results.NotFound()),
            HttpMethod.Get,
            "/api/orders/999",
            HttpStatusCode.NotFound);

        AssertRoot(root, "GET /api/orders/{id}", ("http.request.method", "GET"), ("http.response.status_code", "404"), ("http.route", "/api/orders/{id}"), ("url.path", "/api/orders/999"));
    }

    [Fact]
    public async Task HandlerThrows_TraceStillExportedWithStatus500AndItsRoute()
    {
        var root = await RequestAsync(
            app => app.MapGet("/api/orders/{id}", Fail),
            HttpMethod.Get,
            "/api/orders/13",
            HttpStatusCode.InternalServerError);

        AssertRoot(root, "GET /api/orders/{id}", ("http.request.method", "GET"), ("http.response.status_code", "500"), ("http.route", "/api/orders/{id}"), ("url.path", "/api/orders/13"));
    }

    [Fact]
    public async Task ExceptionHandlerReExecutes_RootKeepsTheRouteThatFailed()
    {
        var root = await RequestAsync(
            app =>
            {
                app.UseExceptionHandler("/error");
                app.MapGet("/error", () => Results.Problem());
                app.MapGet("/api/orders/{id}", Fail);
            },
            HttpMethod.Get,
            "/api/orders/13",
            HttpStatusCode.InternalServerError);

        Assert.Equal("GET /api/orders/{id}", root.Name);
        Assert.Equal("/api/orders/{id}", root.Tags!["http.route"]);
    }

    // A method, not a lambda: ASP.NET Core's route handler analyzer crashes (AD0001) on a lambda cast to Func<string, string> that only throws.
    private static string Fail(string id) => throw new InvalidOperationException("boom " + id);

    private static async Task<Span> RequestAsync(Action<WebApplication> map, HttpMethod method, string path, HttpStatusCode expectedStatus)
    {
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(map, exporter);

        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        using var response = await app.Client.SendAsync(request);

        Assert.Equal(expectedStatus, response.StatusCode);
        var trace = Assert.Single(await exporter.WaitForAsync(1));
        return trace.Spans[0];
    }

    // All the root's tags, so that a tag that should be absent (http.route without a route) fails the test too.
    private static void AssertRoot(Span root, string name, params (string Key, string Value)[] tags)
    {
        Assert.Equal(name, root.Name);
        Assert.Equal(tags.OrderBy(t => t.Key, StringComparer.Ordinal), root.Tags!.Select(t => (t.Key, t.Value)).OrderBy(t => t.Key, StringComparer.Ordinal));
    }
}
