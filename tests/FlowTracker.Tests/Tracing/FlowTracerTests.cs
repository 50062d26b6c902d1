using System.Diagnostics;
using FlowTracker.Tests.Support;

namespace FlowTracker.Tests.Tracing;

[Collection(ActivityListenerCollection.Name)]
public sealed class FlowTracerTests
{
    [Fact]
    public async Task NestedSpansAcrossAwaits_RootEnds_OneTraceWithParentLinksAndTags()
    {
        var exporter = new CollectingExporter();
        using var tracer = new FlowTracer([exporter]);

        using (Flow.StartSpan("GET /api/checkout"))
        {
            await Task.Yield();
            using (Flow.StartSpan("HTTP: Shipping Service"))
            {
                Flow.AddTag("carrier", "dhl");
                await Task.Delay(1);
                using (Flow.StartSpan("Calculate Weight"))
                {
                    await Task.Yield();
                    Flow.AddTag("kg", "2.5");
                }
            }

            using (Flow.StartSpan("DB: Select User"))
            {
                Flow.AddTag("db.query", "SELECT 1");
            }
        }

        var trace = Assert.Single(await exporter.WaitForAsync(1));
        Assert.Equal(32, trace.TraceId.Length);
        Assert.Equal(["GET /api/checkout", "HTTP: Shipping Service", "Calculate Weight", "DB: Select User"], trace.Spans.Select(s => s.Name));
        var (root, shipping, weight, db) = (trace.Spans[0], trace.Spans[1], trace.Spans[2], trace.Spans[3]);
        Assert.Null(root.ParentId);
        Assert.Equal(root.SpanId, shipping.ParentId);
        Assert.Equal(shipping.SpanId, weight.ParentId);
        Assert.Equal(root.SpanId, db.ParentId);
        Assert.Equal("dhl", shipping.Tags!["carrier"]);
        Assert.Equal("2.5", weight.Tags!["kg"]);
        Assert.Equal("SELECT 1", db.Tags!["db.query"]);
        Assert.All(trace.Spans, s => Assert.True(s.EndTime >= s.StartTime));
        Assert.True(shipping.DurationMs >= 1);
    }

    [Fact]
    public void AddTag_OutsideAnySpan_DoesNothing()
    {
        var exporter = new CollectingExporter();
        using var tracer = new FlowTracer([exporter]);

        Flow.AddTag("lost", "value");

        Assert.Null(Activity.Current);
        Assert.Empty(exporter.Traces);
    }

    [Fact]
    public void ThrowingExporter_TraceExported_NextExporterStillReceivesIt()
    {
        var failures = new List<(ITraceExporter, Exception)>();
        var throwing = new ThrowingExporter();
        var collecting = new CollectingExporter();
        var options = new FlowTracerOptions { OnExporterError = (e, _, ex) => failures.Add((e, ex)) };
        using var tracer = new FlowTracer([throwing, collecting], options);

        using (Flow.StartSpan("root"))
        {
        }

        Assert.Single(collecting.Traces);
        var (failed, error) = Assert.Single(failures);
        Assert.Same(throwing, failed);
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public async Task ConcurrentRoots_EachEnds_UniqueTraceAndSpanIdsAndNoSpanInTheWrongTrace()
    {
        const int roots = 500;
        var exporter = new CollectingExporter();
        using var tracer = new FlowTracer([exporter]);

        await Parallel.ForAsync(0, roots, async (i, _) =>
        {
            using var root = Flow.StartSpan($"root {i}");
            await Task.Yield();
            using (Flow.StartSpan($"child {i}"))
            {
                await Task.Yield();
            }
        });

        var traces = await exporter.WaitForAsync(roots);
        Assert.Equal(roots, traces.Count);
        Assert.Equal(roots, traces.Select(t => t.TraceId).Distinct().Count());
        Assert.Equal(roots * 2, traces.SelectMany(t => t.Spans).Select(s => s.SpanId).Distinct().Count());
        Assert.All(traces, t =>
        {
            var number = t.Spans[0].Name["root ".Length..];
            Assert.Equal($"child {number}", Assert.Single(t.Spans.Skip(1)).Name);
            Assert.Equal(t.Spans[0].SpanId, t.Spans[1].ParentId);
        });
    }

    [Fact]
    public void AdditionalSource_OptedIn_RecordedInsideATraceButNeverAsARoot()
    {
        using var other = new ActivitySource("FlowTracker.Tests.Other");
        var exporter = new CollectingExporter();
        var options = new FlowTracerOptions();
        options.AdditionalSources.Add(other.Name);
        using var tracer = new FlowTracer([exporter], options);

        using (other.StartActivity("outside"))
        {
        }

        using (Flow.StartSpan("root"))
        {
            using var call = other.StartActivity("GET https://example");
            Assert.NotNull(call);
        }

        var trace = Assert.Single(exporter.Traces);
        Assert.Equal(["root", "GET https://example"], trace.Spans.Select(s => s.Name));
        Assert.Equal(trace.Spans[0].SpanId, trace.Spans[1].ParentId);
    }

    [Fact]
    public void UnrecordedActivityBetweenSpans_ChildLinksToNearestRecordedAncestor()
    {
        using var unrelated = new ActivitySource("FlowTracker.Tests.Unrelated");
        using var unrelatedListener = new ActivityListener
        {
            ShouldListenTo = s => s == unrelated,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(unrelatedListener);
        var exporter = new CollectingExporter();
        using var tracer = new FlowTracer([exporter]);

        using (Flow.StartSpan("root"))
        {
            using (unrelated.StartActivity("framework internals"))
            {
                using (Flow.StartSpan("inner"))
                {
                }
            }
        }

        var trace = Assert.Single(exporter.Traces);
        Assert.Equal(["root", "inner"], trace.Spans.Select(s => s.Name));
        Assert.Equal(trace.Spans[0].SpanId, trace.Spans[1].ParentId);
    }

    [Fact]
    public void SpanEndingAfterItsRoot_IsNotAddedToTheExportedTrace()
    {
        var exporter = new CollectingExporter();
        using var tracer = new FlowTracer([exporter]);

        var root = Flow.StartSpan("root")!;
        var late = Flow.StartSpan("late")!;
        Activity.Current = root;
        root.Stop();
        late.Stop();

        var trace = Assert.Single(exporter.Traces);
        Assert.Equal(["root"], trace.Spans.Select(s => s.Name));
    }

    [Fact]
    public void DisposedTracer_StopsRecording()
    {
        var exporter = new CollectingExporter();
        var tracer = new FlowTracer([exporter]);
        tracer.Dispose();

        using (Flow.StartSpan("root"))
        {
        }

        Assert.Empty(exporter.Traces);
    }

    private sealed class ThrowingExporter : ITraceExporter
    {
        public void Export(Trace trace) => throw new InvalidOperationException("exporter is broken");
    }
}
