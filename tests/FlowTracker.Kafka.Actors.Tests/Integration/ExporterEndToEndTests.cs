using Akka.Actor;
using Akka.Streams;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Actors;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

[Collection(KafkaClusterCollection.Name)]
public sealed class ExporterEndToEndTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OwnedProducer_NTraces_NRecordsKeyedByTraceIdWithTheCoreJson()
    {
        const int count = 2_000;
        var topic = await fixture.NewTopicAsync("end-to-end");
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        await AwaitStartedAsync(exporter);
        var traces = Enumerable.Range(0, count).Select(i => Traces.Checkout($"trace-{i}")).ToArray();

        foreach (var trace in traces)
        {
            exporter.Export(trace);
        }

        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, count);

        Assert.Equal(count, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(0, stats.Pending);
        Assert.Equal(count, records.Count);
        var byKey = records.ToDictionary(r => r.KeyText!);
        Assert.All(traces, t =>
        {
            var record = byKey[t.TraceId];
            Assert.Equal(TraceJson.SerializeToUtf8Bytes(t), record.Value);
            Assert.Equal("application/json", record.Header("content-type"));
        });
    }

    [Fact]
    public async Task LibrdkafkaQueueFull_ExporterWaitsInsteadOfFailing_EveryTraceDelivered()
    {
        var topic = await fixture.NewTopicAsync("queue-full");
        var options = Options(topic);
        options.ProducerConfig!["queue.buffering.max.messages"] = "20";
        options.ProducerConfig["linger.ms"] = "1";
        var exporter = KafkaTraceExporter.Start(Sys, options);

        exporter.ExportCheckouts("queued", 2_000);

        var stats = await exporter.StopAsync(Patience);

        // With room for 20 records in librdkafka, nearly every send met Local_QueueFull first.
        Assert.Equal(2_000, stats.Delivered);
        Assert.Equal(0, stats.Failed);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task StoppedFromOutside_TracesStillInItsMailbox_EachAccountedAsShutdown()
    {
        var topic = await fixture.NewTopicAsync("abrupt-stop");
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        exporter.ExportCheckouts("abrupt", 20_000);

        // A system message: it overtakes the traces still queued, which Akka sends to dead letters.
        Sys.Stop(exporter.Actor!);

        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        var stats = exporter.Stats;
        Assert.True(stats.DroppedByReason[DropReason.Shutdown] > 0, stats.ToString());
        Assert.Equal(20_000, stats.Delivered + stats.DroppedByReason[DropReason.Shutdown]);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task SameTraceId_TwoRecords_LandOnTheSamePartition()
    {
        var topic = await fixture.NewTopicAsync("same-partition", partitions: 8);
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        await AwaitStartedAsync(exporter);

        for (var i = 0; i < 20; i++)
        {
            exporter.Export(Traces.Checkout($"t-{i % 5}"));
        }

        await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, 20);
        Assert.Equal(20, records.Count);
        Assert.All(records.GroupBy(r => r.KeyText), g => Assert.Single(g.Select(r => r.Partition).Distinct()));
    }

    [Fact]
    public async Task ApplicationProducer_Reused_DeliversAndStillWorksAfterTheExporterStops()
    {
        var topic = await fixture.NewTopicAsync("byo-producer");
        using var application = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.Cluster.BootstrapServers }).Build();
        var exporter = KafkaTraceExporter.Start(Sys, new KafkaExporterOptions { Topic = topic }.UseProducer(application));
        await AwaitStartedAsync(exporter);

        exporter.ExportCheckouts("byo", 100);

        var stats = await exporter.StopAsync(Patience);
        var own = await application.ProduceAsync(topic, new Message<string, string> { Key = "app", Value = "still alive" });

        Assert.Equal(100, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(PersistenceStatus.Persisted, own.Status);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, 101);
        Assert.Equal(101, records.Count);
    }

    [Fact]
    public async Task BadInputs_EachAccountedWithItsReason_AndTheNextGoodTraceIsDelivered()
    {
        var topic = await fixture.NewTopicAsync("bad-inputs", partitions: 1);
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        await AwaitStartedAsync(exporter);
        var surrogates = new Trace { TraceId = "surrogates", Spans = [new Span { SpanId = "1", Name = "bad\uD800name", Tags = new Dictionary<string, string> { ["k"] = "\uDC00" } }] };
        var huge = new Trace { TraceId = "huge", Spans = [new Span { SpanId = "1", Name = new string('x', 1_100_000) }] };
        // 5,000 small spans stay under message.max.bytes (about 0.6 MB with Go's year-1 times for unset
        // ones); the size check is tested by "huge".
        var manySpans = new Trace { TraceId = "many-spans", Spans = Enumerable.Range(0, 5_000).Select(i => new Span { SpanId = $"{i}", ParentId = "0", Name = "s" }).ToArray() };

        exporter.Export(null!);
        exporter.Export(new Trace { TraceId = "", Spans = [] });
        exporter.Export(new Trace { TraceId = "   ", Spans = [] });
        exporter.Export(new Trace { TraceId = "null-spans", Spans = null! });
        exporter.Export(new Trace { TraceId = "null-span", Spans = [null!] });
        exporter.Export(surrogates);
        exporter.Export(huge);
        exporter.Export(manySpans);
        exporter.Export(Traces.Checkout("good"));

        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, 3);

        Assert.Equal(9, stats.Exported);
        Assert.Equal(5, stats.DroppedByReason[DropReason.InvalidTrace]);
        Assert.Equal(1, stats.DroppedByReason[DropReason.TooLarge]);
        Assert.Equal(3, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(["surrogates", "many-spans", "good"], records.Select(r => r.KeyText));
        Assert.Equal("bad\uFFFDname", TraceJson.Deserialize(records[0].Value).Spans[0].Name);
        Assert.Equal(5_000, TraceJson.Deserialize(records[1].Value).Spans.Count);
    }

    [Fact]
    public async Task UnknownTopicWithAutoCreationDisabled_TracesFailWithTheKafkaError_AndAreCounted()
    {
        var topic = $"missing-{Guid.NewGuid():N}";
        var options = Options(topic);
        options.ProducerConfig!["allow.auto.create.topics"] = "false";
        options.ProducerConfig["message.timeout.ms"] = "2000";
        var exporter = KafkaTraceExporter.Start(Sys, options);
        await AwaitStartedAsync(exporter);

        exporter.ExportCheckouts("lost", 10);

        var stats = await exporter.StopAsync(Patience);

        Assert.Equal(10, stats.Failed);
        Assert.Equal(0, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.All(stats.FailedByError.Keys, code => Assert.Contains(code, new[] { ErrorCode.UnknownTopicOrPart, ErrorCode.Local_UnknownTopic, ErrorCode.Local_MsgTimedOut }));
    }

    [Fact]
    public async Task StoppedExporter_LaterExports_DroppedWithReasonShutdown()
    {
        var topic = await fixture.NewTopicAsync("after-stop", partitions: 1);
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        await AwaitStartedAsync(exporter);
        exporter.Export(Traces.Checkout("before"));

        await exporter.StopAsync(Patience);
        exporter.Export(Traces.Checkout("after"));

        var stats = exporter.Stats;
        Assert.Equal(1, stats.Delivered);
        Assert.Equal(1, stats.DroppedByReason[DropReason.Shutdown]);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task StoppedExporter_LeavesTheSystemsStreamsRunning_AndAnotherExporterStartsInTheSameSystem()
    {
        var first = KafkaTraceExporter.Start(Sys, Options(await fixture.NewTopicAsync("first", partitions: 1)), "first");
        first.Export(Traces.Checkout("first"));
        Assert.Equal(1, (await first.StopAsync(Patience)).Delivered);

        // The exporter shut down a materializer of its own, not the system's shared one.
        Assert.False(Sys.Materializer().IsShutdown);
        var second = KafkaTraceExporter.Start(Sys, Options(await fixture.NewTopicAsync("second", partitions: 1)), "second");
        second.Export(Traces.Checkout("second"));

        var stats = await second.StopAsync(Patience);
        Assert.Equal(1, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task Actor_AskedForStats_AnswersTheSameAccounting()
    {
        var topic = await fixture.NewTopicAsync("stats", partitions: 1);
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        await AwaitStartedAsync(exporter);
        exporter.Export(Traces.Checkout("one"));

        await AwaitAssertAsync(() => Assert.Equal(1, exporter.Stats.Delivered), Patience);
        var stats = await exporter.Actor!.Ask<ExporterStats>(GetExporterStats.Instance, Patience);

        Assert.Equal(1, stats.Exported);
        Assert.Equal(1, stats.Delivered);
    }

    private KafkaExporterOptions Options(string topic) => ExporterOptions.For(fixture.Cluster.BootstrapServers, topic);

    private Task AwaitStartedAsync(KafkaTraceExporter exporter) =>
        AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
}
