using System.Buffers;
using System.Text;
using FlowTracker.Serialization;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>
/// A trace as records, for the exporter actor and the public stream alike: what makes a trace invalid, too large
/// or impossible to serialize is decided here once, so both count the same drop for the same trace. A trace over
/// the size limit is split into parts (or truncated, or dropped) as <see cref="OversizedTraces"/> says. One
/// instance per user thread (the actor, a stream's stage): the encoding buffer is reused, so a trace costs its
/// record's bytes and little else.
/// </summary>
internal sealed class RecordEncoder(int maxMessageBytes, OversizedTraces oversized)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private readonly RecordArena _arena = new();
    private int[] _spanEnds = new int[64];

    /// <summary>
    /// The records for <paramref name="trace"/>: one <paramref name="record"/>, or several <paramref name="parts"/>
    /// (a split trace); false with the <paramref name="reason"/> it is dropped. Never throws: whatever the caller's
    /// data throws while read or serialized is that one trace's <see cref="DropReason.SerializationError"/>,
    /// described in <paramref name="error"/>. <paramref name="truncatedSpans"/> counts spans whose tags were cut.
    /// </summary>
    public bool TryEncode(Trace? trace, out OutgoingRecord? record, out OutgoingRecord[]? parts, out DropReason reason, out string? error, out int truncatedSpans)
    {
        record = null;
        parts = null;
        error = null;
        truncatedSpans = 0;
        try
        {
            return TryEncodeUnguarded(trace, ref record, ref parts, out reason, ref truncatedSpans);
        }
#pragma warning disable CA1031 // Whatever one trace's content throws is that trace's: counted, and the pipeline goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            record = null;
            parts = null;
            reason = DropReason.SerializationError;
            error = $"{ex.GetType().Name}: {MessageOf(ex)}";
            return false;
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

    private bool TryEncodeUnguarded(Trace? trace, ref OutgoingRecord? record, ref OutgoingRecord[]? parts, out DropReason reason, ref int truncatedSpans)
    {
        reason = DropReason.InvalidTrace;
        if (trace is null)
        {
            return false;
        }

        var traceId = trace.TraceId;
        Span[]? spans;
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

        if (string.IsNullOrWhiteSpace(traceId) || spans is null || Array.Exists(spans, static s => s is null))
        {
            return false;
        }

        var snapshot = trace with { Spans = spans };
        var key = new RecordKey(traceId, Encoding.UTF8.GetByteCount(traceId));
        var length = EncodeWhole(snapshot, out var spansStart);
        long size = key.Length + length + RecordHeaders.Size;
        var acceptedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        if (size <= maxMessageBytes)
        {
            record = Whole(key, size, acceptedAt);
            return true;
        }

        reason = DropReason.TooLarge;
        if (oversized == OversizedTraces.Drop || spans.Length == 0)
        {
            return false;
        }

        if (oversized == OversizedTraces.Truncate && TruncateOversizedSpans(snapshot, spans, key.Length, ref truncatedSpans))
        {
            length = EncodeWhole(snapshot, out spansStart);
            if (key.Length + length + RecordHeaders.Size <= maxMessageBytes)
            {
                // Truncation made the trace fit one record: sent whole, without part headers, and not counted as split.
                record = Whole(key, key.Length + length + RecordHeaders.Size, acceptedAt);
                return true;
            }
        }

        // Every part carries the trace's opening ({"trace_id":…,"spans":[), its key, its headers and the closing ]}.
        if (PackWithHeaders(spans.Length, spansStart, key.Length + RecordHeaders.Size + spansStart + 2, out var overhead) is not { } runs)
        {
            return false;
        }

        // Never one run: a run carries more than the whole document, which did not fit.
        parts = Cut(runs, key, spansStart, overhead, acceptedAt);
        return true;
    }

    /// <summary>The whole encoding as one record, its value copied out of the reused buffer into the arena.</summary>
    private OutgoingRecord Whole(RecordKey key, long size, long acceptedAt)
    {
        var written = _buffer.WrittenSpan;
        var (keyBytes, value) = Room(key, written.Length, out var destination, out var slab);
        written.CopyTo(destination);
        return new OutgoingRecord(keyBytes, value, size + OutgoingRecord.BookkeepingBytes, acceptedAt) { Slab = slab };
    }

    /// <summary>
    /// Room for a record's key (written here) and its value (for the caller to write into <paramref name="valueDestination"/>):
    /// side by side in the arena's slab, or, for a value the arena gives an array of its own, a key array apart, so that
    /// the large value goes to Produce as it is instead of being copied out of a shared array.
    /// </summary>
    private (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value) Room(RecordKey key, int valueLength, out Span<byte> valueDestination, out RecordSlab? slab)
    {
        if (key.Length + valueLength > RecordArena.LargestPacked)
        {
            var own = _arena.Take(valueLength, out valueDestination, out slab);
            return (Encoding.UTF8.GetBytes(key.TraceId), own);
        }

        var bytes = _arena.Take(key.Length + valueLength, out var destination, out slab);
        Encoding.UTF8.GetBytes(key.TraceId, destination);
        valueDestination = destination[key.Length..];
        return (bytes[..key.Length], bytes[key.Length..]);
    }

    private int EncodeWhole(Trace snapshot, out int spansStart)
    {
        var count = snapshot.Spans!.Count;
        if (_spanEnds.Length < count)
        {
            _spanEnds = new int[Math.Max(count, _spanEnds.Length * 2)];
        }

        _buffer.ResetWrittenCount();
        return TraceEncoder.EncodeWithSpanEnds(_buffer, snapshot, _spanEnds, out spansStart);
    }

    private int SpanStart(int index, int spansStart) => index == 0 ? spansStart : _spanEnds[index - 1] + 1;

    /// <summary>
    /// <see cref="Pack"/> with the part headers' size for the number of parts it comes to: their values are that many
    /// digits, and reserving ten for each (as the headers' most) dropped traces whose parts fit and left room unused.
    /// </summary>
    private List<(int First, int Count)>? PackWithHeaders(int spanCount, int spansStart, int overheadWithoutParts, out int overhead)
    {
        var assumed = 1;
        while (true)
        {
            overhead = overheadWithoutParts + RecordHeaders.PartsSizeFor(assumed);
            if (Pack(spanCount, spansStart, overhead) is not { } runs)
            {
                return null;
            }

            // More parts than assumed digits can count: packed again with wider headers, which gives at least as many parts.
            if (RecordHeaders.Digits(runs.Count) <= RecordHeaders.Digits(assumed))
            {
                return runs;
            }

            assumed = runs.Count;
        }
    }

    /// <summary>Runs of spans (first, count), in order, each part under the limit; null when one span alone is over it.</summary>
    private List<(int First, int Count)>? Pack(int spanCount, int spansStart, int overhead)
    {
        var runs = new List<(int First, int Count)>();
        var first = 0;
        while (first < spanCount)
        {
            if (overhead + (_spanEnds[first] - SpanStart(first, spansStart)) > maxMessageBytes)
            {
                return null;
            }

            var last = first;
            while (last + 1 < spanCount && overhead + (_spanEnds[last + 1] - SpanStart(first, spansStart)) <= maxMessageBytes)
            {
                last++;
            }

            runs.Add((first, last - first + 1));
            first = last + 1;
        }

        return runs;
    }

    /// <summary>Each part's document is the whole one's opening, the run's bytes as written (commas included), and <c>]}</c>.</summary>
    private OutgoingRecord[] Cut(List<(int First, int Count)> runs, RecordKey key, int spansStart, int overhead, long acceptedAt)
    {
        var written = _buffer.WrittenSpan;
        var parts = new OutgoingRecord[runs.Count];
        var sizes = new long[runs.Count];
        long total = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            var (first, count) = runs[i];
            var from = SpanStart(first, spansStart);
            var to = _spanEnds[first + count - 1];
            sizes[i] = overhead + (to - from) + OutgoingRecord.BookkeepingBytes;
            total += sizes[i];
        }

        var trace = new TraceParts(runs.Count, total);
        for (var i = 0; i < runs.Count; i++)
        {
            var (first, count) = runs[i];
            var from = SpanStart(first, spansStart);
            var to = _spanEnds[first + count - 1];
            // Each part its own key: a part settles (and frees its room) on its own.
            var (keyBytes, value) = Room(key, spansStart + (to - from) + 2, out var destination, out var slab);
            written[..spansStart].CopyTo(destination);
            written[from..to].CopyTo(destination[spansStart..]);
            "]}"u8.CopyTo(destination[(spansStart + (to - from))..]);
            parts[i] = new OutgoingRecord(keyBytes, value, sizes[i], acceptedAt) { Parts = trace, PartIndex = i, Slab = slab };
        }

        return parts;
    }

    /// <summary>
    /// Cuts the longest tag values of every span that alone cannot fit a part (each cut value ends with the marker)
    /// until it fits; true when any span was cut. A span that still cannot fit is left as it is (the trace is then dropped).
    /// </summary>
    private bool TruncateOversizedSpans(Trace snapshot, Span[] spans, int keyLength, ref int truncatedSpans)
    {
        // A span goes in a part, with part headers for at most as many parts as spans; a trace of one span goes whole.
        var budget = maxMessageBytes - keyLength - RecordHeaders.Size - (spans.Length == 1 ? 0 : RecordHeaders.PartsSizeFor(spans.Length));
        var cut = false;
        for (var i = 0; i < spans.Length; i++)
        {
            if (SingleSpanLength(snapshot, spans[i]) <= budget || Truncated(snapshot, spans[i], budget) is not { } shorter)
            {
                continue;
            }

            spans[i] = shorter;
            truncatedSpans++;
            cut = true;
        }

        return cut;
    }

    private Span? Truncated(Trace snapshot, Span span, int budget)
    {
        if (span.Tags is not { Count: > 0 } original)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(original.Count, StringComparer.Ordinal);
        foreach (var (name, value) in original)
        {
            tags[name] = value ?? "";
        }

        // Longest first, each cut to the most of it that fits with the others as they are; a value cut to the marker alone
        // and the span still over means the next longest goes too.
        var exhausted = new HashSet<string>(StringComparer.Ordinal);
        while (SingleSpanLength(snapshot, span with { Tags = tags }) > budget)
        {
            string? longest = null;
            var text = "";
            foreach (var (name, value) in tags)
            {
                if (!exhausted.Contains(name) && value.Length > TruncationMarker.Length && value.Length > text.Length)
                {
                    (longest, text) = (name, value);
                }
            }

            if (longest is null)
            {
                // Nothing left to cut: the span is too large for other reasons (its name, its ids, many short tags).
                return null;
            }

            // The most characters kept, found by halving: a character is 1 to 6 bytes once encoded (escapes, UTF-8), so
            // the excess in bytes says little of how many characters to cut.
            int kept = -1, low = 0, high = text.Length - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                tags[longest] = Cut(text, middle);
                if (SingleSpanLength(snapshot, span with { Tags = tags }) <= budget)
                {
                    kept = middle;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            tags[longest] = Cut(text, Math.Max(kept, 0));
            exhausted.Add(longest);
        }

        // The dictionary is this method's own: the span returned may keep it.
        return span with { Tags = tags };
    }

    /// <summary>The first <paramref name="keep"/> characters (one fewer rather than half a surrogate pair) and the marker.</summary>
    private static string Cut(string text, int keep)
    {
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), TruncationMarker);
    }

    /// <summary>The length of the document holding the trace with only <paramref name="span"/>.</summary>
    private int SingleSpanLength(Trace snapshot, Span span)
    {
        _scratch.ResetWrittenCount();
        return TraceEncoder.Encode(_scratch, snapshot with { Spans = [span] });
    }

    /// <summary>What ends a tag value the exporter cut to make its span fit a record.</summary>
    internal const string TruncationMarker = "…[truncated]";

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

    /// <summary>The record key (the trace id's UTF-8), written into each record's own room next to its value.</summary>
    private readonly record struct RecordKey(string TraceId, int Length);
}
