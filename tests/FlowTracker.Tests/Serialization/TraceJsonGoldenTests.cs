using System.Text;
using System.Text.Json;
using FlowTracker.Serialization;
using FlowTracker.Tests.Support;

namespace FlowTracker.Tests.Serialization;

public sealed class TraceJsonGoldenTests
{
    // The example payload of the Go exporter's README (addons/confluent-kafka/README.md).
    private const string GoReadmePayload = """
        {
          "trace_id": "trace-1700234-99",
          "spans": [
            {
              "span_id": "101",
              "name": "GET /api/checkout",
              "duration_ms": 150
            },
            {
              "span_id": "202",
              "parent_id": "101",
              "name": "DB: Process Order",
              "duration_ms": 45
            }
          ]
        }
        """;

    [Fact]
    public void GoReadmePayload_Read_HasItsFields()
    {
        var trace = TraceJson.Deserialize(GoReadmePayload);

        Assert.Equal("trace-1700234-99", trace.TraceId);
        Assert.Equal(2, trace.Spans.Count);
        Assert.Equal(new Span { SpanId = "101", Name = "GET /api/checkout", DurationMs = 150 }, trace.Spans[0]);
        Assert.Equal("101", trace.Spans[1].ParentId);
        Assert.Equal(45, trace.Spans[1].DurationMs);
    }

