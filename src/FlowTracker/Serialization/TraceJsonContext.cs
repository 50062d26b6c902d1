using System.Text.Json.Serialization;

namespace FlowTracker.Serialization;

/// <summary>Compile-time serialization metadata for the wire format: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(Trace))]
internal sealed partial class TraceJsonContext : JsonSerializerContext;
