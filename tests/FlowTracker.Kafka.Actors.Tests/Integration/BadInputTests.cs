using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing;
using FlowTracker.Kafka.Testing.Tests;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Issue 12: bad input is isolated (it settles its one trace, never restarts the actor), and the exporter's
/// stream outlives its actor: a restart keeps what the stream holds, a stop from outside still flushes it.
/// </summary>
[Collection(KafkaClusterCollection.Name)]
public sealed class BadInputTests(KafkaClusterFixture fixture) : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private int _appended;

    [FaultInjectionFact]
    public async Task BrokersDown_ThrowingAndChangingSpanListsAndThrowingTags_SettleAlone_EveryGoodTraceDelivered_ActorNeverFails()
    {
        const int good = 2_000;
        var topic = await fixture.NewTopicAsync("bad-input-isolated", partitions: 4);
        var exporter = KafkaTraceExporter.Create(Options(topic));
        Sys.ActorOf(Props.Create(() => new Parent(TestActor, exporter.Props, false)), "bad-input-supervisor");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);
        var actor = exporter.Actor!;
        var brokers = fixture.Cluster.Embedded;
        var growing = new List<Span> { new() { SpanId = "g0", Name = "root" } };
        using var stopAppending = new CancellationTokenSource();
        Task appender = Task.CompletedTask;
        ExporterStats waiting;
        brokers.SetAllBrokersDown();
        try
        {
            // The caller keeps changing its list after Export, from another thread, while the actor reads it.
            appender = Task.Factory.StartNew(() => KeepChanging(growing, stopAppending.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref _appended) > 1_000), Patience);

            exporter.ExportCheckouts("good", good / 2);
            exporter.Export(new Trace { TraceId = "throwing-list", Spans = new ThrowingSpanList() });
            exporter.Export(new Trace { TraceId = "growing-list", Spans = growing });
            exporter.Export(new Trace { TraceId = "throwing-tags", Spans = [new Span { SpanId = "t0", Name = "tagged", Tags = new CustomTags() }] });
            exporter.ExportCheckouts("good", good / 2, first: good / 2);

            // The actor answers after it has taken every trace told before: the list was read while it changed.
            waiting = await actor.Ask<ExporterStats>(GetExporterStats.Instance, Patience);
            await stopAppending.CancelAsync();
            await appender;
        }
        finally
        {
            brokers.SetAllBrokersUp();
        }

        // Never failed, so never restarted: its supervisor would have told the test by now.
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Pending == 0, exporter.Stats.ToString()), Patience);
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: (int)stats.Delivered, idleTimeout: TimeSpan.FromSeconds(2));
        var keys = records.Select(r => r.KeyText!).ToHashSet();

        Assert.Same(actor, exporter.Actor);
        Assert.Equal(0, waiting.Delivered);
        Assert.True(waiting.Pending >= good, $"the good traces were not waiting for the brokers: {waiting}");

        // The changing list is settled one way or another: a consistent snapshot is sent, anything else is invalid.
        var growingSent = keys.Contains("growing-list") ? 1 : 0;
        Assert.Equal(good, keys.Count(k => k.StartsWith("good-", StringComparison.Ordinal)));
        Assert.Equal(good + growingSent, stats.Delivered);
        Assert.Equal(good + growingSent, keys.Count);
        Assert.Equal(good + 3, stats.Exported);
        Assert.True(stats.DroppedByReason[DropReason.InvalidTrace] >= 1, stats.ToString());
        Assert.True(stats.DroppedByReason[DropReason.SerializationError] >= 1, stats.ToString());
        Assert.Equal(3 - growingSent, stats.DroppedByReason[DropReason.InvalidTrace] + stats.DroppedByReason[DropReason.SerializationError]);
        Assert.Equal(0, stats.DroppedByReason[DropReason.Shutdown]);
        Assert.Equal(0, stats.Failed);
        Assert.Equal(0, stats.Pending);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Fact]
    public async Task ExceptionsWhoseMessageThrows_FromSpansOrTags_SettleTheirTrace_ActorNeverFails()
    {
        var topic = await fixture.NewTopicAsync("bad-input-evil-exception", partitions: 1);
        var exporter = KafkaTraceExporter.Create(Options(topic));
        Sys.ActorOf(Props.Create(() => new Parent(TestActor, exporter.Props, false)), "evil-exception-supervisor");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);

        exporter.Export(new Trace { TraceId = "evil-list", Spans = new ThrowingSpanList(evil: true) });
        exporter.Export(new Trace { TraceId = "evil-tags", Spans = [new Span { SpanId = "t0", Name = "tagged", Tags = new CustomTags(evil: true) }] });
        exporter.Export(Traces.Checkout("after-evil"));

        await exporter.Actor!.Ask<ExporterStats>(GetExporterStats.Instance, Patience);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var stats = await exporter.StopAsync(Patience);

        Assert.Equal(1, stats.Delivered);
        Assert.Equal(1, stats.DroppedByReason[DropReason.InvalidTrace]);
        Assert.Equal(1, stats.DroppedByReason[DropReason.SerializationError]);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    [Theory]
    [InlineData(ParentStop.ContextStop)]
    [InlineData(ParentStop.PoisonPill)]
    public async Task ParentStopsTheExporterUnderLoad_EveryRecordKafkaConfirmedCountsDelivered(ParentStop how)
    {
        const int count = 20_000;
        var topic = await fixture.NewTopicAsync("parent-stops", partitions: 16);
        var exporter = KafkaTraceExporter.Create(Options(topic));
        var parent = Sys.ActorOf(Props.Create(() => new Parent(TestActor, exporter.Props, false)), $"stopping-parent-{how}");
        await AwaitAssertAsync(() => Assert.NotNull(exporter.Actor), Patience);

        exporter.ExportCheckouts("stopped", count);
        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Delivered >= 500), Patience, TimeSpan.FromMilliseconds(1));
        var atTheStop = exporter.Stats;
        parent.Tell(how);

        // Settled: every trace has its final bucket (the stopped actor's flush, and its mailbox through dead letters).
        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Pending == 0, exporter.Stats.ToString()), Patience);
        var settled = exporter.Stats;
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, idleTimeout: TimeSpan.FromSeconds(2));
        var keys = records.Select(r => r.KeyText).Distinct().Count();

        // Before issue 12 the stream died with the actor: hundreds of records on the topic were counted Dropped(Shutdown).
        Assert.True(keys == settled.Delivered, $"{keys} traces on the topic, but {settled}");
        var stats = await exporter.StopAsync(Patience);

        Assert.True(atTheStop.Pending > 1_000, $"not under load when stopped: {atTheStop}");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(settled.Delivered, stats.Delivered);
        Assert.Equal(keys, stats.Delivered);
        Assert.InRange(records.Count - keys, 0, stats.PossibleDuplicates);
        Assert.Equal(stats.Exported, stats.Delivered + stats.Dropped + stats.Failed);
        Assert.Equal(0, stats.Pending);
        Assert.Equal(0, stats.Failed);
        Assert.Equal(count, stats.Delivered + stats.DroppedByReason[DropReason.Shutdown]);
        if (how == ParentStop.PoisonPill)
        {
            // A poison pill comes after every trace told before it: each reached the stream and was flushed.
            Assert.Equal(count, stats.Delivered);
        }
    }

    [FaultInjectionFact]
    public async Task ActorRestartedByFatalErrorWhileBrokersAreDown_HeldTracesAllDelivered_NoneDroppedAsShutdown()
    {
        const int count = 5_000;
        var topic = await fixture.NewTopicAsync("restart-fatal-held", partitions: 8);
        var producers = new ConcurrentQueue<IClient>();
        var exporter = KafkaTraceExporter.Create(Options(topic, o =>
        {
            o.MaxRestarts = 0;
            o.RestartMinBackoff = TimeSpan.FromMilliseconds(100);
            o.RestartMaxBackoff = TimeSpan.FromMilliseconds(500);
        }));
        exporter.ProducerCreated = producers.Enqueue;
        Sys.ActorOf(Props.Create(() => new Parent(TestActor, exporter.Props, false)), "fatal-restart-supervisor");
        await AwaitAssertAsync(() => Assert.Single(producers), Patience);
        var brokers = fixture.Cluster.Embedded;
        ExporterStats held;
        brokers.SetAllBrokersDown();
        try
        {
            exporter.ExportCheckouts("held", count);
            await AwaitAssertAsync(() => Assert.Equal(count, exporter.Counters.InFlight), Patience);
            held = exporter.Stats;

            // The restart budget is 0: the stream fails, the actor fails, and its parent restarts it.
            Assert.True(EmbeddedKafkaCluster.TriggerFatalError(producers.Single()));
            ExpectMsg<KafkaExporterStreamException>(Patience);
            await AwaitAssertAsync(() => Assert.Equal(2, producers.Count), Patience);
        }
        finally
        {
            brokers.SetAllBrokersUp();
        }

        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Pending == 0, exporter.Stats.ToString()), Patience);
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: count, idleTimeout: TimeSpan.FromSeconds(2));

        Assert.Equal(count, held.Pending);
        Assert.True(stats.Delivered == count && stats.Dropped == 0, stats.ToString());
        Assert.Equal(0, stats.Failed);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(count, records.Select(r => r.KeyText).Distinct().Count());
    }

    [FaultInjectionFact]
    public async Task ActorRestartedBecauseASiblingFailed_TheStreamIsKept_EveryTraceDelivered_OneProducer()
    {
        const int count = 5_000;
        var topic = await fixture.NewTopicAsync("restart-sibling", partitions: 8);
        var producers = new ConcurrentQueue<IClient>();
        var exporter = KafkaTraceExporter.Create(Options(topic));
        exporter.ProducerCreated = producers.Enqueue;
        var parent = Sys.ActorOf(Props.Create(() => new Parent(TestActor, exporter.Props, true)), "all-for-one-parent");
        await AwaitAssertAsync(() => Assert.Single(producers), Patience);
        var actor = exporter.Actor!;
        var brokers = fixture.Cluster.Embedded;
        ExporterStats held;
        brokers.SetAllBrokersDown();
        try
        {
            exporter.ExportCheckouts("kept", count);
            await AwaitAssertAsync(() => Assert.Equal(count, exporter.Counters.InFlight), Patience);
            held = exporter.Stats;

            // A sibling fails: an all-for-one parent restarts every child, the exporter's actor among them.
            parent.Tell(new SiblingFailure());
            Assert.IsType<SiblingFailure>(ExpectMsg<Exception>(Patience));

            // The restarted actor takes traces again, into the same stream.
            exporter.ExportCheckouts("kept", 1_000, first: count);
            await actor.Ask<ExporterStats>(GetExporterStats.Instance, Patience);
        }
        finally
        {
            brokers.SetAllBrokersUp();
        }

        await AwaitAssertAsync(() => Assert.True(exporter.Stats.Pending == 0, exporter.Stats.ToString()), Patience);
        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: count + 1_000, idleTimeout: TimeSpan.FromSeconds(2));

        Assert.Equal(count, held.Pending);
        Assert.True(stats.Delivered == count + 1_000 && stats.Dropped == 0, stats.ToString());
        Assert.Single(producers);
        Assert.Equal(0, stats.Failed);
        Assert.True(stats.IsConsistent, stats.ToString());
        Assert.Equal(count + 1_000, records.Select(r => r.KeyText).Distinct().Count());
    }

    [Fact]
    public async Task NullNameSpanIdAndTagValue_WrittenAsEmptyStrings_AndDelivered()
    {
        var topic = await fixture.NewTopicAsync("bad-input-nulls", partitions: 1);
        var exporter = KafkaTraceExporter.Start(Sys, Options(topic));
        var missingFields = new Trace
        {
            TraceId = "missing-fields",
            Spans = [new Span { SpanId = null!, Name = null!, ParentId = null, Tags = new Dictionary<string, string> { ["k"] = null! } }],
        };
        var nullTagKey = new Trace
        {
            TraceId = "null-tag-key",
            Spans = [new Span { SpanId = "s1", Name = "custom tags", Tags = new CustomTags([new(null!, null!), new("z", "v")]) }],
        };

        exporter.Export(missingFields);
        exporter.Export(nullTagKey);

        var stats = await exporter.StopAsync(Patience);
        var records = await KafkaTopicReader.ReadAsync(fixture.Cluster.BootstrapServers, topic, expectedCount: 2, idleTimeout: TimeSpan.FromSeconds(2));

        var span = FirstSpan(Assert.Single(records, r => r.KeyText == "missing-fields"));
        AssertEmptyString(span.GetProperty("span_id"));
        AssertEmptyString(span.GetProperty("name"));
        AssertEmptyString(span.GetProperty("tags").GetProperty("k"));
        Assert.False(span.TryGetProperty("parent_id", out _));

        // A custom dictionary may even yield a null key: written as "" too, as Go writes an empty key.
        var tags = FirstSpan(Assert.Single(records, r => r.KeyText == "null-tag-key")).GetProperty("tags");
        AssertEmptyString(tags.GetProperty(string.Empty));
        Assert.Equal("v", tags.GetProperty("z").GetString());
        Assert.Equal(2, stats.Delivered);
        Assert.True(stats.IsConsistent, stats.ToString());
    }

    /// <summary>The record's first span, once its JSON is known to hold no null at all.</summary>
    private static JsonElement FirstSpan(KafkaRecord record)
    {
        Assert.DoesNotContain(":null", record.ValueText, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(record.Value!);
        return json.RootElement.GetProperty("spans")[0].Clone();
    }

    private static void AssertEmptyString(JsonElement element)
    {
        Assert.Equal(JsonValueKind.String, element.ValueKind);
        Assert.Equal(string.Empty, element.GetString());
    }

    private void KeepChanging(List<Span> spans, CancellationToken stop)
    {
        var span = new Span { SpanId = "g", ParentId = "g0", Name = "appended" };
        while (!stop.IsCancellationRequested)
        {
            // Grows and shrinks, so the trace stays far below message.max.bytes whenever the actor reads it.
            spans.Add(span);
            if (spans.Count > 3_000)
            {
                spans.RemoveRange(1, 2_000);
            }

            Interlocked.Increment(ref _appended);
        }
    }

    private KafkaExporterOptions Options(string topic, Action<KafkaExporterOptions>? configure = null) =>
        ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o =>
        {
            o.FlushTimeout = Patience;

            // Brokers that come back are found within half a second rather than librdkafka's default 10 s.
            o.ProducerConfig!["reconnect.backoff.max.ms"] = "500";
            configure?.Invoke(o);
        });

    public enum ParentStop
    {
        ContextStop,
        PoisonPill,
    }

    /// <summary>An exception whose message cannot be read: whoever logs it carelessly fails too.</summary>
    private sealed class EvilException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message for you");
    }

    private sealed class SiblingFailure() : Exception("a sibling of the exporter failed");

    /// <summary>A span list that says it has spans and throws when anyone reads them.</summary>
    private sealed class ThrowingSpanList(bool evil = false) : IReadOnlyList<Span>
    {
        public int Count => 3;

        public Span this[int index] => throw Failure();

        public IEnumerator<Span> GetEnumerator()
        {
            yield return new Span { SpanId = "first", Name = "fine" };
            throw Failure();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private Exception Failure() => evil ? new EvilException() : new InvalidOperationException("the span list cannot be read");
    }

    /// <summary>The caller's own tags: the given entries (a null key among them, which a Dictionary cannot hold), or none: then it throws when read.</summary>
    private sealed class CustomTags(KeyValuePair<string, string>[]? entries = null, bool evil = false) : IReadOnlyDictionary<string, string>
    {
        public int Count => entries?.Length ?? 2;

        public IEnumerable<string> Keys => Entries.Select(e => e.Key);

        public IEnumerable<string> Values => Entries.Select(e => e.Value);

        private KeyValuePair<string, string>[] Entries => entries ?? throw (evil ? new EvilException() : new InvalidOperationException("the tags cannot be read"));

        public string this[string key] => Entries.First(e => e.Key == key).Value;

        public bool ContainsKey(string key) => Entries.Any(e => e.Key == key);

        public bool TryGetValue(string key, out string value) => (value = Entries.FirstOrDefault(e => e.Key == key).Value) is not null;

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Entries.AsEnumerable().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The application's parent of the exporter: tells the test each failure of a child and restarts it (every child,
    /// when all-for-one); stops the exporter when told; has a fragile second child that fails when told.
    /// </summary>
    private sealed class Parent : ReceiveActor
    {
        private readonly IActorRef _observer;
        private readonly bool _allForOne;

        public Parent(IActorRef observer, Props exporter, bool allForOne = false)
        {
            _observer = observer;
            _allForOne = allForOne;
            var child = Context.ActorOf(exporter, "exporter");
            var sibling = Context.ActorOf(Props.Create(() => new FragileSibling()), "sibling");
            Receive<SiblingFailure>(failure => sibling.Tell(failure));
            Receive<ParentStop>(how =>
            {
                if (how == ParentStop.ContextStop)
                {
                    Context.Stop(child);
                }
                else
                {
                    child.Tell(PoisonPill.Instance);
                }
            });
        }

        protected override SupervisorStrategy SupervisorStrategy() =>
            _allForOne ? new AllForOneStrategy(Report) : new OneForOneStrategy(Report);

        private Directive Report(Exception failure)
        {
            _observer.Tell(failure);
            return Directive.Restart;
        }
    }

    private sealed class FragileSibling : ReceiveActor
    {
        public FragileSibling() => Receive<SiblingFailure>(failure => throw failure);
    }
}
