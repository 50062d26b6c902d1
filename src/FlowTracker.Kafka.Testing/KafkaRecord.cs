using System.Text;

namespace FlowTracker.Kafka.Testing;

/// <summary>One record read back from a topic.</summary>
/// <param name="Key">The key bytes, or <see langword="null"/>.</param>
/// <param name="Value">The value bytes, or <see langword="null"/>.</param>
/// <param name="Partition">The partition it was read from.</param>
/// <param name="Offset">Its offset in that partition.</param>
/// <param name="Headers">Its headers, in order.</param>
public sealed record KafkaRecord(byte[]? Key, byte[]? Value, int Partition, long Offset, IReadOnlyList<KeyValuePair<string, byte[]>> Headers)
{
    /// <summary>The key as UTF-8 text, or <see langword="null"/>.</summary>
    public string? KeyText => Key is null ? null : Encoding.UTF8.GetString(Key);

    /// <summary>The value as UTF-8 text, or <see langword="null"/>.</summary>
    public string? ValueText => Value is null ? null : Encoding.UTF8.GetString(Value);

    /// <summary>The last header named <paramref name="name"/> as UTF-8 text, or <see langword="null"/>.</summary>
    public string? Header(string name) =>
        Headers.LastOrDefault(h => h.Key == name) is { Value: { } bytes } ? Encoding.UTF8.GetString(bytes) : null;
}
