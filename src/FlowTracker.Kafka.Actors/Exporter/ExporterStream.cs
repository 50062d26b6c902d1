using System.Threading.Channels;
using Akka.Actor;
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

    /// <summary>
    /// The buffer's size in records: every record in memory holds at least <see cref="OutgoingRecord.BookkeepingBytes"/>
    /// of the byte budget (one more may be let in over it), so the budget, not this, bounds what waits, and a full buffer
    /// is an invariant broken, still counted (BufferFull) rather than lost. Not max-buffered-traces: a split trace is
    /// several records, and a buffer sized by traces refused some of its parts after others were sent.
    /// </summary>
    public static int CapacityFor(long maxBufferedBytes) =>
        (int)Math.Min(int.MaxValue - 1, maxBufferedBytes / OutgoingRecord.BookkeepingBytes) + 1;

    public static ExporterStream Run(int capacity, ProducerStage stage, IMaterializer materializer)
    {
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

    /// <summary>
    /// A materializer of the exporter's own, shut down at its end. Given no settings, ActorMaterializer.Create on an
    /// actor system returns the system's shared default materializer (Akka.Streams 1.5.74 and later): shutting that one
    /// down would stop every stream of the system, and any exporter started after this one could not materialize.
    /// </summary>
    public static ActorMaterializer OwnMaterializer(ActorSystem system)
    {
        system.Settings.InjectTopLevelFallback(ActorMaterializer.DefaultConfig());
        return ActorMaterializer.Create(system, ActorMaterializerSettings.Create(system), namePrefix: "flowtracker-kafka");
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
