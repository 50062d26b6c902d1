using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using FlowTracker.Kafka.Testing.Native;

namespace FlowTracker.Kafka.Testing;

/// <summary>
/// A real Kafka-protocol cluster inside the test process: librdkafka's mock cluster (the broker
/// librdkafka tests itself against), bundled with Confluent.Kafka. Any Kafka client (Confluent,
/// kcat, a JVM client) connects to <see cref="BootstrapServers"/> as to any broker. No Docker, no JVM.
/// </summary>
/// <remarks>
/// <para>Quirks worth knowing:</para>
/// <list type="bullet">
/// <item>Brokers listen on loopback (127.0.0.1) only, on ports chosen by the OS; disposing frees them.</item>
/// <item>Each partition keeps only about 5 MB of records; older ones are pruned. A test that counts a
/// large volume creates its topic with enough partitions, or reads while it produces.</item>
/// <item>A topic that a client names before it exists is created on first use with
/// <see cref="AutoCreatedTopicPartitions"/> partitions; <see cref="CreateTopic"/> chooses the count.</item>
/// <item>Brokers are numbered 1 to <see cref="BrokerCount"/>.</item>
/// <item>Nothing is persisted, and there are no transactions across restarts of the cluster.</item>
/// </list>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IAsyncDisposable, IDisposable
{
    /// <summary>Partitions of a topic the cluster creates on first use (librdkafka's mock default).</summary>
    public const int AutoCreatedTopicPartitions = 4;

    private readonly IProducer<Null, Null> _owner;
    private readonly SafeHandle _ownerHandle;
    private readonly object _gate = new();
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IProducer<Null, Null> owner, SafeHandle ownerHandle, IntPtr cluster, int brokers)
    {
        _owner = owner;
        _ownerHandle = ownerHandle;
        _cluster = cluster;
        BrokerCount = brokers;
        unsafe
        {
            BootstrapServers = Marshal.PtrToStringUTF8(MockApi.Instance.ClusterBootstraps(cluster))
                ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
        }
    }

    /// <summary>The <c>bootstrap.servers</c> value that reaches every broker, for example <c>127.0.0.1:41235,127.0.0.1:39117</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster has; they are numbered 1 to this count.</summary>
    public int BrokerCount { get; }

    /// <summary>The librdkafka binary the cluster runs in (the one Confluent.Kafka loaded).</summary>
    public static string LibrdkafkaPath
    {
        get
        {
            EnsureLibrdkafkaLoaded();
            return MockApi.Instance.LibraryPath;
        }
    }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers on loopback.</summary>
    /// <param name="brokers">Number of brokers, 1 or more. Default: 3, so that leaders can move and replication is real.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokers"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The loaded librdkafka lacks the mock API.</exception>
    public static EmbeddedKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);

        // The cluster is tied to a client instance (it logs through it); a producer that never sends is the lightest.
        var owner = new ProducerBuilder<Null, Null>(new ProducerConfig { ClientId = "flowtracker-embedded-kafka" })
            .SetLogHandler(static (_, message) =>
            {
                if (message.Level <= SyslogLevel.Error)
                {
                    Console.Error.WriteLine($"EmbeddedKafkaCluster: {message.Name} {message.Facility}: {message.Message}");
                }
            })
            .Build();
        try
        {
            var handle = MockApi.NativeHandleOf(owner);
            var added = false;
            handle.DangerousAddRef(ref added);
            IntPtr cluster;
            unsafe
            {
                cluster = MockApi.Instance.ClusterNew(handle.DangerousGetHandle(), brokers);
            }

            if (cluster == IntPtr.Zero)
            {
                handle.DangerousRelease();
                throw new InvalidOperationException($"librdkafka could not start a mock cluster of {brokers} broker(s).");
            }

            return new EmbeddedKafkaCluster(owner, handle, cluster, brokers);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic (before any client uses it, to choose its partition count).</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partitions">Number of partitions. Default: 1.</param>
    /// <param name="replicationFactor">Replicas per partition, at most <see cref="BrokerCount"/>. Default: all brokers, up to 3.</param>
    public void CreateTopic(string topic, int partitions = 1, int? replicationFactor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var replicas = replicationFactor ?? Math.Min(3, BrokerCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1, nameof(replicationFactor));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, BrokerCount, nameof(replicationFactor));
        unsafe
        {
            fixed (byte* name = NullTerminated(topic))
            {
                var cluster = Cluster();
                Check(MockApi.Instance.TopicCreate(cluster, name, partitions, replicas), $"create topic '{topic}'");
            }
        }
    }

    /// <summary>Takes a broker down: its connections are closed and new ones refused until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId)
    {
        unsafe
        {
            Check(MockApi.Instance.BrokerSetDown(Cluster(), CheckBroker(brokerId)), $"take broker {brokerId} down");
        }
    }

    /// <summary>Brings a broker back up.</summary>
    public void SetBrokerUp(int brokerId)
    {
        unsafe
        {
            Check(MockApi.Instance.BrokerSetUp(Cluster(), CheckBroker(brokerId)), $"bring broker {brokerId} up");
        }
    }

    /// <summary>Takes every broker down: an outage of the whole cluster.</summary>
    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerDown(id);
        }
    }

    /// <summary>Brings every broker back up.</summary>
    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerUp(id);
        }
    }

    /// <summary>Delays every response of a broker by <paramref name="delay"/> (a slow broker); <see cref="TimeSpan.Zero"/> restores it.</summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        unsafe
        {
            Check(MockApi.Instance.BrokerSetRtt(Cluster(), CheckBroker(brokerId), (int)delay.TotalMilliseconds), $"set broker {brokerId} round-trip time");
        }
    }

    /// <summary>Moves a partition's leadership to another broker (a leader change, as in a rolling restart).</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        unsafe
        {
            fixed (byte* name = NullTerminated(topic))
            {
                var cluster = Cluster();
                Check(MockApi.Instance.PartitionSetLeader(cluster, name, partition, CheckBroker(brokerId)), $"move leader of {topic}[{partition}]");
            }
        }
    }

    /// <summary>
    /// Makes the cluster report <paramref name="error"/> for a topic in its metadata (for example
    /// <see cref="ErrorCode.TopicAuthorizationFailed"/>, as a cluster whose ACLs deny the producer does);
    /// <see cref="ErrorCode.NoError"/> clears it. Clients see it at their next metadata request.
    /// </summary>
    public void SetTopicError(string topic, ErrorCode error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        unsafe
        {
            fixed (byte* name = NullTerminated(topic))
            {
                MockApi.Instance.TopicSetError(Cluster(), name, (int)error);
            }
        }
    }

    /// <summary>
    /// Makes the next requests of one type fail: the n-th such request (to any broker) gets the n-th
    /// error of <paramref name="errors"/>, then requests succeed again. <see cref="ErrorCode.NoError"/>
    /// lets one request through.
    /// </summary>
    public void PushRequestErrors(KafkaApiKey api, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, static e => (int)e);
        unsafe
        {
            fixed (int* first = codes)
            {
                MockApi.Instance.PushRequestErrorsArray(Cluster(), (short)api, (nuint)codes.Length, first);
            }
        }
    }

    /// <summary>Drops the errors pushed for a request type that have not been used yet.</summary>
    public void ClearRequestErrors(KafkaApiKey api)
    {
        unsafe
        {
            MockApi.Instance.ClearRequestErrors(Cluster(), (short)api);
        }
    }

    /// <summary>
    /// Raises a fatal error in a Confluent client (librdkafka's <c>rd_kafka_test_fatal_error</c>), as
    /// an idempotent producer raises when its guarantees are lost. The client's error handler sees an
    /// <see cref="Error"/> with <see cref="Error.IsFatal"/> set, and the client is unusable from then on.
    /// Works with any client, on the embedded cluster or a real one.
    /// </summary>
    /// <param name="client">The client to break.</param>
    /// <param name="error">The underlying error reported. Default: <see cref="ErrorCode.OutOfOrderSequenceNumber"/>.</param>
    /// <param name="reason">Text of the error. Default: "test-triggered fatal error".</param>
    /// <returns><see langword="false"/> when the client already had a fatal error.</returns>
    public static bool TriggerFatalError(IClient client, ErrorCode error = ErrorCode.OutOfOrderSequenceNumber, string reason = "test-triggered fatal error")
    {
        ArgumentNullException.ThrowIfNull(reason);
        var handle = MockApi.NativeHandleOf(client);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            unsafe
            {
                fixed (byte* text = NullTerminated(reason))
                {
                    var result = (ErrorCode)MockApi.Instance.TestFatalError(handle.DangerousGetHandle(), (int)error, text);
                    return result switch
                    {
                        ErrorCode.NoError => true,
                        ErrorCode.Local_PrevInProgress => false,
                        _ => throw new InvalidOperationException($"Could not trigger a fatal error on {client.Name}: {result}."),
                    };
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Stops every broker and frees their ports. Clients still connected see the brokers disappear.</summary>
    public void Dispose()
    {
        IntPtr cluster;
        lock (_gate)
        {
            cluster = _cluster;
            _cluster = IntPtr.Zero;
        }

        if (cluster == IntPtr.Zero)
        {
            return;
        }

        unsafe
        {
            MockApi.Instance.ClusterDestroy(cluster);
        }

        _ownerHandle.DangerousRelease();
        _owner.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void EnsureLibrdkafkaLoaded()
    {
        if (!Library.IsLoaded)
        {
            Library.Load();
        }
    }

    private IntPtr Cluster()
    {
        var cluster = _cluster;
        ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
        return cluster;
    }

    private int CheckBroker(int brokerId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokerId, BrokerCount);
        return brokerId;
    }

    private static void Check(int result, string action)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"Embedded Kafka cluster could not {action}: {(ErrorCode)result}.");
        }
    }

    private static byte[] NullTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
