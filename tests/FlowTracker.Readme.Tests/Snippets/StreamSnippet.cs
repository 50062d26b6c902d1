// README, "Exporting from an Akka.Streams stream"; StreamSnippetTests runs it against the embedded cluster.
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using FlowTracker;
using FlowTracker.Kafka.Actors;    // KafkaTraceProducer, TraceOutcome

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class StreamSnippet
{
    public static async Task<(ExporterStats SinkStats, ExporterStats FlowStats, IReadOnlyList<TraceOutcome> Problems)> RunAsync(
        ActorSystem system, KafkaExporterOptions options, IReadOnlyList<Trace> traces)
    {
        // A sink: every trace to Kafka; the task completes with the final accounting once every trace is settled.
        ExporterStats stats = await Source.From(traces).RunWith(KafkaTraceProducer.Sink(options), system.Materializer());

        // A flow: every trace to Kafka, then one TraceOutcome per trace (delivered with partition and offset,
        // dropped or failed with the reason), in the order they became known.
        var (accounting, problems) = Source.From(traces)
            .ViaMaterialized(KafkaTraceProducer.Flow(options), Keep.Right)
            .Where(outcome => outcome.Status != TraceOutcomeStatus.Delivered)   // for example, alert on these
            .ToMaterialized(Sink.Seq<TraceOutcome>(), Keep.Both)
            .Run(system.Materializer());

        return (stats, await accounting, await problems);
    }
}
