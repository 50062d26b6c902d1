using FlowTracker.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowTracker.AspNetCore.Tests;

// Activity listeners are process-wide: these tests run one at a time.
[Collection("Activity listeners")]
public sealed class FlowTrackerMiddlewareTests
{
    [Fact]
    public async Task ThousandConcurrentRequests_EachGivesOneTraceWithCorrectLinksAndNoForeignSpan()
    {
        const int requests = 1000;
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(MapWork, exporter);

        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(i => app.Client.GetStringAsync($"/work/{i}")));

        Assert.Equal(Enumerable.Range(0, requests).Select(i => $"done {i}"), responses);
        var traces = await exporter.WaitForAsync(requests);
        Assert.Equal(requests, traces.Count);
        Assert.Equal(requests, traces.Select(t => t.TraceId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, requests).Select(i => $"/work/{i}").Order(), traces.Select(t => t.Spans[0].Tags!["url.path"]).Order());
        Assert.All(traces, trace =>
        {
            var id = trace.Spans[0].Tags!["url.path"]["/work/".Length..];
            Assert.Equal(["GET /work/{id}", "Process Payment", "HTTP: Shipping Service", "Calculate Weight"], trace.Spans.Select(s => s.Name));
            var (root, payment, shipping, weight) = (trace.Spans[0], trace.Spans[1], trace.Spans[2], trace.Spans[3]);
            Assert.Null(root.ParentId);
            Assert.Equal(root.SpanId, payment.ParentId);
            Assert.Equal(root.SpanId, shipping.ParentId);
            Assert.Equal(shipping.SpanId, weight.ParentId);
            Assert.All(trace.Spans.Skip(1), s => Assert.Equal(id, s.Tags!["request"]));
            Assert.Equal("200", root.Tags!["http.response.status_code"]);
        });
    }

    [Fact]
    public async Task SlowExporter_DoesNotDelayTheResponse()
    {
        using var release = new ManualResetEventSlim();
        var blocking = new BlockingExporter(release);
        var exporter = new CollectingExporter();
        await using var app = await TracedApp.StartAsync(MapWork, blocking, exporter);

        // Were the trace exported before the response, this request would hang on the blocked exporter.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var body = await app.Client.GetStringAsync("/work/7", timeout.Token);
        Assert.Equal("done 7", body);
        Assert.Empty(exporter.Traces);

        release.Set();
        var trace = Assert.Single(await exporter.WaitForAsync(1));
        Assert.Equal("/work/7", trace.Spans[0].Tags!["url.path"]);
    }

    [Fact]
    public void UseFlowTracker_WithoutAddFlowTracker_ThrowsNamingTheMissingCall()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseFlowTracker());

        Assert.Contains("AddFlowTracker()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFlowTracker_NoExporterRegistered_TracerFallsBackToConsole()
    {
        using var provider = new ServiceCollection().AddFlowTracker().BuildServiceProvider();

        var tracer = provider.GetRequiredService<FlowTracer>();

        Assert.IsType<FlowTracker.ConsoleExporter>(Assert.Single(tracer.Exporters));
    }

    // The Go library's example handler, with awaits between the steps.
    private static void MapWork(WebApplication app) =>
        app.MapGet("/work/{id}", async (string id) =>
        {
            using (Flow.StartSpan("Process Payment"))
            {
                Flow.AddTag("request", id);
                await Task.Yield();
            }

            using (Flow.StartSpan("HTTP: Shipping Service"))
            {
                Flow.AddTag("request", id);
                await Task.Yield();
                using (Flow.StartSpan("Calculate Weight"))
                {
                    Flow.AddTag("request", id);
                    await Task.Yield();
                }
            }

            return Results.Text($"done {id}");
        });

    private sealed class BlockingExporter(ManualResetEventSlim release) : ITraceExporter
    {
        public void Export(Trace trace) => release.Wait(TimeSpan.FromSeconds(30));
    }
}
