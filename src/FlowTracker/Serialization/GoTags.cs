using System.Runtime.CompilerServices;

namespace FlowTracker.Serialization;

/// <summary>
/// Writes tags as Go writes a <c>map[string]string</c>: keys in <see cref="GoKeyOrder"/>, whatever
/// order the dictionary enumerates them in, and <c>""</c> for a <see langword="null"/> key or value.
/// The entries are copied to be sorted, onto the stack (up to 16) or into an array kept per thread, so
/// nothing is allocated per call for a <see cref="Dictionary{TKey, TValue}"/> (what the tracer builds);
/// another dictionary type costs its enumerator.
/// </summary>
internal static class GoTags
{
    private const int StackEntries = 16;

    // Not ArrayPool.Shared: it trims its arrays when a gen-2 GC runs, and the next Rent then allocates, so
    // "nothing per trace" would hold only on a quiet machine (seen in CI under load).
    [ThreadStatic]
    private static KeyValuePair<string, string>[]? t_entries;

    /// <summary>
    /// Writes <paramref name="prefix"/> and the tags as an object, or nothing for no tags, as Go's
    /// <c>omitempty</c> does; returns whether anything was written.
    /// </summary>
    public static bool Write(ref Utf8Output output, IReadOnlyDictionary<string, string>? tags, ReadOnlySpan<byte> prefix)
    {
        if (tags is null || tags.Count == 0)
        {
            return false;
        }

        // A span's few tags are sorted on the stack; more, or another dictionary type, in a pooled array.
        if (tags is Dictionary<string, string> { Count: <= StackEntries } small)
        {
            var stack = default(StackBuffer);
            Span<KeyValuePair<string, string>> entries = stack;
            var n = 0;
            foreach (var entry in small)
            {
                entries[n++] = entry;
            }

            output.Write(prefix);
            WriteSorted(ref output, entries[..n]);
            return true;
        }

        return WritePooled(ref output, tags, prefix);
    }

    private static bool WritePooled(ref Utf8Output output, IReadOnlyDictionary<string, string> tags, ReadOnlySpan<byte> prefix)
    {
        var entries = t_entries is { } kept && kept.Length >= tags.Count ? kept : new KeyValuePair<string, string>[Math.Max(tags.Count, 2 * StackEntries)];
        t_entries = null;
        var count = 0;
        try
        {
            if (tags is Dictionary<string, string> dictionary)
            {
                foreach (var entry in dictionary)
                {
                    Add(ref entries, ref count, entry);
                }
            }
            else
            {
                foreach (var entry in tags)
                {
                    Add(ref entries, ref count, entry);
                }
            }

            // Count is what the dictionary said; an empty enumeration is an empty map all the same.
            if (count == 0)
            {
                return false;
            }

            output.Write(prefix);
            WriteSorted(ref output, entries.AsSpan(0, count));
            return true;
        }
        finally
        {
            // The strings are the caller's: not kept alive by this thread's array.
            entries.AsSpan(0, count).Clear();
            t_entries = entries;
        }
    }

    private static void WriteSorted(ref Utf8Output output, scoped Span<KeyValuePair<string, string>> entries)
    {
        Sort(entries);

        output.Write((byte)'{');
        for (var i = 0; i < entries.Length; i++)
        {
            if (i > 0)
            {
                output.Write((byte)',');
            }

            GoString.Write(ref output, entries[i].Key);
            output.Write((byte)':');
            GoString.Write(ref output, entries[i].Value);
        }

        output.Write((byte)'}');
    }

    // Insertion sort: a span has a few tags, often already in order (the tracer inserts them so),
    // and then this is one comparison per tag.
    private static void Sort(Span<KeyValuePair<string, string>> entries)
    {
        if (entries.Length > StackEntries)
        {
            entries.Sort(GoKeyOrder.ByKey);
            return;
        }

        for (var i = 1; i < entries.Length; i++)
        {
            var entry = entries[i];
            var j = i - 1;
            while (j >= 0 && GoKeyOrder.Compare(entries[j].Key, entry.Key) > 0)
            {
                entries[j + 1] = entries[j];
                j--;
            }

            entries[j + 1] = entry;
        }
    }

    // A dictionary whose Count is less than what it enumerates still has every entry written.
    private static void Add(ref KeyValuePair<string, string>[] entries, ref int count, KeyValuePair<string, string> entry)
    {
        if (count == entries.Length)
        {
            var larger = new KeyValuePair<string, string>[count * 2];
            entries.AsSpan(0, count).CopyTo(larger);
            entries = larger;
        }

        entries[count++] = entry;
    }

    [InlineArray(StackEntries)]
    private struct StackBuffer
    {
        private KeyValuePair<string, string> _first;
    }
}
