using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Streams;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// Nothing leaks: a stopped exporter leaves no meter, no actor (its own, the dead-letter counter, the
/// materializer's), no producer, no native handle and no reference to itself behind, so 100 start/stop cycles
/// end where 10 did.
/// </summary>
[Collection(SoloKafkaClusterCollection.Name)]
public sealed class LifecycleLeakTests(KafkaClusterFixture fixture, ITestOutputHelper output) : TestKit
{
    private const int WarmUp = 10;
    private const int Cycles = 100;

    /// <summary>Threads come and go with the thread pool's own moods: this much growth is not a leak.</summary>
    private const int ThreadTolerance = 4;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long what a stop ends asynchronously (actors stopping, sockets closing) may take to be gone.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private readonly List<WeakReference> _stopped = [];

    [Fact]
    public async Task HundredStartStopCycles_EndWhereTenDid()
    {
        using var meters = new LiveMeters(KafkaExporterMetrics.MeterName);
        var clock = Stopwatch.StartNew();

        await CyclesAsync(0, WarmUp, meters);
        var afterTen = await SettledAsync(meters, expected: null);
        var reachableAfterTen = StillReachable();
        await CyclesAsync(WarmUp, Cycles, meters);
        var afterHundred = await SettledAsync(meters, expected: afterTen);
        var reachable = StillReachable();

        output.WriteLine($"after {WarmUp} cycles:  {afterTen}; {reachableAfterTen} stopped exporter(s) still reachable");
        output.WriteLine($"after {Cycles} cycles: {afterHundred}; {reachable} stopped exporter(s) still reachable; {clock.Elapsed.TotalSeconds:F1} s in all");
        Assert.Equal(0, afterHundred.Meters);
        Assert.Equal(afterTen.Exact, afterHundred.Exact);
        Assert.True(afterHundred.Threads <= afterTen.Threads + ThreadTolerance, $"threads: {afterTen.Threads} after {WarmUp} cycles, {afterHundred.Threads} after {Cycles}");
        Assert.True(afterHundred.FileDescriptors <= afterTen.FileDescriptors, $"file descriptors: {afterTen.FileDescriptors} after {WarmUp} cycles, {afterHundred.FileDescriptors} after {Cycles}");

        // Nothing keeps stopped exporters: at most the last one, whose dead-letter counter Akka's event-stream
        // unsubscriber still references until it handles its next message.
        Assert.InRange(reachable, 0, 1);

        // The exporters had materializers of their own: the system's default one, which the application's streams use, still runs.
        Assert.False(Sys.Materializer().IsShutdown);
    }

    [Fact]
    public async Task FortyStartStopCyclesOnOneSpoolDirectory_EachStartsAtOnce_AndEndWhereTenDid()
    {
        using var meters = new LiveMeters(KafkaExporterMetrics.MeterName);
        using var spool = new Spool.SpoolDirectory();

        // Each start takes the directory the stop before released, or is refused: the spool's threads, files and lock go with it.
        await CyclesAsync(0, WarmUp, meters, spool.Path);
        var afterTen = await SettledAsync(meters, expected: null);
        await CyclesAsync(WarmUp, 40, meters, spool.Path);
        var afterForty = await SettledAsync(meters, expected: afterTen);

        output.WriteLine($"with a spool, after {WarmUp} cycles: {afterTen}; after 40: {afterForty}");
        Assert.Equal(afterTen.Exact, afterForty.Exact);
        Assert.True(afterForty.Threads <= afterTen.Threads + ThreadTolerance, $"threads: {afterTen.Threads} after {WarmUp} cycles, {afterForty.Threads} after 40");
        Assert.True(afterForty.FileDescriptors <= afterTen.FileDescriptors, $"file descriptors: {afterTen.FileDescriptors} after {WarmUp} cycles, {afterForty.FileDescriptors} after 40");
    }

