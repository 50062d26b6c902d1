using System.Buffers;

namespace FlowTracker.Serialization;

/// <summary>
/// Writes traces as the bytes Go's <c>json.Marshal</c> writes for the same trace (Go 1.24): fields in
/// the Go struct's order, <c>parent_id</c> and <c>tags</c> omitted when empty, start and end times
/// always written (unset is Go's zero time), strings escaped as <see cref="GoString"/> says, tag keys
/// in <see cref="GoKeyOrder"/>. Straight into the destination, with no allocation per trace.
/// </summary>
/// <remarks>
/// For an exporter that packs spans into records under a byte limit: <see cref="EncodeSpans"/> writes
/// a contiguous range of a trace's spans as a trace of its own, and <see cref="EncodeWithSpanEnds"/>
/// writes the whole trace and tells where each span ends. A range's document is exactly the whole
/// document's bytes up to <c>spansStart</c>, then the range's bytes, then <c>]}</c>, so parts can be
/// cut from one encoding without writing any span twice.
/// </remarks>
internal static class TraceEncoder
{
    // ,"start_time":"…",  ,"end_time":"…",  ,"duration_ms":-9223372036854775808
    private const int MaxTimesAndDurationLength = 14 + GoTime.MaxQuotedLength + 12 + GoTime.MaxQuotedLength + 15 + 20;

    /// <summary>Writes the trace; returns the number of bytes written.</summary>
    public static int Encode(IBufferWriter<byte> destination, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(trace);
        return Write(destination, trace, 0, trace.Spans?.Count ?? 0, default, out _);
    }

    /// <summary>
    /// Writes a trace document holding only the spans <c>[start, start + count)</c> of
    /// <paramref name="trace"/>, in order: what Go writes for the same trace with that slice of spans.
    /// Returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">The trace's spans are null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not within the spans.</exception>
    public static int EncodeSpans(IBufferWriter<byte> destination, Trace trace, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(trace);
        var spans = trace.Spans ?? throw new ArgumentException("The trace has no span list.", nameof(trace));
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, spans.Count - start);
        return Write(destination, trace, start, count, default, out _);
    }

    /// <summary>
    /// Writes the whole trace, recording in <paramref name="spanEnds"/>[i] the offset, from the first
    /// byte written, just past span i's closing brace. Span 0 starts at <paramref name="spansStart"/>
    /// and span i at <c>spanEnds[i - 1] + 1</c>, after the comma; the document ends with <c>]}</c>.
    /// Returns the number of bytes written.
    /// </summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="trace">The trace.</param>
    /// <param name="spanEnds">At least as long as the trace's spans.</param>
    /// <param name="spansStart">The length of <c>{"trace_id":…,"spans":[</c>; -1 when the spans are null (<c>"spans":null</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="spanEnds"/> is shorter than the spans.</exception>
    public static int EncodeWithSpanEnds(IBufferWriter<byte> destination, Trace trace, Span<int> spanEnds, out int spansStart)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(trace);
        var count = trace.Spans?.Count ?? 0;
        if (spanEnds.Length < count)
        {
            throw new ArgumentException($"Room for {spanEnds.Length} span ends where the trace has {count} spans.", nameof(spanEnds));
        }

        return Write(destination, trace, 0, count, spanEnds[..count], out spansStart);
    }

    private static int Write(IBufferWriter<byte> destination, Trace trace, int start, int count, Span<int> spanEnds, out int spansStart)
    {
        var output = new Utf8Output(destination);
        output.Write("{\"trace_id\":"u8);
        GoString.Write(ref output, trace.TraceId);

        var spans = trace.Spans;
        if (spans is null)
        {
            // Go's nil slice.
            output.Write(",\"spans\":null}"u8);
            spansStart = -1;
        }
        else
        {
            output.Write(",\"spans\":["u8);
            spansStart = output.Written;
            var minutes = new GoTime.MinuteCache();
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    output.Write((byte)',');
                }

                WriteSpan(ref output, spans[start + i], ref minutes);
                if (!spanEnds.IsEmpty)
                {
                    spanEnds[i] = output.Written;
                }
            }

            output.Write("]}"u8);
        }

        output.Flush();
        return output.Written;
    }

    private static void WriteSpan(ref Utf8Output output, Span? span, ref GoTime.MinuteCache minutes)
    {
        if (span is null)
        {
            // Go's nil *Span.
            output.Write("null"u8);
            return;
        }

        output.Write("{\"span_id\":"u8);
        GoString.Write(ref output, span.SpanId);
        if (!string.IsNullOrEmpty(span.ParentId))
        {
            output.Write(",\"parent_id\":"u8);
            GoString.Write(ref output, span.ParentId);
        }

        output.Write(",\"name\":"u8);
        GoString.Write(ref output, span.Name);
        output.Advance(WriteTimesAndDuration(span, output.Reserve(MaxTimesAndDurationLength), ref minutes));
        GoTags.Write(ref output, span.Tags, ",\"tags\":"u8);
        output.Write((byte)'}');
    }

    private static int WriteTimesAndDuration(Span span, System.Span<byte> destination, ref GoTime.MinuteCache minutes)
    {
        ",\"start_time\":"u8.CopyTo(destination);
        var written = 14;
        written += GoTime.WriteQuoted(span.StartTime, destination[written..], ref minutes);
        ",\"end_time\":"u8.CopyTo(destination[written..]);
        written += 12;
        written += GoTime.WriteQuoted(span.EndTime, destination[written..], ref minutes);
        ",\"duration_ms\":"u8.CopyTo(destination[written..]);
        written += 15;
        span.DurationMs.TryFormat(destination[written..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        return written + digits;
    }
}
