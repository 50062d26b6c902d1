namespace FlowTracker.Kafka.Sample.Tests;

public sealed class TraceTreeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_NestsChildrenUnderParents_AndPlacesBarsByTimeWithinTheRoot()
    {
        var trace = new Trace
        {
            TraceId = "t1",
            Spans =
            [
                Span("1", null, "GET /api/checkout", 0, 100),
                Span("2", "1", "Process Payment", 0, 50, ("currency", "USD")),
                Span("3", "1", "HTTP: Shipping Service", 50, 100),
                Span("4", "3", "Calculate Weight", 75, 100),
            ],
        };

        var lines = TraceTree.Render(trace).TrimEnd().Split(Environment.NewLine);

        Assert.Equal("trace t1 · 4 spans · 100 ms", lines[0]);
        Assert.Equal($"  {"GET /api/checkout",-46} |{new string('█', 40)}|   100 ms", lines[1]);
        Assert.Equal($"  {"├─ Process Payment  currency=USD",-46} |{new string('█', 20)}{new string(' ', 20)}|    50 ms", lines[2]);
        Assert.Equal($"  {"└─ HTTP: Shipping Service",-46} |{new string(' ', 20)}{new string('█', 20)}|    50 ms", lines[3]);
        Assert.Equal($"  {"   └─ Calculate Weight",-46} |{new string(' ', 30)}{new string('█', 10)}|    25 ms", lines[4]);
    }

    [Fact]
    public void Render_ATinySpan_StillGetsOneBlock_AndLongNamesAreCut()
    {
        var trace = new Trace
        {
            TraceId = "t2",
            Spans = [Span("1", null, "root", 0, 1000), Span("2", "1", new string('n', 80), 500, 501)],
        };

        var child = TraceTree.Render(trace).Split(Environment.NewLine)[2];

        Assert.Contains("…", child, StringComparison.Ordinal);
        Assert.Equal(1, child.Count(c => c == '█'));
    }

    private static Span Span(string id, string? parent, string name, int fromMs, int toMs, params (string Key, string Value)[] tags) => new()
    {
        SpanId = id,
        ParentId = parent,
        Name = name,
        StartTime = T0.AddMilliseconds(fromMs),
        EndTime = T0.AddMilliseconds(toMs),
        DurationMs = toMs - fromMs,
        Tags = tags.Length == 0 ? null : tags.ToDictionary(t => t.Key, t => t.Value),
    };
}
