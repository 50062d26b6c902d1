using Confluent.Kafka;

namespace FlowTracker.Kafka.Testing;

/// <summary>Reads a topic back, for assertions: every partition from its beginning, with no consumer group.</summary>
public static class KafkaTopicReader
{
    private static readonly TimeSpan ExistingRecordsPatience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads records from every partition of <paramref name="topic"/> until <paramref name="expectedCount"/>
    /// have arrived or none has arrived for <paramref name="idleTimeout"/>. Start it before producing
    /// to read a volume larger than the cluster keeps per partition.
    /// </summary>
    /// <param name="bootstrapServers">The cluster to read from.</param>
    /// <param name="topic">The topic; it must exist (create it first to choose its partitions).</param>
    /// <param name="expectedCount">Stop once this many records were read; <see langword="null"/> reads until idle.</param>
    /// <param name="idleTimeout">
    /// Stop when no record arrives for this long, once the records that were already on the topic when
    /// reading began have been read (those are waited for up to 30 seconds). Default: 5 seconds.
    /// </param>
    /// <param name="cancellationToken">Stops reading early.</param>
    /// <returns>The records in the order read (ordered within each partition).</returns>
    public static Task<IReadOnlyList<KafkaRecord>> ReadAsync(
        string bootstrapServers,
        string topic,
        int? expectedCount = null,
        TimeSpan? idleTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var idle = idleTimeout ?? TimeSpan.FromSeconds(5);

        // Consume() blocks, so the loop gets a thread of its own rather than a pool thread.
        return Task.Factory.StartNew(
            () => Read(bootstrapServers, topic, expectedCount, idle, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static IReadOnlyList<KafkaRecord> Read(string bootstrapServers, string topic, int? expectedCount, TimeSpan idle, CancellationToken cancellationToken)
    {
        var partitions = PartitionsOf(bootstrapServers, topic, idle);
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "flowtracker-topic-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AllowAutoCreateTopics = false,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));

        // Records already on the topic are not waited for as "idle": a slow connect or first fetch must
        // not end the read early. The idle timeout governs only records that are not produced yet.
        var existing = partitions.Sum(p =>
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), ExistingRecordsPatience);
            return marks.High.Value - marks.Low.Value;
        });

        var records = new List<KafkaRecord>();
        var lastProgress = DateTime.UtcNow;
        while (expectedCount is null || records.Count < expectedCount)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is null)
            {
                var patience = records.Count < existing ? Max(idle, ExistingRecordsPatience) : idle;
                if (DateTime.UtcNow - lastProgress > patience)
                {
                    break;
                }

                continue;
            }

            lastProgress = DateTime.UtcNow;
            var headers = result.Message.Headers?.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes())).ToArray() ?? [];
            records.Add(new KafkaRecord(result.Message.Key, result.Message.Value, result.Partition.Value, result.Offset.Value, headers));
        }

        consumer.Close();
        return records;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static List<int> PartitionsOf(string bootstrapServers, string topic, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler(static (_, _) => { })
            .Build();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var metadata = admin.GetMetadata(topic, timeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false, Partitions.Count: > 0 })
            {
                return metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"Topic '{topic}' has no partitions on {bootstrapServers} ({metadata?.Error.Reason ?? "not in metadata"}); create it before reading it.");
            }

            // Retry backoff while a just-created topic's metadata propagates.
            Thread.Sleep(TimeSpan.FromMilliseconds(50));
        }
    }
}
