using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// What Confluent.Kafka knows about an application's producer but does not expose: whether the application
/// disposed it, whether it asked librdkafka for delivery reports, and the native handle a dependent producer borrows.
/// </summary>
/// <remarks>
/// Reflection over Confluent's internals, all of it here, because a dependent producer trusts its handle blindly:
/// its Produce hands the raw pointer to librdkafka without checking that the owner is still alive (a use-after-free
/// once the application disposed its producer), and accepts a delivery handler even when the owner never installed
/// librdkafka's delivery-report callback (the report never comes). What is read, as of Confluent.Kafka 2.16:
/// <c>Handle.Owner</c> and <c>Handle.LibrdkafkaHandle</c> (internal properties; the latter the SafeHandle whose
/// last release destroys the librdkafka client), and the private fields <c>enableDeliveryReports</c> and
/// <c>disposeHasBeenCalled</c> of <c>Producer&lt;TKey,TValue&gt;</c>. The latter because the SafeHandle cannot tell:
/// its <c>IsClosed</c> turns true only once no reference is left, so never while an exporter's lease holds one.
/// ApplicationProducerTests fails when a release renames or moves any of them.
/// </remarks>
internal static class ApplicationProducerHandle
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly Assembly Confluent = typeof(Handle).Assembly;
    private static readonly PropertyInfo? OwnerProperty = typeof(Handle).GetProperty("Owner", Internal);
    private static readonly PropertyInfo? NativeProperty = typeof(Handle).GetProperty("LibrdkafkaHandle", Internal);
    private static readonly Type? ProducerType = Confluent.GetType("Confluent.Kafka.Producer`2");
    private static readonly FieldInfo? DeliveryReportsField = ProducerType?.GetField("enableDeliveryReports", Internal);
    private static readonly FieldInfo? DisposedField = ProducerType?.GetField("disposeHasBeenCalled", Internal);

    // One compiled reader per closed Producer<TKey,TValue> and field: a lease asks before every record it sends.
    private static readonly ConcurrentDictionary<(Type Owner, string Field), Func<IClient, bool>> Readers = new();

    /// <summary>The internals this class reads that the loaded Confluent.Kafka lacks (empty when all are there).</summary>
    public static IReadOnlyList<string> MissingInternals()
    {
        var missing = new List<string>();
        if (OwnerProperty?.PropertyType != typeof(IClient))
        {
            missing.Add("property Confluent.Kafka.Handle.Owner (IClient)");
        }

        if (NativeProperty is null || !typeof(SafeHandle).IsAssignableFrom(NativeProperty.PropertyType))
        {
            missing.Add("property Confluent.Kafka.Handle.LibrdkafkaHandle (a SafeHandle)");
        }

        if (ProducerType is null)
        {
            missing.Add("type Confluent.Kafka.Producer`2");
        }

        if (DeliveryReportsField?.FieldType != typeof(bool))
        {
            missing.Add("field Confluent.Kafka.Producer`2.enableDeliveryReports (bool)");
        }

        if (DisposedField?.FieldType != typeof(bool))
        {
            missing.Add("field Confluent.Kafka.Producer`2.disposeHasBeenCalled (bool)");
        }

        return missing;
    }

    /// <summary>
    /// Why <paramref name="client"/> cannot be the exporter's producer, or <see langword="null"/> when it can:
    /// a live Confluent producer (or a dependent one over such) whose owner has delivery reports enabled.
    /// </summary>
    /// <remarks>Calls nothing on the client but <c>Handle</c>: Confluent lets many calls reach librdkafka without checking the handle is alive.</remarks>
    public static string? Refusal(IClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (MissingInternals() is [_, ..] missing)
        {
            return $"it cannot be checked with Confluent.Kafka {Confluent.GetName().Version}, which lacks {string.Join(", ", missing)}; "
                + "use the Confluent.Kafka version this package depends on, or ProducerConfig instead";
        }

        Handle? handle;
        try
        {
            handle = client.Handle;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"reading its Handle failed ({e.GetType().Name}: {e.Message}); pass a producer built with Confluent's ProducerBuilder";
        }

        var owner = handle is null ? null : (IClient?)OwnerProperty!.GetValue(handle);
        var native = handle is null ? null : (SafeHandle?)NativeProperty!.GetValue(handle);
        if (owner is null || native is null || native.IsInvalid)
        {
            return $"its Handle ({client.GetType().Name}) is not one Confluent.Kafka created for a client; pass a producer built with Confluent's ProducerBuilder";
        }

        var ownerType = owner.GetType();
        if (!ownerType.IsGenericType || ownerType.GetGenericTypeDefinition() != ProducerType)
        {
            return $"its handle belongs to a {KindOf(ownerType)}, not a producer; pass an IProducer<TKey, TValue> built with Confluent's ProducerBuilder";
        }

        if (native.IsClosed || Read(owner, DisposedField!))
        {
            return "the producer is already disposed; the application must keep it undisposed until the exporter has stopped";
        }

        return Read(owner, DeliveryReportsField!)
            ? null
            : "the producer has delivery reports disabled, so the exporter would never learn whether a trace was written; "
                + "build it with EnableDeliveryReports = true (ProducerConfig.EnableDeliveryReports, 'dotnet.producer.enable.delivery.reports'; true is the default)";
    }

    /// <summary>The librdkafka handle <paramref name="handle"/> shares, as the SafeHandle the owner disposes.</summary>
    /// <exception cref="InvalidOperationException">The handle is not one Confluent created (<see cref="Refusal"/> says so first).</exception>
    public static SafeHandle NativeHandleOf(Handle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return NativeProperty?.GetValue(handle) as SafeHandle
            ?? throw new InvalidOperationException("The application's producer handle carries no librdkafka handle.");
    }

    /// <summary>
    /// Whether the application disposed the producer that owns <paramref name="handle"/>, asked cheaply as often as
    /// needed. The owner's dispose stops its polling and drops delivery reports from then on, even while the native
    /// handle lives on for a lease; <see cref="Refusal"/> has checked the owner is a producer.
    /// </summary>
    public static Func<bool> OwnerDisposed(Handle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var owner = OwnerProperty?.GetValue(handle) as IClient
            ?? throw new InvalidOperationException("The application's producer handle names no owner.");
        var reader = Reader(owner.GetType(), DisposedField
            ?? throw new InvalidOperationException("Confluent.Kafka's producer has no field disposeHasBeenCalled."));
        return () => reader(owner);
    }

    private static bool Read(IClient owner, FieldInfo field) => Reader(owner.GetType(), field)(owner);

    private static Func<IClient, bool> Reader(Type ownerType, FieldInfo openField) =>
        Readers.GetOrAdd((ownerType, openField.Name), static key =>
        {
            var field = key.Owner.GetField(key.Field, Internal)
                ?? throw new InvalidOperationException($"{key.Owner} has no field {key.Field}.");
            var client = Expression.Parameter(typeof(IClient), "client");
            return Expression.Lambda<Func<IClient, bool>>(Expression.Field(Expression.Convert(client, key.Owner), field), client).Compile();
        });

    private static string KindOf(Type type)
    {
        var name = type.Name;
        var arity = name.IndexOf('`', StringComparison.Ordinal);
        return arity < 0 ? name : name[..arity];
    }
}
