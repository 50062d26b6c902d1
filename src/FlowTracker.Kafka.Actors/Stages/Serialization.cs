using FlowTracker.Serialization;

namespace FlowTracker.Kafka.Actors.Stages;

/// <summary>The record's header that says what the value is.</summary>
internal static class Serialization
{
    public static readonly (string Name, string Value) ContentTypeHeader = ("content-type", TraceJson.ContentType);
}
