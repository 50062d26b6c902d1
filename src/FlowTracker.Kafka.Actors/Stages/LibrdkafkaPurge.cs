using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// librdkafka's <c>rd_kafka_purge</c>, which Confluent.Kafka does not expose: bound once, by function pointer, in the very
/// librdkafka binary Confluent.Kafka loaded (a second copy would be another library with its own globals). Used only on
/// the exporter's own producer as it is disposed, so that every record it still holds gets a report and Confluent frees
/// that record's delivery handler (see <see cref="ProducerLease"/>).
/// </summary>
internal static unsafe class LibrdkafkaPurge
{
    // rdkafka.h: RD_KAFKA_PURGE_F_QUEUE, RD_KAFKA_PURGE_F_INFLIGHT, RD_KAFKA_PURGE_F_NON_BLOCKING.
    private const int Queue = 0x1;
    private const int InFlight = 0x2;
    private const int NonBlocking = 0x4;

    private static readonly Lazy<IntPtr> Function = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Purges every record <paramref name="client"/> holds, queued or in flight, without waiting for its broker threads:
    /// each gets a report (<c>Local_PurgeQueue</c> or <c>Local_PurgeInflight</c>) to be served by the next poll or flush.
    /// </summary>
    /// <returns>False when nothing was purged: librdkafka's function could not be found, or the client is gone or refused.</returns>
    public static bool TryPurge(Confluent.Kafka.IClient client)
    {
        if (Function.Value == IntPtr.Zero)
        {
            return false;
        }

        SafeHandle native;
        try
        {
            native = ApplicationProducerHandle.NativeHandleOf(client.Handle);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }

        var added = false;
        try
        {
            native.DangerousAddRef(ref added);
            var purge = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)Function.Value;
            return purge(native.DangerousGetHandle(), Queue | InFlight | NonBlocking) == 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added)
            {
                native.DangerousRelease();
            }
        }
    }

    private static IntPtr Bind()
    {
        try
        {
            // The module Confluent.Kafka loaded is already mapped: loading its path again returns that module.
            foreach (ProcessModule module in Process.GetCurrentProcess().Modules)
            {
                if (Path.GetFileName(module.FileName) is { } file && file.Contains("librdkafka", StringComparison.OrdinalIgnoreCase)
                    && NativeLibrary.TryLoad(module.FileName, out var library)
                    && NativeLibrary.TryGetExport(library, "rd_kafka_purge", out var address))
                {
                    return address;
                }
            }
        }
#pragma warning disable CA1031 // Without the purge a disposed producer's unreported handlers stay, as they did before: never a failure of the stop.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return IntPtr.Zero;
    }
}
