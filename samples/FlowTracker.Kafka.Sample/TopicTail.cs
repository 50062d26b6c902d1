using Confluent.Kafka;

namespace FlowTracker.Kafka.Sample;

/// <summary>Draws every trace that arrives on the topic, until cancelled: a window on a real cluster.</summary>
public static class TopicTail
{
    public static Task<int> RunAsync(SampleKafka kafka, bool fromBeginning, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(output);

        // Consume() blocks: a thread of its own, stopped by Ctrl+C.
        return Task.Factory.StartNew(() => Tail(kafka, fromBeginning, output, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static int Tail(SampleKafka kafka, bool fromBeginning, TextWriter output, CancellationToken cancellationToken)
    {
        using var stop = new CancellationTokenSource();
        using var link = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"flowtracker-tail-{Guid.NewGuid():N}",
            AutoOffsetReset = fromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(kafka.Topic);
        output.WriteLine($"Watching topic {kafka.Topic} on {kafka.BootstrapServers}; Ctrl+C stops.");
        try
        {
            while (!link.IsCancellationRequested)
            {
                if (consumer.Consume(link.Token) is { Message.Value: { } value })
                {
                    output.WriteLine(TraceTree.Render(TraceJson.Deserialize(value)));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or the caller: a normal end.
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            consumer.Close();
        }

        return 0;
    }
}
