using System.Runtime.InteropServices;
using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;
using LogMessage = Confluent.Kafka.LogMessage;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// The producer a stage sends with, and who owns it. An owned producer is created from the configuration
/// and disposed when the stage is done with it; the stage itself waits for the delivery reports (bounded by
/// the flush timeout) before that, so disposing never blocks on Kafka. An application's producer is reused
/// through its handle: disposing the lease releases only the wrapper, never the application's producer.
/// </summary>
/// <remarks>
/// A borrowed lease holds a reference on the application's native handle (SafeHandle.DangerousAddRef) for its
/// whole life. A dependent producer hands librdkafka the raw pointer without checking that its owner is alive, so
/// without that reference an application disposing its producer while the exporter runs destroys the handle
/// under the exporter's feet (a use-after-free, observed as SIGSEGV). With it, the owner's dispose only stops the
/// owner (<see cref="IsClosedByOwner"/>) and librdkafka's destroy waits for this lease's release. A lease nobody
/// disposed releases from its finalizer: a reference held forever would keep librdkafka's threads calling the
/// owner's callbacks after the garbage collector took them (observed: the runtime aborts the process).
/// </remarks>
internal sealed class ProducerLease : IDisposable
{
    private readonly Func<bool>? _ownerDisposed;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _closedAtStart;
    private SafeHandle? _held;

    private ProducerLease(IProducer<byte[], byte[]> producer, bool owned, SafeHandle? applicationHandle = null, Func<bool>? ownerDisposed = null)
    {
        Producer = producer;
        IsOwned = owned;
        _ownerDisposed = ownerDisposed;
        if (applicationHandle is null)
        {
            Released = Task.CompletedTask;
            GC.SuppressFinalize(this);
            return;
        }

        var added = false;
        try
        {
            applicationHandle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            // The application disposed its producer after validation: the stage sees IsClosedByOwner and sends nothing.
        }

        _held = added ? applicationHandle : null;
        _closedAtStart = !added;
        Released = added ? _release.Task : Task.CompletedTask;
        if (!added)
        {
            GC.SuppressFinalize(this);
        }
    }

    ~ProducerLease()
    {
        // The owner's delegates are still reachable here (finalization keeps what this lease references alive),
        // and the SafeHandle's own finalizer is a critical one, run after this.
        Interlocked.Exchange(ref _held, null)?.DangerousRelease();
    }

    /// <summary>Creates a lease; errors of an owned producer go to the given handler.</summary>
    public delegate ProducerLease Factory(Action<Error> onError);

    public IProducer<byte[], byte[]> Producer { get; }

    /// <summary>Whether the exporter created this producer, and so may replace it after a fatal error.</summary>
    public bool IsOwned { get; }

    /// <summary>
    /// Whether the application disposed the producer this lease borrows: nothing may be produced through it any more
    /// (Confluent does not check), and no delivery report will come for what is in flight (the owner stopped polling
    /// and drops them). Always false for an owned producer.
    /// </summary>
    public bool IsClosedByOwner => _closedAtStart || (_ownerDisposed?.Invoke() ?? false);

    /// <summary>Completes once this lease let go of the application's native handle (at once when it holds none).</summary>
    public Task Released { get; }

    public static Factory Owned(IReadOnlyDictionary<string, string> config, ILoggingAdapter log, Action<IClient>? created = null) =>
        onError =>
        {
            var producer = new ProducerBuilder<byte[], byte[]>(config)
                .SetErrorHandler((_, error) => onError(error))
                .SetLogHandler((_, message) => LogLibrdkafka(log, message))
                .Build();
            created?.Invoke(producer);
            return new ProducerLease(producer, owned: true);
        };

    public static Factory Borrowed(IClient application) =>
        _ =>
        {
            var handle = application.Handle;
            var producer = new DependentProducerBuilder<byte[], byte[]>(handle).Build();
            return new ProducerLease(producer, owned: false, ApplicationProducerHandle.NativeHandleOf(handle), ApplicationProducerHandle.OwnerDisposed(handle));
        };

    public void Dispose()
    {
        Producer.Dispose();
        GC.SuppressFinalize(this);
        if (Interlocked.Exchange(ref _held, null) is not { } held)
        {
            return;
        }

        // Once the application disposed its producer this is the last reference, and releasing it runs
        // rd_kafka_destroy, which waits for librdkafka's threads: never on the stage's thread.
        _ = Task.Run(() =>
        {
            try
            {
                held.DangerousRelease();
                _release.SetResult();
            }
            catch (Exception e)
            {
                _release.SetException(e);
            }
        });
    }

    private static void LogLibrdkafka(ILoggingAdapter log, LogMessage message)
    {
        switch (message.Level)
        {
            case <= SyslogLevel.Error:
                log.Error("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            case SyslogLevel.Warning:
                log.Warning("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
            default:
                log.Debug("librdkafka {0} {1}: {2}", message.Name, message.Facility, message.Message);
                break;
        }
    }
}
