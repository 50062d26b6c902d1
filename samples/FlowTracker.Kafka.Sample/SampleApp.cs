using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Hosting;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Hosting;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Sample;

/// <summary>The sample: an ASP.NET Core app whose request traces go to Kafka through the actor-based exporter.</summary>
public static class SampleApp
{
    /// <returns>The exit code: 0 done, 1 the demo lost a trace, 2 a wrong switch (said on <paramref name="errors"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (!SampleOptions.TryParse(args, out var options, out var error))
        {
            return Refuse(errors, error);
        }

        if (options.Help)
        {
            output.WriteLine(SampleOptions.Usage);
            return 0;
        }

        if (options.Tail && !SampleKafka.NamesACluster)
        {
            // Checked before an embedded cluster is started for nothing.
            return Refuse(errors, "--tail watches a real cluster's topic: set FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS (and FLOWTRACKER_KAFKA_TOPIC).");
        }

        await using var kafka = SampleKafka.Connect(output);
        if (options.Tail)
        {
            return await TopicTail.RunAsync(kafka, options.FromBeginning, output, cancellationToken);
        }

        // The Go README's second option: the application creates and owns a producer, and the exporter
        // reuses it through its handle. The exporter never flushes or disposes it: the application does,
        // after the host (and with it the exporter's flush) has stopped.
        using var ownProducer = options.OwnProducer
            ? new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true, ClientId = "flowtracker-sample", LingerMs = 5 }).Build()
            : null;
        var traceIds = new TraceIdCollector();
        await using var app = Build(options, kafka, ownProducer, traceIds);
        var exporter = app.Services.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter();

        if (options.Demo is not { } requests)
        {
            await app.RunAsync(cancellationToken);
            output.WriteLine($"Stopped through CoordinatedShutdown. Final accounting: {exporter.Stats}");
            return 0;
        }

        await app.StartAsync(cancellationToken);
        var address = app.Urls.First();
        output.WriteLine($"Sending {requests} request(s) to {address}/api/checkout?latencyMs={options.LatencyMs} ...");
        using (var http = new HttpClient { BaseAddress = new Uri(address) })
        {
            for (var i = 0; i < requests; i++)
            {
                (await http.GetAsync(new Uri($"/api/checkout?latencyMs={options.LatencyMs}", UriKind.Relative), cancellationToken)).EnsureSuccessStatusCode();
            }
        }

        // A trace is exported once its response has gone out; wait until every one was handed over.
        var handedOver = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (traceIds.Count < requests && DateTime.UtcNow < handedOver)
        {
            await Task.Delay(10, cancellationToken);
        }

        await app.StopAsync(cancellationToken);
        var stats = exporter.Stats;
        var traces = await ReadBackAsync(kafka, traceIds, cancellationToken);
        foreach (var trace in traces)
        {
            output.WriteLine(TraceTree.Render(trace));
        }

        output.WriteLine($"Read back {traces.Count} of {requests} trace(s) from topic {kafka.Topic}.");
        output.WriteLine(
            $"Exporter accounting after CoordinatedShutdown: exported={stats.Exported} delivered={stats.Delivered} dropped={stats.Dropped} failed={stats.Failed} pending={stats.Pending}");
        if (options.SpoolDirectory is { } spool)
        {
            output.WriteLine($"Spool {Path.GetFullPath(spool)}: {stats.Spooled} written ahead, {stats.Recovered} sent from an earlier run, {stats.LeftInSpool} left for the next start.");
        }

        // With the spool, what an earlier run left is delivered too, before this run's traces.
        return traces.Count == requests && stats.Delivered == requests + stats.Recovered && stats.IsConsistent ? 0 : 1;
    }

    private static int Refuse(TextWriter errors, string error)
    {
        errors.WriteLine($"error: {error}");
        errors.WriteLine("Run with --help to see the switches.");
        return 2;
    }

    private static WebApplication Build(SampleOptions options, SampleKafka kafka, IProducer<string, string>? ownProducer, TraceIdCollector traceIds)
    {
        var builder = WebApplication.CreateSlimBuilder([.. options.WebArgs]);
        if (options.Demo is not null && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            // A demo talks to itself: any free port will do.
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        if (options.Demo is not null)
        {
            // The trees are the demo's output; a log line per request would bury them.
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        builder.Services.AddAkka("flowtracker-sample", (akka, _) => akka
            .AddHoconFile(Path.Combine(AppContext.BaseDirectory, "hocon", "sample.conf"), HoconAddMode.Prepend)
            .WithFlowTrackerKafkaExporter(o =>
            {
                o.Topic = kafka.Topic;
                // The README's durable spool: what a crash or an outage kept from Kafka is sent at the next start.
                o.SpoolDirectory = options.SpoolDirectory;
                if (ownProducer is not null)
                {
                    o.UseProducer(ownProducer);
                }
                else
                {
                    o.ProducerConfig = new ProducerConfig { BootstrapServers = kafka.BootstrapServers, ClientId = "flowtracker-sample", LingerMs = 5 };
                }
            }));
        builder.Services.AddSingleton<ITraceExporter>(sp => sp.GetRequiredService<ActorSystem>().GetFlowTrackerKafkaExporter());
        builder.Services.AddSingleton<ITraceExporter>(traceIds);
        builder.Services.AddFlowTracker();

        var app = builder.Build();
        app.UseFlowTracker();
        app.MapGet("/api/checkout", CheckoutEndpoint.HandleAsync);
        return app;
    }

    private static async Task<List<Trace>> ReadBackAsync(SampleKafka kafka, TraceIdCollector traceIds, CancellationToken cancellationToken)
    {
        // An embedded topic holds only this run's traces; a real one may hold older ones, so read until idle.
        var records = await KafkaTopicReader.ReadAsync(
            kafka.BootstrapServers, kafka.Topic, kafka.IsEmbedded ? traceIds.Count : null, TimeSpan.FromSeconds(3), cancellationToken);
        var ours = records.Where(r => r.KeyText is { } key && traceIds.Contains(key) && r.Value is not null)
            .Select(r => TraceJson.Deserialize(r.Value!))
            .ToDictionary(t => t.TraceId);
        return traceIds.InOrder().Where(ours.ContainsKey).Select(id => ours[id]).ToList();
    }

    /// <summary>A second exporter, only to know which trace ids this run produced.</summary>
    private sealed class TraceIdCollector : ITraceExporter
    {
        private readonly ConcurrentQueue<string> _ids = new();
        private readonly ConcurrentDictionary<string, bool> _seen = new();

        public int Count => _ids.Count;

        public void Export(Trace trace)
        {
            if (_seen.TryAdd(trace.TraceId, true))
            {
                _ids.Enqueue(trace.TraceId);
            }
        }

        public bool Contains(string traceId) => _seen.ContainsKey(traceId);

        public IEnumerable<string> InOrder() => _ids;
    }
}
