using System.Threading.Channels;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaFlow = Akka.Streams.Dsl.Flow; // FlowTracker.Flow (the span API) is nearer in scope
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// One run of the exporter's stream: the bounded buffer the actor offers records to, feeding the
/// producer stage, and the stage's control (its completion, and its bounded stop).
/// </summary>
internal sealed class ExporterStream
{
    private ExporterStream(Channel<OutgoingRecord> buffer, ProducerStageControl control)
    {
        Buffer = buffer;
        Control = control;
    }

    public Channel<OutgoingRecord> Buffer { get; }

    public ProducerStageControl Control { get; }

    public static ExporterStream Run(int capacity, ProducerStage stage, IMaterializer materializer)
    {
        // Sized by traces: the caller-side gate already bounds what can be pending, so a full buffer here
        // is an invariant broken, still counted (BufferFull) rather than lost.
        var buffer = Channel.CreateBounded<OutgoingRecord>(new BoundedChannelOptions(capacity)
        {
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var control = ChannelSource.FromReader(buffer.Reader)
            .ViaMaterialized(AkkaFlow.FromGraph(stage), Keep.Right)
            .To(Sink.Ignore<TraceOutcome>())
            .Run(materializer);
        return new ExporterStream(buffer, control);
    }

    /// <summary>Closes the buffer and takes what the stage never pulled.</summary>
    public List<OutgoingRecord> TakeBuffered()
    {
        Buffer.Writer.TryComplete();
        var records = new List<OutgoingRecord>();
        while (Buffer.Reader.TryRead(out var record))
        {
            records.Add(record);
        }

        return records;
    }
}