    // The README's payload leaves the times out; Go always writes them, so its own bytes for this
    // trace have year 1 in both (the go-readme golden file).
    [Fact]
    public void GoReadmePayload_Written_IsWhatGoWritesForIt()
    {
        var written = TraceJson.SerializeToUtf8Bytes(TraceJson.Deserialize(GoReadmePayload));

        Assert.Equal(GoldenFiles.GoBytes("go-readme"), written);
        Assert.Equal(
            """{"trace_id":"trace-1700234-99","spans":[{"span_id":"101","name":"GET /api/checkout","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":150},{"span_id":"202","parent_id":"101","name":"DB: Process Order","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":45}]}""",
            Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void FullSpan_Written_HasGoFieldOrderTimestampsAndSortedTags()
    {
        var start = new DateTimeOffset(2023, 11, 17, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_500);
        var trace = new Trace
        {
            TraceId = "t-1",
            Spans =
            [
                new Span
                {
                    SpanId = "a",
                    ParentId = "root",
                    Name = "Process Payment",
                    StartTime = start,
                    EndTime = start.AddTicks(459_000),
                    DurationMs = 45,
                    Tags = new Dictionary<string, string> { ["z"] = "last", ["currency"] = "EUR", ["a"] = "first" },
                },
            ],
        };

        Assert.Equal(
            """{"trace_id":"t-1","spans":[{"span_id":"a","parent_id":"root","name":"Process Payment","start_time":"2023-11-17T10:00:00.12345Z","end_time":"2023-11-17T10:00:00.16935Z","duration_ms":45,"tags":{"a":"first","currency":"EUR","z":"last"}}]}""",
            Encoding.UTF8.GetString(TraceJson.SerializeToUtf8Bytes(trace)));
    }

    [Theory]
    [InlineData(0L, 120, "2023-11-17T12:00:00+02:00")]
    [InlineData(1L, 120, "2023-11-17T12:00:00.0000001+02:00")]
    [InlineData(1_000_000L, -270, "2023-11-17T12:00:00.1-04:30")]
    [InlineData(9_999_999L, 0, "2023-11-17T12:00:00.9999999Z")]
    [InlineData(1_230_000L, -1, "2023-11-17T12:00:00.123-00:01")]
    public void Timestamp_Written_IsRfc3339InItsOwnOffsetWithTrailingZerosTrimmedLikeGo(long ticks, int offsetMinutes, string expected)
    {
        var time = new DateTimeOffset(2023, 11, 17, 12, 0, 0, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(ticks);
        var json = TraceJson.SerializeToString(new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", StartTime = time }] });

        Assert.Contains($"\"start_time\":\"{expected}\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2023-11-17T12:00:00.123456789+02:00", 1_234_567L, 120)]
    [InlineData("2023-11-17T10:00:00Z", 0L, 0)]
    [InlineData("2023-11-17T05:30:00.5-04:30", 5_000_000L, -270)]
    [InlineData("2023-11-17T10:00:00.000000001Z", 0L, 0)]
    public void Timestamp_WithOffsetOrNanoseconds_ReadWithItsOffsetAndTicks(string text, long expectedTicksPastTen, int offsetMinutes)
    {
        var trace = TraceJson.Deserialize($$"""{"trace_id":"t","spans":[{"span_id":"s","start_time":"{{text}}"}]}""");

        var expected = new DateTimeOffset(2023, 11, 17, 10, 0, 0, TimeSpan.Zero).AddTicks(expectedTicksPastTen);
        Assert.Equal(expected, trace.Spans[0].StartTime);
        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), trace.Spans[0].StartTime.Offset);
    }

    [Fact]
    public void GoZeroTime_Read_IsUnsetAndWrittenBackAsGoZeroTime()
    {
        var trace = TraceJson.Deserialize("""{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""");

        Assert.Equal(default, trace.Spans[0].StartTime);
        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", TraceJson.SerializeToString(trace));
    }

    [Fact]
    public void EmptyParentIdAndEmptyTags_Written_AreOmittedLikeGoOmitemptyAndUnsetTimesAreYearOne()
    {
        var span = new Span { SpanId = "s", ParentId = string.Empty, Name = "n", Tags = new Dictionary<string, string>() };

        Assert.Null(span.ParentId);
        Assert.Null(span.Tags);
        Assert.Equal("""{"trace_id":"t","spans":[{"span_id":"s","name":"n","start_time":"0001-01-01T00:00:00Z","end_time":"0001-01-01T00:00:00Z","duration_ms":0}]}""", TraceJson.SerializeToString(new Trace { TraceId = "t", Spans = [span] }));
    }

    [Fact]
    public void UnknownFieldsAndMissingOptionals_Read_AreTolerated()
    {
        var trace = TraceJson.Deserialize("""
            {"trace_id":"t","service":"checkout","spans":[{"span_id":"s","extra":{"deep":[1,2]},"name":"n"}],"version":3}
            """);

        Assert.Equal("t", trace.TraceId);
        Assert.Equal(new Span { SpanId = "s", Name = "n" }, trace.Spans[0]);
    }

    [Fact]
    public void NullSpansFromGoNilSlice_Read_IsAnEmptyList()
    {
        Assert.Empty(TraceJson.Deserialize("""{"trace_id":"t","spans":null}""").Spans);
        Assert.Single(TraceJson.Deserialize("""{"trace_id":"t","spans":[null,{"span_id":"s"}]}""").Spans);
    }

    [Fact]
    public void NonStringTagValues_Read_KeepTheirJsonText()
    {
        var trace = TraceJson.Deserialize("""{"trace_id":"t","spans":[{"span_id":"s","tags":{"n":42,"b":true,"o":{"k":"v"},"gone":null}}]}""");

        var tags = trace.Spans[0].Tags!;
        Assert.Equal("42", tags["n"]);
        Assert.Equal("true", tags["b"]);
        Assert.Equal("""{"k":"v"}""", tags["o"]);
        Assert.False(tags.ContainsKey("gone"));
    }

    [Fact]
    public void LoneSurrogatesAndNonAscii_Written_AreValidUtf8WithReplacementCharacter()
    {
        var trace = new Trace { TraceId = "t", Spans = [new Span { SpanId = "s", Name = "bad\uD800name é", Tags = new Dictionary<string, string> { ["k\uDC00"] = "v\uD83D" } }] };

        var bytes = TraceJson.SerializeToUtf8Bytes(trace);

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.Contains("name é", strict.GetString(bytes), StringComparison.Ordinal);
        var read = TraceJson.Deserialize(bytes).Spans[0];
        Assert.Equal("bad\uFFFDname é", read.Name);
        Assert.Equal("v\uFFFD", read.Tags!["k\uFFFD"]);
    }

    [Fact]
    public void NotATrace_Read_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => TraceJson.Deserialize("null"));
        Assert.ThrowsAny<JsonException>(() => TraceJson.Deserialize("""{"trace_id":"t","spans":[{"start_time":"yesterday"}]}"""));
        Assert.ThrowsAny<JsonException>(() => TraceJson.Deserialize("{"));
    }

    [Fact]
    public void TypeInfo_ComesFromTheSourceGeneratedContext()
    {
        Assert.IsType<TraceJsonContext>(TraceJson.TypeInfo.OriginatingResolver);
    }
}
