using System.Text.Json.Serialization;
using FlowTracker.Serialization;

namespace FlowTracker;

/// <summary>One step of a trace, with the same fields as the Go FlowTracker's span.</summary>
public sealed record Span
{
    private readonly string? _parentId;
    private readonly IReadOnlyDictionary<string, string>? _tags;

    /// <summary>
    /// The span's identifier (<c>span_id</c>), unique within its trace. Default: empty.
    /// <see langword="null"/> is written as <c>""</c>, as Go's field is a plain string.
    /// </summary>
    [JsonPropertyName("span_id")]
    [JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string SpanId { get; init; } = string.Empty;

    /// <summary>
    /// The parent span's identifier (<c>parent_id</c>); <see langword="null"/> for the root.
    /// An empty string is stored as <see langword="null"/> because Go omits an empty parent id
    /// (<c>omitempty</c>) and both must serialize alike. Default: <see langword="null"/>.
    /// </summary>
    [JsonPropertyName("parent_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string? ParentId
    {
        get => _parentId;
        init => _parentId = string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>
    /// What the step did, for example <c>DB: Process Order</c>. Default: empty.
    /// <see langword="null"/> is written as <c>""</c>, as Go's field is a plain string.
    /// </summary>
    [JsonPropertyName("name")]
    [JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string Name { get; init; } = string.Empty;

    /// <summary>
    /// When the step started (<c>start_time</c>), written as RFC 3339 in the value's own offset
    /// (<c>Z</c> for UTC), as Go writes a time. Default: unset (<see cref="DateTimeOffset.MinValue"/>),
    /// written as Go writes its zero time, <c>0001-01-01T00:00:00Z</c>.
    /// </summary>
    [JsonPropertyName("start_time")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset StartTime { get; init; }

    /// <summary>
    /// When the step ended (<c>end_time</c>), written as <see cref="StartTime"/> is. Default: unset,
    /// written as <c>0001-01-01T00:00:00Z</c>.
    /// </summary>
    [JsonPropertyName("end_time")]
    [JsonConverter(typeof(Rfc3339TimeConverter))]
    public DateTimeOffset EndTime { get; init; }

    /// <summary>Whole milliseconds the step took (<c>duration_ms</c>), truncated as Go does. Default: 0.</summary>
    [JsonPropertyName("duration_ms")]
    public long DurationMs { get; init; }

    /// <summary>
    /// Metadata of the step (<c>tags</c>). An empty map is stored as <see langword="null"/> and
    /// omitted, as Go does. Keys are written in the order of their UTF-8 bytes, as Go sorts map keys. A
    /// <see langword="null"/> value is written as <c>""</c>, as Go's map holds plain strings.
    /// Default: <see langword="null"/>.
    /// </summary>
    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(SortedTagsConverter))]
    public IReadOnlyDictionary<string, string>? Tags
    {
        get => _tags;
        init => _tags = value is { Count: > 0 } ? value : null;
    }
}
