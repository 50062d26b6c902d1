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
        Assert.Equal($"  {"GET /api/checkout",-50} |{new string('█', 40)}|   100 ms", lines[1]);
        Assert.Equal($"  {"├─ Process Payment  currency=USD",-50} |{new string('█', 20)}{new string(' ', 20)}|    50 ms", lines[2]);
        Assert.Equal($"  {"└─ HTTP: Shipping Service",-50} |{new string(' ', 20)}{new string('█', 20)}|    50 ms", lines[3]);
        Assert.Equal($"  {"   └─ Calculate Weight",-50} |{new string(' ', 30)}{new string('█', 10)}|    25 ms", lines[4]);
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

    [Theory]
    [InlineData(57.6)]
    [InlineData(57.4)]
    [InlineData(57.0)]
    [InlineData(57.9999)]
    public void Render_HeaderAndRootRow_SayTheSameDuration(double rootMs)
    {
        // As the tracer writes a span: duration_ms is the exact duration truncated to whole milliseconds.
        var root = new Span { SpanId = "1", Name = "GET /api/checkout", StartTime = T0, EndTime = T0.AddTicks((long)(rootMs * TimeSpan.TicksPerMillisecond)), DurationMs = 57 };
        var trace = new Trace { TraceId = "t3", Spans = [root, Span("2", "1", "Process Payment", 0, 20)] };

        var lines = TraceTree.Render(trace).Split(Environment.NewLine);

        Assert.EndsWith(" · 57 ms", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("|    57 ms", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SpansBesideTheRoot_HeaderSaysTheWholeExtentTruncated()
    {
        // A span whose parent is not in the trace is drawn as a second root; the trace then lasts longer than either.
        var trace = new Trace { TraceId = "t4", Spans = [Span("1", null, "GET /a", 0, 10), Span("2", "gone", "late", 5, 30)] };

        var header = TraceTree.Render(trace).Split(Environment.NewLine)[0];

        Assert.Equal("trace t4 · 2 spans · 30 ms", header);
    }

    [Fact]
    public void Render_RootTagsThatRepeatItsName_AreNotDrawnAgain()
    {
        var trace = new Trace
        {
            TraceId = "t5",
            Spans =
            [
                Span("1", null, "GET /api/checkout", 0, 10, ("http.request.method", "GET"), ("http.response.status_code", "200"), ("http.route", "/api/checkout"), ("url.path", "/api/checkout")),
            ],
        };

        var row = TraceTree.Render(trace).Split(Environment.NewLine)[1];

        Assert.StartsWith($"  {"GET /api/checkout  http.response.status_code=200",-50} |", row, StringComparison.Ordinal);
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
