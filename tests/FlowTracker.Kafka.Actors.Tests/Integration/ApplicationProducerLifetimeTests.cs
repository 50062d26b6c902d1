using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Issue 12: the application's producer never crashes the process. The application may dispose it while the
/// exporter uses it (a dependent producer's Produce trusts the native handle blindly: before the fix, a
/// use-after-free, SIGSEGV in 5 runs of 6); the traces that needed it fail instead, and the exporter says why.
/// They time how soon the dispose is seen and how soon the stop ends, so they run alone.
/// </summary>
[Collection(SoloKafkaClusterCollection.Name)]
public sealed class ApplicationProducerLifetimeTests(KafkaClusterFixture fixture) : TestKit
{
    private const int Runs = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The watchdog looks once a second; two of its rounds are enough to see the dispose and settle everything.</summary>
    private static readonly TimeSpan SettledWithin = TimeSpan.FromSeconds(2.5);

    /// <summary>Stop with nothing left to send: no flush to wait for, only the exporter's own one-second drain at most.</summary>
    private static readonly TimeSpan PromptStop = TimeSpan.FromSeconds(2);

    [FaultInjectionFact]
    public async Task ApplicationDisposesItsProducerWhileTracesWaitForTheBrokers_NoCrash_EachFailsWithLocalDestroy_SixRuns()
    {
        const int before = 500;
        const int after = 500;
        var brokers = fixture.Cluster.Embedded;
        for (var run = 0; run < Runs; run++)
        {
            var topic = await fixture.NewTopicAsync($"app-dispose-waiting-{run}", partitions: 2);
            var application = ApplicationProducer();
            var exporter = KafkaTraceExporter.Start(Sys, Options(topic, application), $"app-dispose-waiting-{run}");
            ExporterStats settled;
            TimeSpan settling;
            brokers.SetAllBrokersDown();
            try
            {
                exporter.ExportCheckouts("waiting", before);

                // Every trace is handed to librdkafka, queued there for brokers that do not answer.
                await AwaitAssertAsync(() => Assert.True(exporter.Counters.InFlight == before, $"run {run}: in flight {exporter.Counters.InFlight}, {exporter.Stats}"), Patience);
                Assert.Null(exporter.Stats.ProducerFailure);

                // Nothing more is offered: only the watchdog, once a second, can see that no report will come.
                var clock = Stopwatch.StartNew();
                application.Dispose();
                await AwaitAssertAsync(
                    () =>
                    {
                        Assert.Equal(0, exporter.Stats.Pending);
                        Assert.Contains("the application disposed its producer", exporter.Stats.ProducerFailure, StringComparison.Ordinal);
                    },
                    Patience,
                    TimeSpan.FromMilliseconds(20));
                settling = clock.Elapsed;
                settled = exporter.Stats;

                exporter.ExportCheckouts("after-dispose", after);
                await AwaitAssertAsync(() => Assert.True(exporter.Stats.Pending == 0, exporter.Stats.ToString()), Patience);
            }
            finally
            {
                brokers.SetAllBrokersUp();
            }

            // What the application let go of is for the collector now; nothing native may still call into it.
            CollectGarbage();
            var stopping = Stopwatch.StartNew();
            var stats = await exporter.StopAsync(Patience);
            var stopped = stopping.Elapsed;
            CollectGarbage();

            Assert.True(settling < SettledWithin, $"run {run}: settled {settling} after the dispose: {settled}");
            Assert.Equal(before, settled.FailedByError[ErrorCode.Local_Destroy]);
            Assert.Equal(0, settled.Delivered);
            Assert.True(settled.IsConsistent, settled.ToString());
            Assert.True(stopped < PromptStop, $"run {run}: StopAsync took {stopped}");
            Assert.Equal(before + after, stats.Exported);
            Assert.Equal(before + after, stats.FailedByError[ErrorCode.Local_Destroy]);
            Assert.Equal(0, stats.Pending);
            Assert.Equal(0, stats.Dropped);
            Assert.Contains("the application disposed its producer", stats.ProducerFailure, StringComparison.Ordinal);
            Assert.True(stats.IsConsistent, stats.ToString());
        }
    }

