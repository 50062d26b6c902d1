using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowTracker.AspNetCore.Tests;

/// <summary>A real Kestrel app on 127.0.0.1 with FlowTracker and the given exporters.</summary>
internal sealed class TracedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TracedApp(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    /// <summary>Whether the code reading it runs inside a FlowTracker request span: what a handler sees when its request is traced.</summary>
    public static bool RequestIsTraced => Activity.Current?.Source.Name == Flow.SourceName;

    public static Task<TracedApp> StartAsync(Action<WebApplication> map, params ITraceExporter[] exporters) =>
        StartAsync(map, configure: null, exporters);

    /// <param name="map">Adds what follows FlowTracker in the pipeline: middleware, endpoints.</param>
    /// <param name="configure">Passed to <c>UseFlowTracker</c>.</param>
    /// <param name="exporters">Registered as the tracer's exporters.</param>
    public static async Task<TracedApp> StartAsync(Action<WebApplication> map, Action<FlowTrackerAspNetCoreOptions>? configure, params ITraceExporter[] exporters)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        foreach (var exporter in exporters)
        {
            builder.Services.AddSingleton(exporter);
        }

        builder.Services.AddFlowTracker();
        var app = builder.Build();
        app.UseFlowTracker(configure);
        map(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address) };
        return new TracedApp(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