    /// <summary>Each cycle: start an exporter on a topic of its own (and the spool, when given), deliver a few traces, stop it.</summary>
    private async Task CyclesAsync(int from, int to, LiveMeters meters, string? spoolDirectory = null)
    {
        for (var cycle = from; cycle < to; cycle++)
        {
            var topic = await fixture.NewTopicAsync($"lifecycle-{cycle}", partitions: 1);
            var handles = Confluent.Kafka.Library.HandleCount;
            var options = ExporterOptions.For(fixture.Cluster.BootstrapServers, topic, o => (o.FlushTimeout, o.SpoolDirectory) = (TimeSpan.FromSeconds(1), spoolDirectory));
            var exporter = KafkaTraceExporter.Start(Sys, options, $"lifecycle-{cycle}{(spoolDirectory is null ? string.Empty : "-spool")}");
            exporter.ExportCheckouts($"cycle-{cycle}", 5);

            // Delivered before the stop: each cycle goes through connecting, producing and acknowledging, on a busy machine too.
            await AwaitAssertAsync(() => Assert.Equal(5, exporter.Stats.Delivered), Patience, TimeSpan.FromMilliseconds(10));
            var stats = await exporter.StopAsync(Patience);

            Assert.Equal(5, stats.Delivered);
            Assert.True(stats.IsConsistent, stats.ToString());

            // Gone by the time StopAsync returns: the meter, the producer and its native handle.
            Assert.Equal(0, meters.Live);
            Assert.Equal(handles, Confluent.Kafka.Library.HandleCount);
            _stopped.Add(new WeakReference(exporter));
        }
    }

    /// <summary>
    /// The sample once what a stop ends asynchronously is gone: the exact counts equal <paramref name="expected"/>'s
    /// (without one: two samples in a row agree), threads and file descriptors within their tolerance of it.
    /// </summary>
    private async Task<Resources> SettledAsync(LiveMeters meters, Resources? expected)
    {
        var sample = Sample(meters);
        try
        {
            await AwaitAssertAsync(
                () =>
                {
                    var previous = sample;
                    sample = Sample(meters);
                    var reference = expected ?? previous;
                    Assert.Equal(reference.Exact, sample.Exact);
                    if (expected is { } wanted)
                    {
                        Assert.True(sample.Threads <= wanted.Threads + ThreadTolerance);
                        Assert.True(sample.FileDescriptors <= wanted.FileDescriptors);
                    }
                },
                Settle,
                TimeSpan.FromMilliseconds(50));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The assertions that follow say what did not settle.
            output.WriteLine($"not settled within {Settle}: {sample} (expected {expected})");
        }

        return sample;
    }

    private Resources Sample(LiveMeters meters)
    {
        var system = (ExtendedActorSystem)Sys;
        return new Resources(
            Process.GetCurrentProcess().Threads.Count,
            OpenFileDescriptors(),
            meters.Live,
            Descendants(system.SystemGuardian),
            Descendants(system.Guardian),
            Confluent.Kafka.Library.HandleCount);
    }

    /// <summary>How many of the stopped exporters a full garbage collection leaves alive: something still references them.</summary>
    private int StillReachable()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return _stopped.Count(w => w.IsAlive);
    }

    /// <summary>
    /// Open file descriptors (sockets, pipes, event descriptors, files), without the assemblies and symbol files the
    /// runtime maps lazily and keeps for the process's life (the first stack trace with line numbers opens the pdbs).
    /// </summary>
    private static int OpenFileDescriptors() =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            var target = new FileInfo(fd).LinkTarget ?? string.Empty;
            return !target.EndsWith(".dll", StringComparison.Ordinal) && !target.EndsWith(".pdb", StringComparison.Ordinal);
        });

    /// <summary>Every actor below <paramref name="actor"/>, however deep (the materializer's stream actors too).</summary>
    private static int Descendants(IActorRef actor) =>
        actor is ActorRefWithCell parent ? parent.Children.Sum(child => 1 + Descendants(child)) : 0;

    private readonly record struct Resources(int Threads, int FileDescriptors, int Meters, int SystemActors, int UserActors, int Handles)
    {
        public (int Meters, int SystemActors, int UserActors, int Handles) Exact => (Meters, SystemActors, UserActors, Handles);

        public override string ToString() =>
            $"threads={Threads} fds={FileDescriptors} meters={Meters} system-actors={SystemActors} user-actors={UserActors} librdkafka-handles={Handles}";
    }

    /// <summary>Meters of one name with instruments published and not yet completed (disposing a meter completes them).</summary>
    private sealed class LiveMeters : IDisposable
    {
        private readonly ConcurrentDictionary<Meter, int> _instruments = new();
        private readonly MeterListener _listener = new();

        public LiveMeters(string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == name)
                {
                    _instruments.AddOrUpdate(instrument.Meter, 1, (_, n) => n + 1);
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.MeasurementsCompleted = (instrument, _) =>
            {
                if (_instruments.AddOrUpdate(instrument.Meter, 0, (_, n) => n - 1) == 0)
                {
                    _instruments.TryRemove(new KeyValuePair<Meter, int>(instrument.Meter, 0));
                }
            };
            _listener.Start();
        }

        public int Live => _instruments.Count;

        public void Dispose() => _listener.Dispose();
    }
}
