using System.Text.Json.Serialization;
using FlowTracker.Serialization;

namespace FlowTracker;

/// <summary>
/// One request's flow: a flat list of spans linked by <see cref="Span.ParentId"/>.
/// Serialized as the Go FlowTracker's JSON (see <see cref="TraceJson"/>).
/// </summary>
public sealed record Trace
{
    /// <summary>
    /// The trace's identifier (<c>trace_id</c>). Exporters use it as the record key, so every
    /// record of one trace lands on the same Kafka partition. Default: empty (an invalid trace).
    /// <see langword="null"/> is written as <c>""</c>, as Go's field is a plain string.
    /// </summary>
    [JsonPropertyName("trace_id")]
    [JsonConverter(typeof(NullAsEmptyStringConverter))]
    public string TraceId { get; init; } = string.Empty;

    /// <summary>
    /// The spans of the trace (<c>spans</c>), root first when produced by the tracer.
    /// Default: an empty list.
    /// </summary>
    [JsonPropertyName("spans")]
    public IReadOnlyList<Span> Spans { get; init; } = [];
}
