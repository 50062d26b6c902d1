using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Real fatal errors (librdkafka's <c>rd_kafka_test_fatal_error</c>) raised in the exporter's own producers,
/// reached through the exporter's producer-created hook: nothing here is mocked.
/// </summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class FatalErrorTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FatalErrorMidLoad_NewProducerSendsWhatTheDeadOneHeld_EveryTraceOnTheTopic()
    {
        const int count = 20_000;
        var topic = await fixture.NewTopicAsync("fatal-mid-load", partitions: 16);
        var producers = new ConcurrentQueue<IClient>();
        var exporter = KafkaTraceExporter.Create(Options(topic, o => o.RestartMinBackoff = TimeSpan.FromMilliseconds(100)));
        exporter.ProducerCreated = producers.Enqueue;
        Sys.ActorOf(exporter.Props, "exporter");
        await AwaitAssertAsync(() => Assert.Single(producers), Patience);

        exporter.ExportCheckouts("fatal", count);

        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered >= 1_000), Patience, TimeSpan.FromMilliseconds(1));
        var pendingAtTheFatalError = exporter.Stats.Pending;
        Assert.True(EmbeddedKafkaCluster.TriggerFatalError(producers.Single()));
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, idleTimeout: TimeSpan.FromSeconds(2));

        Assert.True(pendingAtTheFatalError > 1_000, $"only {pendingAtTheFatalError} traces were pending at the fatal error");
        Assert.Equal(count, stats.Delivered);
        Assert.Equal(1, stats.ProducerRestarts);
        Assert.Equal(2, producers.Count);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(count, records.Select(r => r.KeyText).Distinct().Count());
        Assert.InRange(records.Count - count, 0, stats.PossibleDuplicates);
    }

    [Fact]
    public async Task RepeatedFatalErrors_BackoffGrows_ThenTheParentSeesTheFailure()
    {
        var topic = await fixture.NewTopicAsync("fatal-repeated");
        var created = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var exporter = KafkaTraceExporter.Create(Options(topic, o =>
        {
            o.MaxRestarts = 3;
            o.RestartMinBackoff = TimeSpan.FromMilliseconds(200);
            o.RestartMaxBackoff = TimeSpan.FromSeconds(5);
            o.RestartRandomFactor = 0;
        }));
        exporter.ProducerCreated = producer =>
        {
            created.Enqueue(clock.Elapsed);
            EmbeddedKafkaCluster.TriggerFatalError(producer);
        };
        Sys.ActorOf(Props.Create(() => new ReportingSupervisor(TestActor, exporter.Props)), "supervisor");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        exporter.ExportCheckouts("doomed", 10);

        var failure = ExpectMsg<KafkaExporterStreamException>(Patience);

        var fatal = Assert.IsType<KafkaProducerFatalException>(failure.InnerException);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, fatal.Error.Code);
        var gaps = created.Zip(created.Skip(1), (a, b) => b - a).ToArray();
        Assert.Equal(3, gaps.Length);
        Assert.All(gaps.Zip([200, 400, 800]), g => Assert.True(g.First >= TimeSpan.FromMilliseconds(g.Second), $"restart after {g.First}, expected at least {g.Second} ms"));
        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        var stats = exporter.Stats;
        Assert.Equal(3, stats.ProducerRestarts);
        Assert.Contains("after 3 restart(s)", stats.ProducerFailure, StringComparison.Ordinal);
        Assert.Equal(10, stats.FailedByError[ErrorCode.Local_Fatal]);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task RestartBudgetSpent_DefaultSupervisionRestartsTheActor_NextProducerAfterMaxBackoff_AndItsTracesAreStillDelivered()
    {
        var topic = await fixture.NewTopicAsync("fatal-actor-restart");
        var created = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var maxBackoff = TimeSpan.FromMilliseconds(800);
        var exporter = KafkaTraceExporter.Create(Options(topic, o =>
        {
            o.MaxRestarts = 1;
            o.RestartMinBackoff = TimeSpan.FromMilliseconds(50);
            o.RestartMaxBackoff = maxBackoff;
            o.RestartRandomFactor = 0;
        }));
        exporter.ProducerCreated = producer =>
        {
            // The stream's first producer and its one restart die; the restarted actor's producer works.
            created.Enqueue(clock.Elapsed);
            if (created.Count <= 2)
            {
                EmbeddedKafkaCluster.TriggerFatalError(producer);
            }
        };
        Sys.ActorOf(exporter.Props, "top-level-exporter");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        exporter.ExportCheckouts("survivor", 100);

        await AwaitAssertAsync(() => Assert.Equal(3, created.Count), Patience);

        // The budget belongs to the exporter: the restarted actor's stream did not get a fresh one, and waited max-backoff.
        var times = created.ToArray();
        Assert.True(times[2] - times[1] >= maxBackoff, $"the producer after the actor's restart came {times[2] - times[1]} after the last one, expected at least {maxBackoff}");
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, idleTimeout: TimeSpan.FromSeconds(2));

        Assert.Equal(100, stats.Delivered);
        Assert.Null(stats.ProducerFailure);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(100, records.Select(r => r.KeyText).Distinct().Count());
    }

    [Fact]
    public async Task ParentResumesAfterTheBudgetIsSpent_NewStreamSendsTheHeldTraces()
    {
        var topic = await fixture.NewTopicAsync("fatal-resume");
        var producers = 0;
        var exporter = KafkaTraceExporter.Create(Options(topic, o =>
        {
            o.MaxRestarts = 0;
            o.RestartMinBackoff = TimeSpan.FromMilliseconds(100);
            o.RestartMaxBackoff = TimeSpan.FromMilliseconds(300);
        }));
        exporter.ProducerCreated = producer =>
        {
            if (Interlocked.Increment(ref producers) == 1)
            {
                EmbeddedKafkaCluster.TriggerFatalError(producer);
            }
        };
        Sys.ActorOf(Props.Create(() => new ReportingSupervisor(TestActor, exporter.Props, Directive.Resume)), "resuming-supervisor");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        exporter.ExportCheckouts("resumed", 10);

        ExpectMsg<KafkaExporterStreamException>(Patience);

        // No further message reaches the actor: the resumed actor rebuilds its stream by itself.
        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered == 10, exporter.Stats.ToString()), Patience);
        Assert.Equal(2, Volatile.Read(ref producers));
        Assert.True(exporter.Stats.IsConsistent, exporter.Stats.ToString());
    }

    [Fact]
    public async Task ApplicationProducerFatal_SaidLoudly_AndEveryLaterTraceFailsWithLocalFatal()
    {
        var topic = await fixture.NewTopicAsync("fatal-byo");
        using var application = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = fixture.Cluster.BootstrapServers,
            EnableIdempotence = true,
        }).Build();
        var exporter = KafkaTraceExporter.Start(Sys, new KafkaExporterOptions { Topic = topic }.UseProducer(application));
        exporter.ExportCheckouts("before", 10);

        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered == 10, exporter.Stats.ToString()), Patience);

        Assert.True(EmbeddedKafkaCluster.TriggerFatalError(application));
        exporter.ExportCheckouts("after", 10);

        await AwaitAssertAsync(() => Assert.Equal(0, exporter.Stats.Pending), Patience);
        var stats = await exporter.StopAsync(Patience);
        Assert.Equal(10, stats.Delivered);
        Assert.Equal(10, stats.FailedByError[ErrorCode.Local_Fatal]);
        Assert.Contains("application's producer", stats.ProducerFailure, StringComparison.Ordinal);
        Assert.Equal(0, stats.ProducerRestarts);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    private KafkaExporterOptions Options(string topic, Action<KafkaExporterOptions> configure) =>
        ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, configure);

    /// <summary>An application's supervisor: tells the test what failed, then applies its own directive (default: stop).</summary>
    private sealed class ReportingSupervisor : ReceiveActor
    {
        private readonly IActorRef _observer;
        private readonly Directive _directive;

        public ReportingSupervisor(IActorRef observer, Props child, Directive directive = Directive.Stop)
        {
            _observer = observer;
            _directive = directive;
            Context.ActorOf(child, "exporter");
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
        {
            _observer.Tell(ex);
            return _directive;
        });
    }
}
