using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// When <see cref="RecordSender"/>'s producer is built, and what its death leads to: a rebuild after the backoff while
/// the exporter's restart budget lasts, the stage's failure once it is spent, and no rebuild at all of a producer the
/// exporter does not own. The producer itself, its generation and the sender's state stay in the sender, which reads
/// them for every record; here is only what happens once per producer.
/// </summary>
internal sealed class ProducerRestarts(
    RecordProducerFactory factory, ProducerEventQueue events, ISenderHost host, DeliveryLedger ledger, RestartBackoff backoff, SenderOptions options)
{
    /// <summary>Whether the first producer may be built now; if not (the restart budget is spent), its start is scheduled after max-backoff.</summary>
    public bool MayStartNow()
    {
        var delay = backoff.DelayBeforeStart();
        if (delay > TimeSpan.Zero)
        {
            ledger.ProducerStartDelayed(delay);
            host.ScheduleRestart(delay);
            return false;
        }

        return true;
    }

    /// <summary>Builds producer <paramref name="generation"/>.</summary>
    /// <returns>Null when it was built; else the error it died of (<paramref name="producer"/> is null then).</returns>
    public Error? TryBuild(int generation, out IRecordProducer? producer)
    {
        try
        {
            producer = factory(generation, events);
            ledger.ProducerStarted();
            return null;
        }
#pragma warning disable CA1031 // Whatever building a producer throws is that producer's death: rebuilt with backoff, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            producer = null;
            return new Error(ErrorCode.Local_Fatal, $"could not create the producer: {ex.Message}", isFatal: true);
        }
    }

    /// <summary>The exporter's own producer died of <paramref name="error"/>: its successor is scheduled after the backoff.</summary>
    /// <returns>Null when a successor comes; once the restart budget is spent, the failure to end the stage with.</returns>
    public KafkaProducerFatalException? Restart(Error error)
    {
        if (backoff.TryNext(out var delay))
        {
            ledger.ProducerRestarting(error, backoff.RecentRestarts, options.Restart.MaxRestarts, delay);
            host.ScheduleRestart(delay);
            return null;
        }

        var failure = $"the producer hit fatal error {error.Code} ({error.Reason}) after {options.Restart.MaxRestarts} restart(s) within {options.Restart.Within}; "
            + $"the exporter actor's parent decides what follows, and no producer is built sooner than {options.Restart.Max} from now.";
        ledger.ProducerGaveUp(failure);
        return new KafkaProducerFatalException(error, "Kafka exporter: " + failure);
    }

    /// <summary>Why an application's producer that died of <paramref name="error"/> is gone for good: the exporter cannot rebuild it.</summary>
    public static string NotOurs(Error error) => $"the application's producer hit fatal error {error.Code} ({error.Reason})";

    /// <summary>The application's producer is dead or disposed: the ledger says that nothing can send any more, and what to do.</summary>
    public void Gone(ErrorCode code, string reason) =>
        ledger.ProducerDead(
            $"{reason}. The exporter cannot rebuild a producer it does not own: every trace from now on fails with {code}. Create a new producer and a new exporter.");
}
