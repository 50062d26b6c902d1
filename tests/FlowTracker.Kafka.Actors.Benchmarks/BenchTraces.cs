using System.Security.Cryptography;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>Traces shaped like the Go README's example: a checkout with payment, a query and a nested shipping call (~1 KB of JSON).</summary>
internal static class BenchTraces
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static Trace[] Create(int count) => Enumerable.Range(0, count).Select(Checkout).ToArray();

    public static Trace Checkout(int seed)
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string Id() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var root = Id();
        var shipping = Id();
        var t = Start.AddSeconds(seed);
        return new Trace
        {
            TraceId = traceId,
            Spans =
            [
                Span(root, null, "GET /api/checkout", t, 152, new() { ["http.status_code"] = "200", ["http.route"] = "/api/checkout", ["user.tier"] = "gold" }),
                Span(Id(), root, "Process Payment", t.AddMilliseconds(1), 41, new() { ["currency"] = "USD", ["payment.provider"] = "stripe", ["amount"] = "129.90" }),
                Span(Id(), root, "DB: Select User", t.AddMilliseconds(43), 12, new() { ["db.system"] = "postgresql", ["db.query"] = "SELECT id, name, tier FROM users WHERE id = $1" }),
                Span(shipping, root, "HTTP: Shipping Service", t.AddMilliseconds(56), 88, new() { ["http.url"] = "https://shipping.internal/api/v2/quotes", ["peer.service"] = "shipping" }),
                Span(Id(), shipping, "Calculate Weight", t.AddMilliseconds(60), 23, new() { ["items"] = "3", ["unit"] = "kg" }),
            ],
        };
    }

    /// <summary>The checkout's five spans repeated: <paramref name="spans"/> spans (a multiple of 5) in one trace, parents within each repetition.</summary>
    public static Trace Checkouts(int spans)
    {
        var parts = Enumerable.Range(0, spans / 5).Select(Checkout).ToArray();
        return parts[0] with { Spans = parts.SelectMany(static p => p.Spans).ToArray() };
    }

    private static Span Span(string id, string? parent, string name, DateTimeOffset start, int durationMs, Dictionary<string, string> tags) => new()
    {
        SpanId = id,
        ParentId = parent,
        Name = name,
        StartTime = start,
        EndTime = start.AddMilliseconds(durationMs),
        DurationMs = durationMs,
        Tags = tags,
    };
}
