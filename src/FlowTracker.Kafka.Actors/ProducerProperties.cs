using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace FlowTracker.Kafka.Actors;

/// <summary>
/// librdkafka properties by name (<c>bootstrap.servers</c>, <c>linger.ms</c>), the type of
/// <see cref="KafkaExporterOptions.ProducerConfig"/>. A <c>Dictionary&lt;string, string&gt;</c> and Confluent's
/// <c>ProducerConfig</c> (any <c>Confluent.Kafka.Config</c>) are assigned to it as they are; any other sequence of
/// name/value pairs through <see cref="From"/>. The configuration binder fills it from a section whose keys are the
/// property names (<c>"ProducerConfig": { "bootstrap.servers": "localhost:9092" }</c>).
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "It is the producer's configuration, named as librdkafka names it: properties.")]
public sealed class ProducerProperties : IDictionary<string, string>, IReadOnlyDictionary<string, string>
{
    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);

    /// <summary>No property: librdkafka's and the exporter's defaults apply.</summary>
    public ProducerProperties()
    {
    }

    /// <summary>The given properties; a name given twice keeps its last value.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="properties"/> is <see langword="null"/>.</exception>
    public ProducerProperties(IEnumerable<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        foreach (var (name, value) in properties)
        {
            _properties[name] = value;
        }
    }

    /// <inheritdoc/>
    public int Count => _properties.Count;

    /// <inheritdoc/>
    public bool IsReadOnly => false;

    /// <inheritdoc/>
    public ICollection<string> Keys => _properties.Keys;

    /// <inheritdoc/>
    public ICollection<string> Values => _properties.Values;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Keys => _properties.Keys;

    IEnumerable<string> IReadOnlyDictionary<string, string>.Values => _properties.Values;

    /// <inheritdoc/>
    public string this[string key]
    {
        get => _properties[key];
        set => _properties[key] = value;
    }

    /// <summary>A <c>Dictionary&lt;string, string&gt;</c> of librdkafka properties, copied.</summary>
    [return: NotNullIfNotNull(nameof(properties))]
    public static implicit operator ProducerProperties?(Dictionary<string, string>? properties) => properties is null ? null : new(properties);

    /// <summary>Confluent's <c>ProducerConfig</c> (or any <c>Confluent.Kafka.Config</c>), copied: its properties are librdkafka's.</summary>
    [return: NotNullIfNotNull(nameof(config))]
    public static implicit operator ProducerProperties?(Confluent.Kafka.Config? config) => config is null ? null : new(config);

    /// <summary>Any sequence of librdkafka property names and values, copied.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="properties"/> is <see langword="null"/>.</exception>
    public static ProducerProperties From(IEnumerable<KeyValuePair<string, string>> properties) => new(properties);

    /// <inheritdoc/>
    public void Add(string key, string value) => _properties.Add(key, value);

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    /// <inheritdoc/>
    public bool Remove(string key) => _properties.Remove(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => _properties.TryGetValue(key, out value);

    /// <inheritdoc/>
    public void Clear() => _properties.Clear();

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _properties.GetEnumerator();

    void ICollection<KeyValuePair<string, string>>.Add(KeyValuePair<string, string> item) => ((ICollection<KeyValuePair<string, string>>)_properties).Add(item);

    bool ICollection<KeyValuePair<string, string>>.Contains(KeyValuePair<string, string> item) => ((ICollection<KeyValuePair<string, string>>)_properties).Contains(item);

    void ICollection<KeyValuePair<string, string>>.CopyTo(KeyValuePair<string, string>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, string>>)_properties).CopyTo(array, arrayIndex);

    bool ICollection<KeyValuePair<string, string>>.Remove(KeyValuePair<string, string> item) => ((ICollection<KeyValuePair<string, string>>)_properties).Remove(item);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
