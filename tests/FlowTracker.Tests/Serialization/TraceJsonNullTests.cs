using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowTracker.Tests.Support;

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

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullName_Written_IsAnEmptyStringLikeGo()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", Name = null! }] };

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullTraceId_Written_IsAnEmptyStringLikeGo()
    {
        var trace = new Trace { TraceId = null!, Spans = [new Span { SpanId = "s", Name = "n" }] };

        Assert.Equal("""{"trace_id":"","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullParentId_Written_IsOmittedLikeGoOmitempty()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", ParentId = null, Name = "n" }] };

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullStrings_WrittenThroughEveryOverload_GiveTheSameBytes()
    {
        var trace = new Trace { TraceId = null!, Spans = [new Span { SpanId = null!, Name = null! }] };
        const string Expected = """{"trace_id":"","spans":[{"span_id":"","name":"","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""";

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
        Assert.Equal("""{"trace_id":"","spans":[{"span_id":"","name":"","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", Utf8(trace));
    }

    [Fact]
    public void NullTraceIdWithNullSpans_Read_IsAnEmptyString()
    {
        Assert.Equal(string.Empty, TraceJson.Deserialize("""{"trace_id":null,"spans":null}""").TraceId);
        Assert.Equal(string.Empty, TraceJson.Deserialize("""{"trace_id":null,"spans":[null]}""").TraceId);
    }

    [Fact]
    public void NullTagValue_Written_IsAnEmptyStringLikeGoMap()
    {
        // Inserted in key order and out of it: the converter writes each order its own way.
        var sorted = new Dictionary<string, string> { ["a"] = "x", ["k"] = null! };
        var unsorted = new Dictionary<string, string> { ["k"] = null!, ["a"] = "x" };
        const string Expected = """{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0,"tags":{"a":"x","k":""}}]}""";

        Assert.Equal(Expected, Utf8(new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", Name = "n", Tags = sorted }] }));
        Assert.Equal(Expected, Utf8(new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", Name = "n", Tags = unsorted }] }));
    }

    [Fact]
    public void NullTagKeyFromACustomDictionary_Written_IsAnEmptyKeyInsteadOfThrowing()
    {
        var tags = new ListedTags(new("b", "2"), new(null!, "v"), new("a", null!));
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", Name = "n", Tags = tags }] };

        var bytes = TraceJson.SerializeToUtf8Bytes(trace);

        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0,"tags":{"":"v","a":"","b":"2"}}]}""", Encoding.UTF8.GetString(bytes));
        AssertGoShape(bytes);
    }

    [Fact]
    public void NullTagValues_Written_ParseIntoTheGoShapeWithNoNullString()
    {
        var trace = new Trace
        {
            TraceId = "t",
            Spans = [new Span { SpanId = "s", Name = "n", Tags = new Dictionary<string, string> { ["z"] = null!, ["y"] = null!, ["x"] = "v" } }],
        };

        AssertGoShape(TraceJson.SerializeToUtf8Bytes(trace));
    }

    public static TheoryData<string> OddTraces() =>
        ["null spans", "null span", "extreme times", "utc minimum with an offset", "tags emptied after the span was built", "megabyte strings", "lone surrogates", "nothing set but nulls"];

    [Theory]
    [MemberData(nameof(OddTraces))]
    public void OddButBuildableTrace_Written_IsGoShapedUtf8ThroughEveryOverload(string name)
    {
        var trace = OddTrace(name);

        var bytes = TraceJson.SerializeToUtf8Bytes(trace);
        var buffer = new ArrayBufferWriter<byte>();
        TraceJson.Serialize(buffer, trace);
        var composed = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(composed, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            TraceJson.Serialize(writer, trace);
        }

        Assert.Equal(bytes, buffer.WrittenSpan.ToArray());
        Assert.Equal(bytes, composed.WrittenSpan.ToArray());
        Assert.Equal(TraceJson.SerializeToString(trace), new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
        AssertGoShape(bytes);
    }

    [Fact]
    public void NullSpansOrSpan_Written_AreNullLikeGoNilSliceAndPointer()
    {
        Assert.Equal("""{"trace_id":"t","spans":null}""", Utf8(OddTrace("null spans")));
        Assert.Equal("""{"trace_id":"t","spans":[null]}""", Utf8(OddTrace("null span")));
    }

    [Fact]
    public void TagsEmptiedAfterTheSpanWasBuilt_Written_AreOmittedLikeGoEmptyMap()
    {
        Assert.Equal(
            """{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""",
            Utf8(OddTrace("tags emptied after the span was built")));
    }

    [Fact]
    public void ExtremeTimes_Written_AreRfc3339InTheirOwnOffsetAndUnsetIsGoZeroTime()
    {
        Assert.Equal(
            """{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"9999-12-31T23:59:59.9999999Z","duration_ms":-9223372036854775808}]}""",
            Utf8(OddTrace("extreme times")));
        Assert.Equal(
            """{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T14:00:00+14:00","end_time":"0001-01-01T14:00:00.0000001+14:00","duration_ms":0}]}""",
            Utf8(OddTrace("utc minimum with an offset")));
    }

    private static Trace OddTrace(string name)
    {
        var span = new Span { SpanId = "s", Name = "n" };
        return name switch
        {
            "null spans" => new Trace { TraceId = "t", Spans = null! },
            "null span" => new Trace { TraceId = "t", Spans = [null!] },
            "extreme times" => new Trace
            {
                TraceId = "t",
                Spans = [span with { StartTime = DateTimeOffset.MinValue, EndTime = DateTimeOffset.MaxValue, DurationMs = long.MinValue }],
            },
            "utc minimum with an offset" => new Trace
            {
                TraceId = "t",
                Spans =
                [
                    span with
                    {
                        StartTime = new DateTimeOffset(new DateTime(1, 1, 1, 14, 0, 0), TimeSpan.FromHours(14)),
                        EndTime = new DateTimeOffset(new DateTime(1, 1, 1, 14, 0, 0), TimeSpan.FromHours(14)).AddTicks(1),
                    },
                ],
            },
            "tags emptied after the span was built" => EmptiedTags(span),
            "megabyte strings" => new Trace
            {
                TraceId = new string('t', 1_000_000),
                Spans =
                [
                    new Span
                    {
                        SpanId = new string('s', 1_000_000),
                        ParentId = new string('p', 1_000_000),
                        Name = new string('漢', 1_000_000),
                        Tags = new Dictionary<string, string> { [new string('k', 1_000_000)] = string.Concat(Enumerable.Repeat("🙂", 500_000)) },
                    },
                ],
            },
            "lone surrogates" => new Trace
            {
                TraceId = "\uD800",
                Spans = [new Span { SpanId = "\uDC00", ParentId = "p\uD83D", Name = "\uDE00n", Tags = new Dictionary<string, string> { ["\uD800"] = "\uDFFF" } }],
            },
            "nothing set but nulls" => new Trace
            {
                TraceId = null!,
                Spans = [new Span { SpanId = null!, ParentId = null, Name = null!, Tags = new ListedTags(new KeyValuePair<string, string>(null!, null!)) }],
            },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    // Span keeps the caller's dictionary, so it can be emptied later: the encoder looks at it when
    // writing and omits it then, as Go omits an empty map.
    private static Trace EmptiedTags(Span span)
    {
        var tags = new Dictionary<string, string> { ["k"] = "v" };
        var trace = new Trace { TraceId = "t", Spans = [span with { Tags = tags }] };
        tags.Clear();
        return trace;
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
