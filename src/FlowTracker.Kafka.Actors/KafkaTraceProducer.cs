using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;
using AkkaFlow = Akka.Streams.Dsl.Flow; // FlowTracker.Flow (the span API) is nearer in scope

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// The exporter's Kafka producer stage as Akka.Streams building blocks, for applications that already move their
/// traces through a stream (the counterparts of Akka.Streams.Kafka's <c>PlainSink</c> and <c>FlexiFlow</c>).
/// The same stage runs inside <see cref="KafkaTraceExporter"/>, with the same guarantees: each trace becomes one
/// record (key = trace id, value = its JSON; a trace over the size limit split into parts); the producer's reports and errors are handled in one ordered path;
/// a fatal error rebuilds the producer with backoff and sends again every record of unknown outcome; completing
/// the stream (or cancelling the flow's downstream) delivers what is held, bounded by
/// <see cref="KafkaExporterOptions.FlushTimeout"/>. Backpressure replaces the exporter's drops: the stage stops
/// pulling while it holds <see cref="KafkaExporterOptions.MaxBufferedTraces"/> traces or
/// <see cref="KafkaExporterOptions.MaxBufferedBytes"/> bytes.
/// </summary>
/// <remarks>
/// The options resolve as for <see cref="KafkaTraceExporter.Create(KafkaExporterOptions)"/>: the options set win, then the
/// environment variables, then the reference defaults; invalid options throw here, not when the stream runs.
/// The exporter-only options (<see cref="KafkaExporterOptions.ShutdownPhase"/>, <see cref="KafkaExporterOptions.Dispatcher"/>)
/// are not used: the stream stops when its source completes, so tie it to CoordinatedShutdown with a kill switch.
/// Each materialization has its own producer (or lease of the application's), accounting and meter instruments.
/// The materialized task completes with the final <see cref="ExporterStats"/> once every trace is settled; it
/// fails with the cause (for example a <see cref="KafkaProducerFatalException"/> once the restart budget is
/// spent) when the stream fails, after the traces it still held are counted as failed.
/// </remarks>
public static class KafkaTraceProducer
{
    /// <summary>
    /// A sink that sends every trace to Kafka. Materializes the final accounting, once the upstream completed and
    /// every trace is delivered, dropped or failed (<c>Pending</c> is 0).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the option and the value.</exception>
    public static Sink<Trace, Task<ExporterStats>> Sink(KafkaExporterOptions options) =>
        Build(Resolve(options), ProducerStageRole.Stream, emitOutcomes: false)
            .ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<TraceOutcome>(), Keep.Left);

    /// <summary>
    /// A flow that sends every trace to Kafka and emits its <see cref="TraceOutcome"/> (delivered with partition
    /// and offset, dropped or failed with the reason), one per trace, in the order they became known.
    /// Materializes the final accounting, as <see cref="Sink"/> does.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the option and the value.</exception>
    public static Flow<Trace, TraceOutcome, Task<ExporterStats>> Flow(KafkaExporterOptions options) =>
        Build(Resolve(options), ProducerStageRole.Stream, emitOutcomes: true);

    /// <summary>The flow with a hook on each producer it creates (tests inject fatal errors through it).</summary>
    internal static Flow<Trace, TraceOutcome, Task<ExporterStats>> Flow(KafkaExporterOptions options, Action<IClient> producerCreated) =>
        Build(Resolve(options), ProducerStageRole.Stream, emitOutcomes: true, producerCreated);

    private static KafkaExporterSettings Resolve(KafkaExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (resolved, keyName) = KafkaExporterSources.Resolve(options, KafkaExporterHocon.ProcessEnvironment(), Akka.Configuration.Config.Empty, static option => option);
        return resolved.Validate(keyName);
    }

    private static Flow<Trace, TraceOutcome, Task<ExporterStats>> Build(KafkaExporterSettings settings, ProducerStageRole role, bool emitOutcomes, Action<IClient>? producerCreated = null) =>
        AkkaFlow.Setup<Trace, TraceOutcome, Task<ExporterStats>>((materializer, _) => Materialize(settings, role, emitOutcomes, materializer, producerCreated))
            .MapMaterializedValue(static stats => stats.Unwrap());

    /// <summary>One run: its own accounting, meter, producer and restart budget.</summary>
    private static Flow<Trace, TraceOutcome, Task<ExporterStats>> Materialize(
        KafkaExporterSettings settings, ProducerStageRole role, bool emitOutcomes, ActorMaterializer materializer, Action<IClient>? producerCreated)
    {
        var time = TimeProvider.System;
        var counters = new ExporterCounters();
        var metrics = new ExporterMetrics(counters, settings.Topic, statistics: settings.StatisticsInterval is not null);
        var log = ExporterLog.For(materializer.System, $"flowtracker-kafka-producer({settings.Topic})");
        var ledger = new DeliveryLedger(counters, metrics, log, settings.Topic, time);
        var backoff = new RestartBackoff(settings.Restart, time, Random.Shared.NextDouble);
        var producers = settings.OwnsProducer
            ? ProducerLease.Owned(settings.ProducerConfig!, log, producerCreated, metrics.Statistics)
            : ProducerLease.Borrowed(settings.Producer!);
        var stage = new ProducerStage(producers, SenderOptions.From(settings, time), ledger, backoff, role, settings.MaxBufferedBytes, emitOutcomes, settings.MaxBufferedTraces);

        var encoder = new RecordEncoder(settings.MaxMessageBytes, settings.OversizedTraces);
        return AkkaFlow.Create<Trace>()
            .SelectMany(trace => Encode(trace, encoder, counters, log))
            .ViaMaterialized(AkkaFlow.FromGraph(stage), Keep.Right)
            .MapMaterializedValue(control => Conclude(control.Completion, counters, metrics));
    }

    /// <summary>
    /// Counts the trace in, and encodes it (one record, or a split trace's parts), or refuses it with its reason
    /// (counted here; the refusal passes through the stage so that its outcome comes out in turn).
    /// </summary>
    private static OutgoingRecord[] Encode(Trace trace, RecordEncoder encoder, ExporterCounters counters, ILoggingAdapter log)
    {
        counters.TryAccept(long.MaxValue);
        if (!encoder.TryEncode(trace, out var record, out var parts, out var reason, out var error, out var truncated))
        {
            counters.Dropped(reason);
            if (error is not null)
            {
                log.Warning("FlowTracker Kafka producer could not serialize a trace: {SerializationError}", error);
            }

            return [OutgoingRecord.Refusal(RecordEncoder.IdOf(trace), reason)];
        }

        // Bounded by the stage (it stops pulling at MaxBufferedBytes), so reserving cannot be refused here.
        counters.TryReserveBytes(record?.ReservedBytes ?? parts![0].Parts!.Bytes, long.MaxValue);
        counters.Encoded(parts?.Length ?? 0, truncated);
        return parts ?? [record!];
    }

    private static async Task<ExporterStats> Conclude(Task completion, ExporterCounters counters, ExporterMetrics metrics)
    {
        try
        {
            await completion.ConfigureAwait(false);
        }
        finally
        {
            // A stream stopped from outside (its materializer shut down) leaves traces of unknown outcome: Dropped(Shutdown).
            counters.Seal();
            metrics.Dispose();
        }

        return counters.Snapshot();
    }
}