    [Fact]
    public async Task ApplicationDisposesItsProducerUnderLoad_NoCrash_EveryTraceInABucket_SixRuns()
    {
        const int load = 10_000;
        const int after = 1_000;
        for (var run = 0; run < Runs; run++)
        {
            var topic = await fixture.NewTopicAsync($"app-dispose-load-{run}", partitions: 8);
            var application = ApplicationProducer();
            var exporter = KafkaTraceExporter.Start(Sys, Options(topic, application), $"app-dispose-load-{run}");

            exporter.ExportCheckouts("load", load);
            await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered >= 100, $"run {run}: {exporter.Stats}"), Patience, TimeSpan.FromMilliseconds(1));
            // Taken before: the exporter may notice the dispose (and settle everything) before Dispose returns.
            var atTheDispose = exporter.Stats;
            var clock = Stopwatch.StartNew();
            application.Dispose();
            exporter.ExportCheckouts("after-dispose", after);
            await AwaitAssertAsync(
                () =>
                {
                    Assert.Equal(0, exporter.Stats.Pending);
                    Assert.NotNull(exporter.Stats.ProducerFailure);
                },
                Patience,
                TimeSpan.FromMilliseconds(20));
            var settling = clock.Elapsed;
            var settled = exporter.Stats;
            CollectGarbage();
            var stopping = Stopwatch.StartNew();
            var stats = await exporter.StopAsync(Patience);
            var stopped = stopping.Elapsed;
            CollectGarbage();
            var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, idleTimeout: TimeSpan.FromSeconds(1));

            Assert.True(atTheDispose.Pending > 0, $"run {run}: nothing was left when the application disposed its producer: {atTheDispose}");
            Assert.True(settling < SettledWithin, $"run {run}: settled {settling} after the dispose: {settled}");
            Assert.True(stopped < PromptStop, $"run {run}: StopAsync took {stopped}");
            Assert.Equal(load + after, stats.Exported);
            Assert.Equal(0, stats.Pending);
            Assert.Equal(0, stats.Dropped);
            Assert.Equal(stats.Exported, stats.Delivered + stats.Failed);
            Assert.Equal([ErrorCode.Local_Destroy], stats.FailedByError.Where(f => f.Value > 0).Select(f => f.Key));
            Assert.True(stats.FailedByError[ErrorCode.Local_Destroy] >= after, stats.ToString());
            Assert.Contains("the application disposed its producer", stats.ProducerFailure, StringComparison.Ordinal);
            Assert.True(stats.IsConsistent, stats.ToString());

            // Each trace counted delivered is on the topic (one that failed may be there too: its report never came).
            Assert.True(records.Select(r => r.KeyText).Distinct().Count() >= stats.Delivered, $"run {run}: {records.Count} records for {stats}");
            Assert.DoesNotContain(records, r => r.KeyText!.StartsWith("after-dispose", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ApplicationDisposesItsProducerBeforeTheFirstTrace_EachFailsWithLocalDestroy_AndTheHealthSaysWhy()
    {
        var topic = await fixture.NewTopicAsync("app-dispose-idle", partitions: 1);
        var application = ApplicationProducer();
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic, application), "app-dispose-idle");
        await exporter.Actor!.Ask<ExporterStats>(GetExporterStats.Instance, Patience);

        application.Dispose();

        // Nothing in flight: the watchdog alone notices, within its one-second round.
        var clock = Stopwatch.StartNew();
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Stats.ProducerFailure), Patience, TimeSpan.FromMilliseconds(20));
        var noticed = clock.Elapsed;
        exporter.ExportCheckouts("after-dispose", 100);
        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        var stats = await exporter.StopAsync(Patience);

        Assert.True(noticed < SettledWithin, $"noticed {noticed} after the dispose");
        Assert.Equal(100, stats.FailedByError[ErrorCode.Local_Destroy]);
        Assert.Contains("the application disposed its producer", stats.ProducerFailure, StringComparison.Ordinal);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task ExportersOneAfterAnotherOverTheApplicationsProducer_EachDelivers_AndTheApplicationsOwnStreamsLiveOn()
    {
        var topic = await fixture.NewTopicAsync("app-exporters-in-turn", partitions: 1);
        using var application = ApplicationProducer();
        var (queue, received) = Source.Queue<int>(4, OverflowStrategy.Backpressure)
            .ToMaterialized(Sink.Seq<int>(), Keep.Both)
            .Run(Sys.Materializer());

        var first = KafkaTraceExporter.Start(Sys, Options(topic, application), "first-in-turn");
        first.ExportCheckouts("first", 10);
        var firstStats = await first.StopAsync(Patience);

        // Before the fix the first exporter's end shut the actor system's default materializer down: this one's
        // actor failed to start (every trace dropped as Shutdown) and the application's streams were gone.
        var second = KafkaTraceExporter.Start(Sys, Options(topic, application), "second-in-turn");
        second.ExportCheckouts("second", 10);
        var secondStats = await second.StopAsync(Patience);
        var offered = await queue.OfferAsync(1);
        queue.Complete();

        Assert.Equal(10, firstStats.Delivered);
        Assert.Equal(10, secondStats.Delivered);
        Assert.True(secondStats.IsConsistent, secondStats.ToString());
        Assert.False(Sys.Materializer().IsShutdown);
        Assert.Equal(QueueOfferResult.Enqueued.Instance, offered);
        Assert.Equal([1], await received.WaitAsync(Patience));
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: 20);
        Assert.Equal(20, records.Select(r => r.KeyText).Distinct().Count());
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private IProducer<string, string> ApplicationProducer() =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = fixture.Cluster.BootstrapServers,

            // Brokers that come back are found within half a second rather than librdkafka's default 10 s.
            ReconnectBackoffMaxMs = 500,
        }).Build();

    private static KafkaExporterOptions Options(string topic, IProducer<string, string> application) =>
        new KafkaExporterOptions { Topic = topic, FlushTimeout = Patience }.UseProducer(application);
}
