using Akka.Streams.Supervision;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// How the producer stage classifies Kafka errors, as an Akka.Streams supervision <see cref="Decider"/>:
/// <see cref="Directive.Restart"/> rebuilds the producer (after the backoff) and sends again every record
/// whose outcome is unknown; <see cref="Directive.Resume"/> fails that one record with its error code and
/// goes on; <see cref="Directive.Stop"/> fails the stage, handing the records it held to whoever ran it.
/// </summary>
/// <remarks>
/// Retriable errors never reach the decider: librdkafka retries them itself until <c>message.timeout.ms</c>,
/// after which the record's report carries <c>Local_MsgTimedOut</c> (resumed: that record failed).
/// </remarks>
internal static class ProducerDecider
{
    /// <summary>
    /// Codes that mean the producer itself is beyond use: librdkafka raises them as fatal errors of an
    /// idempotent producer (sequence desynchronisation, a lost producer id, fencing, a missing
    /// IdempotentWrite permission), and no later record of that producer can succeed.
    /// </summary>
    private static readonly HashSet<ErrorCode> FatalCodes =
    [
        ErrorCode.Local_Fatal,
        ErrorCode.Local_Inconsistent,
        ErrorCode.Local_GaplessGuarantee,
        ErrorCode.Local_Fenced,
        ErrorCode.OutOfOrderSequenceNumber,
        ErrorCode.UnknownProducerId,
        ErrorCode.InvalidProducerEpoch,
        ErrorCode.InvalidProducerIdMapping,
        ErrorCode.ProducerFenced,
        ErrorCode.TransactionalIdAuthorizationFailed,
        ErrorCode.ClusterAuthorizationFailed,
    ];

    /// <summary>
    /// Broker codes that <c>Produce</c> itself returns for a topic in a permanent error state (librdkafka's
    /// topic metadata said so), or for a record it refuses: permanent for those records, the producer is fine.
    /// </summary>
    private static readonly HashSet<ErrorCode> RecordOrTopicCodes =
    [
        ErrorCode.UnknownTopicOrPart,
        ErrorCode.TopicException,
        ErrorCode.TopicAuthorizationFailed,
        ErrorCode.MsgSizeTooLarge,
        ErrorCode.RecordListTooLarge,
        ErrorCode.InvalidRecord,
        ErrorCode.InvalidMsgSize,
        ErrorCode.InvalidMsg,
        ErrorCode.UnknownTopicId,
        ErrorCode.PolicyViolation,
        ErrorCode.InvalidTimestamp,
    ];

    /// <summary>
    /// The default classification: fatal producer errors restart, everything else (authorization or an
    /// invalid or unknown topic, a record too large, a record that timed out) fails that record and goes on.
    /// </summary>
    public static Decider Default { get; } = cause => cause switch
    {
        KafkaException { Error: var error } when IsFatal(error) => Directive.Restart,
        _ => Directive.Resume,
    };

    /// <summary>Whether an error means the producer that raised it is dead.</summary>
    public static bool IsFatal(Error error) => error.IsFatal || FatalCodes.Contains(error.Code);

    /// <summary>
    /// What an exception thrown by <c>Produce</c> means. A producer in a fatal state refuses every record
    /// with the fatal error's underlying broker code, without the fatal flag (librdkafka's produce returns the
    /// code, Confluent.Kafka flags only <c>Local_Fatal</c>); <c>Produce</c> returns no other broker code than
    /// those of a topic in error or a refused record. So a broker code outside those is marked fatal here.
    /// </summary>
    public static Exception FromProduce(Exception thrown) =>
        thrown is KafkaException { Error: { IsFatal: false, Code: > 0 } error } && !RecordOrTopicCodes.Contains(error.Code)
            ? new KafkaException(new Error(error.Code, error.Reason, isFatal: true))
            : thrown;

    /// <summary>The code a record is failed with when the decider resumes past an exception.</summary>
    public static ErrorCode CodeOf(Exception cause) => cause is KafkaException k ? k.Error.Code : ErrorCode.Local_Application;

    /// <summary>What <paramref name="decider"/> decides for <paramref name="cause"/>.</summary>
    public static Directive Decide(Decider decider, Exception cause)
    {
        try
        {
            return decider(cause);
        }
#pragma warning disable CA1031 // A decider that throws decides nothing: the record is failed, never the stream.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Directive.Resume;
        }
    }

    /// <summary>The error a producer died of when <paramref name="cause"/> killed it.</summary>
    public static Error ErrorOf(Exception cause) =>
        cause is KafkaException k ? k.Error : new Error(ErrorCode.Local_Fatal, cause.Message, isFatal: true);
}
