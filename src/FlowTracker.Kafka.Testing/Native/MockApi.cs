using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Testing.Native;

/// <summary>
/// librdkafka's mock-cluster and test API (<c>rdkafka_mock.h</c>, <c>rd_kafka_test_fatal_error</c>),
/// bound by function pointer to the library Confluent.Kafka loaded. Only non-variadic entry points
/// are used: a variadic C function cannot be called safely through a typed pointer.
/// </summary>
internal sealed unsafe class MockApi
{
    private static readonly Lazy<MockApi> Shared = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    private MockApi(string path, IntPtr library)
    {
        LibraryPath = path;
        ClusterNew = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Export(library, path, "rd_kafka_mock_cluster_new");
        ClusterDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(library, path, "rd_kafka_mock_cluster_destroy");
        ClusterBootstraps = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Export(library, path, "rd_kafka_mock_cluster_bootstraps");
        TopicCreate = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int>)Export(library, path, "rd_kafka_mock_topic_create");
        BrokerSetDown = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)Export(library, path, "rd_kafka_mock_broker_set_down");
        BrokerSetUp = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)Export(library, path, "rd_kafka_mock_broker_set_up");
        BrokerSetRtt = (delegate* unmanaged[Cdecl]<IntPtr, int, int, int>)Export(library, path, "rd_kafka_mock_broker_set_rtt");
        PartitionSetLeader = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int>)Export(library, path, "rd_kafka_mock_partition_set_leader");
        PushRequestErrorsArray = (delegate* unmanaged[Cdecl]<IntPtr, short, nuint, int*, void>)Export(library, path, "rd_kafka_mock_push_request_errors_array");
        ClearRequestErrors = (delegate* unmanaged[Cdecl]<IntPtr, short, void>)Export(library, path, "rd_kafka_mock_clear_request_errors");
        TestFatalError = (delegate* unmanaged[Cdecl]<IntPtr, int, byte*, int>)Export(library, path, "rd_kafka_test_fatal_error");
        TopicSetError = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, void>)Export(library, path, "rd_kafka_mock_topic_set_error");
    }

    public string LibraryPath { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> ClusterNew { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, void> ClusterDestroy { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, IntPtr> ClusterBootstraps { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int> TopicCreate { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, int, int> BrokerSetDown { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, int, int> BrokerSetUp { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, int, int, int> BrokerSetRtt { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int> PartitionSetLeader { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, short, nuint, int*, void> PushRequestErrorsArray { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, short, void> ClearRequestErrors { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, int, byte*, int> TestFatalError { get; }

    public delegate* unmanaged[Cdecl]<IntPtr, byte*, int, void> TopicSetError { get; }

    /// <summary>The API, bound once Confluent.Kafka has loaded librdkafka (a client must exist first).</summary>
    public static MockApi Instance => Shared.Value;

    /// <summary>
    /// The native <c>rd_kafka_t*</c> of a Confluent client. Confluent.Kafka keeps it internal, so it
    /// is read by reflection; a renamed member fails here, loudly, rather than anywhere later.
    /// </summary>
    public static SafeHandle NativeHandleOf(IClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException(
                $"This Confluent.Kafka ({typeof(Handle).Assembly.GetName().Version}) has no Handle.LibrdkafkaHandle; the test hooks need an update.");
        return property.GetValue(client.Handle) as SafeHandle
            ?? throw new InvalidOperationException("The Confluent client has no native handle (was it disposed?).");
    }

    private static MockApi Bind()
    {
        var path = LibrdkafkaLocator.FindLoadedLibrary();
        return new MockApi(path, NativeLibrary.Load(path));
    }

    private static IntPtr Export(IntPtr library, string path, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new InvalidOperationException(
                $"The librdkafka that Confluent.Kafka loaded ({path}) does not export {name}: it was built without the mock cluster, which EmbeddedKafkaCluster needs.");
}
