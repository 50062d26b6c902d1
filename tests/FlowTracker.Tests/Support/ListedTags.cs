namespace FlowTracker.Tests.Support;

// A caller's own dictionary type, which unlike Dictionary<,> can yield a null key.
public sealed class ListedTags(params KeyValuePair<string, string>[] items) : IReadOnlyDictionary<string, string>
{
    public int Count => items.Length;

    public IEnumerable<string> Keys => items.Select(i => i.Key);

    public IEnumerable<string> Values => items.Select(i => i.Value);

    public string this[string key] => items.First(i => i.Key == key).Value;

    public bool ContainsKey(string key) => items.Any(i => i.Key == key);

    public bool TryGetValue(string key, out string value)
    {
        value = items.FirstOrDefault(i => i.Key == key).Value;
        return ContainsKey(key);
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)items).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
