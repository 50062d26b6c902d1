using System.Buffers;
using System.Text;
using System.Text.Json;
using FlowTracker.Serialization;

namespace FlowTracker.Tests.Serialization;

// Go's trace fields are plain strings and map[string]string: they can never be null in Go's
// output, and a consumer that checks the Go schema rejects a record that has one.
public sealed class TraceJsonNullTests
{
    private static readonly string[] GoSpanFields = ["span_id", "parent_id", "name", "start_time", "end_time", "duration_ms", "tags"];

    [Fact]
    public void NullSpanId_Written_IsAnEmptyStringLikeGo()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = null!, Name = "n" }] };

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"","name":"n","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullName_Written_IsAnEmptyStringLikeGo()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", Name = null! }] };

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullTraceId_Written_IsAnEmptyStringLikeGo()
    {
        var trace = new Trace { TraceId = null!, Spans = [new Span { SpanId = "s", Name = "n" }] };

        Assert.Equal("""{"trace_id":"","spans":[{"span_id":"s","name":"n","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullParentId_Written_IsOmittedLikeGoOmitempty()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", ParentId = null, Name = "n" }] };

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"n","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullStrings_WrittenThroughEveryOverload_GiveTheSameBytes()
    {
        var trace = new Trace { TraceId = null!, Spans = [new Span { SpanId = null!, Name = null! }] };
        const string Expected = """{"trace_id":"","spans":[{"span_id":"","name":"","duration_ms":0}]}""";

        var buffer = new ArrayBufferWriter<byte>();
        TraceJson.Serialize(buffer, trace);
        var composed = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(composed))
        {
            TraceJson.Serialize(writer, trace);
        }

        Assert.Equal(Expected, Utf8(trace));
        Assert.Equal(Expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(Expected, Encoding.UTF8.GetString(composed.WrittenSpan));
        Assert.Equal(Expected, TraceJson.SerializeToString(trace));
    }

    [Fact]
    public void NullStrings_Written_ParseIntoTheGoShapeWithNoNullString()
    {
        var trace = new Trace
        {
            TraceId = null!,
            Spans = [new Span { SpanId = null!, Name = null! }, new Span { SpanId = "b", ParentId = null, Name = null! }],
        };

        AssertGoShape(TraceJson.SerializeToUtf8Bytes(trace));
    }

    [Fact]
    public void NullStrings_Read_AreEmptyStringsLikeGoAndWrittenBackAsEmpty()
    {
        var trace = TraceJson.Deserialize("""{"trace_id":null,"spans":[{"span_id":null,"parent_id":null,"name":null}]}""");

        Assert.Equal(string.Empty, trace.TraceId);
        Assert.Equal(new Span(), trace.Spans[0]);
        Assert.Equal("""{"trace_id":"","spans":[{"span_id":"","name":"","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullTraceIdWithNullSpans_Read_IsAnEmptyString()
    {
        Assert.Equal(string.Empty, TraceJson.Deserialize("""{"trace_id":null,"spans":null}""").TraceId);
        Assert.Equal(string.Empty, TraceJson.Deserialize("""{"trace_id":null,"spans":[null]}""").TraceId);
    }

    private static string Utf8(Trace trace) => Encoding.UTF8.GetString(TraceJson.SerializeToUtf8Bytes(trace));

    // The shape Go's encoding/json gives its Trace: strings are always strings, parent_id and tags
    // are present only when non-empty, and a nil []*Span or *Span element is the one place for null.
    private static void AssertGoShape(byte[] utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(["trace_id", "spans"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, root.GetProperty("trace_id").ValueKind);

        var spans = root.GetProperty("spans");
        if (spans.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        Assert.Equal(JsonValueKind.Array, spans.ValueKind);
        foreach (var span in spans.EnumerateArray().Where(s => s.ValueKind != JsonValueKind.Null))
        {
            Assert.All(span.EnumerateObject(), p => Assert.Contains(p.Name, GoSpanFields));
            Assert.Equal(JsonValueKind.String, span.GetProperty("span_id").ValueKind);
            Assert.Equal(JsonValueKind.String, span.GetProperty("name").ValueKind);
            Assert.True(span.GetProperty("duration_ms").TryGetInt64(out _));
            if (span.TryGetProperty("parent_id", out var parentId))
            {
                Assert.Equal(JsonValueKind.String, parentId.ValueKind);
                Assert.NotEqual(string.Empty, parentId.GetString());
            }

            foreach (var time in new[] { "start_time", "end_time" })
            {
                if (span.TryGetProperty(time, out var value))
                {
                    Assert.True(value.TryGetDateTimeOffset(out _), $"{time} is not RFC 3339: {value}");
                }
            }

            if (span.TryGetProperty("tags", out var tags))
            {
                Assert.Equal(JsonValueKind.Object, tags.ValueKind);
                Assert.All(tags.EnumerateObject(), tag => Assert.Equal(JsonValueKind.String, tag.Value.ValueKind));
            }
        }
    }
}
