using System.Text;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// A trace as a record, for the exporter actor and the public stream alike: what makes a trace invalid, too
/// large or impossible to serialize is decided here once, so both count the same drop for the same trace.
/// </summary>
internal static class RecordEncoder
{
    /// <summary>
    /// The record for <paramref name="trace"/>, or <see langword="null"/> with the reason it is dropped. Never
    /// throws: whatever the caller's data throws while read or serialized is that one trace's
    /// <see cref="DropReason.SerializationError"/>, described in <paramref name="error"/>.
    /// </summary>
    public static OutgoingRecord? Encode(Trace? trace, int maxMessageBytes, out DropReason reason, out string? error)
    {
        error = null;
        try
        {
            return EncodeUnguarded(trace, maxMessageBytes, out reason);
        }
#pragma warning disable CA1031 // Whatever one trace's content throws is that trace's: counted, and the pipeline goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            reason = DropReason.SerializationError;
            error = $"{ex.GetType().Name}: {MessageOf(ex)}";
            return null;
        }
    }

    /// <summary>The trace id to report a trace by, never throwing: a trace whose id cannot be read is reported by <c>""</c>.</summary>
    public static string IdOf(Trace? trace)
    {
        try
        {
            return trace?.TraceId ?? "";
        }
#pragma warning disable CA1031 // A record type whose property throws is still reported, by an empty id.
        catch (Exception)
#pragma warning restore CA1031
        {
            return "";
        }
    }

    private static OutgoingRecord? EncodeUnguarded(Trace? trace, int maxMessageBytes, out DropReason reason)
    {
        reason = DropReason.InvalidTrace;
        if (trace is null)
        {
            return null;
        }

        var traceId = trace.TraceId;
        IReadOnlyList<Span>? spans;
        try
        {
            // Read once: a list the caller keeps changing after Export cannot change what is encoded.
            spans = trace.Spans?.ToArray();
        }
#pragma warning disable CA1031 // A span list that throws when read (or changes while read) makes that one trace invalid, nothing more.
        catch (Exception)
#pragma warning restore CA1031
        {
            spans = null;
        }

        if (string.IsNullOrWhiteSpace(traceId) || spans is null || spans.Any(static s => s is null))
        {
            return null;
        }

        var value = TraceJson.SerializeToUtf8Bytes(trace with { Spans = spans });
        var key = Encoding.UTF8.GetBytes(traceId);
        long size = key.Length + value.Length + RecordHeaders.Size;
        if (size > maxMessageBytes)
        {
            reason = DropReason.TooLarge;
            return null;
        }

        return new OutgoingRecord(key, value, size, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// The message of an exception that the caller's code (a span list or tags of its own) may have thrown: its
    /// type may be the caller's too, and reading its message may throw in turn.
    /// </summary>
    private static string MessageOf(Exception ex)
    {
        try
        {
            return ex.Message;
        }
#pragma warning disable CA1031 // A message that cannot be read is not a reason to fail the actor.
        catch (Exception)
#pragma warning restore CA1031
        {
            return "(its message could not be read)";
        }
    }
}
