using Akka.Event;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// A lease over the application's producer keeps librdkafka's handle alive until the lease is disposed, whatever
/// the application does meanwhile. Whether the native handle was destroyed is read from its SafeHandle: once the
/// last reference is gone it refuses another release (ObjectDisposedException); while one is held, it allows it.
/// </summary>
public sealed class ProducerLeaseTests
{
    [Fact]
    public async Task ApplicationDisposesItsProducer_LeaseSaysSo_KeepsTheHandleAlive_AndItsDisposeDestroysIt()
    {
        var application = ApplicationProducers.Build();
        var native = ApplicationProducerHandle.NativeHandleOf(application.Handle);
        var lease = (ProducerLease)ProducerLease.Borrowed(application)(1, new ProducerEventQueue(() => { }));
        Assert.False(lease.IsClosedByOwner);

        application.Dispose();

        Assert.True(lease.IsClosedByOwner);

        // A Produce that raced the application's dispose: Confluent hands librdkafka the raw pointer unchecked,
        // which is sound only because the lease still holds the handle (without it: a use-after-free).
        lease.Producer.Produce("t", new Message<byte[], byte[]> { Value = [1] });
        Assert.False(lease.Released.IsCompleted);

        lease.Dispose();
        await lease.Released;

        Assert.Throws<ObjectDisposedException>(() => native.DangerousRelease());
    }

    [Fact]
    public async Task LeaseDisposedFirst_ReleasesOnceEvenIfDisposedTwice_AndTheApplicationsDisposeDestroysTheHandle()
    {
        var application = ApplicationProducers.Build();
        var native = ApplicationProducerHandle.NativeHandleOf(application.Handle);
        var lease = (ProducerLease)ProducerLease.Borrowed(application)(1, new ProducerEventQueue(() => { }));

        lease.Dispose();
        lease.Dispose();
        await lease.Released;

        Assert.False(lease.IsClosedByOwner);
        Assert.Equal(0, application.Flush(TimeSpan.Zero));
        application.Dispose();
        Assert.Throws<ObjectDisposedException>(() => native.DangerousRelease());
    }

    [Fact]
    public void ApplicationDisposedBeforeTheLease_LeaseClosedAtOnce_HoldingNothing()
    {
        var application = ApplicationProducers.Build();
        application.Dispose();

        var lease = (ProducerLease)ProducerLease.Borrowed(application)(1, new ProducerEventQueue(() => { }));
        lease.Dispose();

        Assert.True(lease.IsClosedByOwner);
        Assert.True(lease.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public void OwnedProducer_NeverClosedByAnOwner()
    {
        var lease = (ProducerLease)ProducerLease.Owned(new Dictionary<string, string> { ["bootstrap.servers"] = ApplicationProducers.Nowhere }, NoLogger.Instance)(1, new ProducerEventQueue(() => { }));

        lease.Dispose();

        Assert.True(lease.IsOwned);
        Assert.False(lease.IsClosedByOwner);
        Assert.True(lease.Released.IsCompletedSuccessfully);
    }

    [Fact]
    public void OwnedProducerDisposedWithRecordsUnreported_KeepsNothingOfTheStageAlive()
    {
        // A stop during an outage: librdkafka never reports these records, and Confluent keeps each one's delivery handler
        // rooted for good. The stage's event queue (and through it the stage, its records, its meter) must not hang on them.
        var queue = SendUnreportedAndDispose(records: 1_000);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(queue.IsAlive, "the stage's event queue is still reachable from the disposed producer's delivery handlers");
    }

    [Fact]
    public void OwnedProducerDisposedWithRecordsUnreported_FreesTheirDeliveryHandlers()
    {
        // Each unreported record's handler references the lease's relay of reports: once every handler is freed, so is it.
        // Without the purge at dispose, Confluent kept them (and their GCHandles) for the rest of the process.
        var relay = SendUnreportedAndDispose(records: 1_000, watch: lease => lease.WatchReports());

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(relay.IsAlive, "the disposed producer's delivery handlers are still rooted");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference SendUnreportedAndDispose(int records, Func<ProducerLease, WeakReference>? watch = null)
    {
        var events = new ProducerEventQueue(() => { });
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = ApplicationProducers.Nowhere, ["message.timeout.ms"] = "600000" };
        var lease = (ProducerLease)ProducerLease.Owned(config, NoLogger.Instance)(1, events);
        for (var send = 1; send <= records; send++)
        {
            lease.Produce("unreported", new OutgoingRecord(new byte[] { 1 }, new byte[] { 2 }, 0, 0), send);
        }

        var watched = watch?.Invoke(lease) ?? new WeakReference(events);
        lease.Dispose();
        return watched;
    }
}
