namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>Traces shaped like the Go example: a request with its steps.</summary>
internal static class Traces
{
    public static Trace Checkout(string traceId, int spans = 5)
    {
        var start = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        return new Trace
        {
            TraceId = traceId,
            Spans = Enumerable.Range(0, spans).Select(i => new Span
            {
                SpanId = $"{traceId}-s{i}",
                ParentId = i == 0 ? null : $"{traceId}-s0",
                Name = i == 0 ? "GET /api/checkout" : $"step {i}",
                StartTime = start.AddMilliseconds(i),
                EndTime = start.AddMilliseconds(i + 10),
                DurationMs = 10,
                Tags = i % 2 == 0 ? null : new Dictionary<string, string> { ["currency"] = "USD" },
            }).ToArray(),
        };
    }

    /// <summary>Exports <paramref name="count"/> checkout traces with ids <c>{prefix}-{first}</c> onwards.</summary>
    public static void ExportCheckouts(this ITraceExporter exporter, string prefix, int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            exporter.Export(Checkout($"{prefix}-{i}"));
        }
    }

    /// <summary>
    /// Every record's value is the exact JSON of the checkout trace its key names: values share native slabs (and
    /// the spool's pages) until their record settles, and bytes reused too early would sit under a right key.
    /// </summary>
    public static void AssertValuesAreTheirCheckouts(IEnumerable<FlowTracker.Kafka.Testing.KafkaRecord> records)
    {
        var wrong = records.Where(r => !TraceJson.SerializeToUtf8Bytes(Checkout(r.KeyText!)).AsSpan().SequenceEqual(r.Value)).Select(r => r.KeyText).ToList();
        Xunit.Assert.True(wrong.Count == 0, $"{wrong.Count} records whose value is not their trace's JSON (first 20): {string.Join(", ", wrong.Take(20))}");
    }
}
