using System.Text;

namespace FlowTracker.Serialization;

/// <summary>
/// The order in which Go's <c>encoding/json</c> writes map keys: by their UTF-8 bytes, which is the
/// order of their code points. It differs from UTF-16 ordinal order only where a surrogate pair
/// (U+10000 and up) meets U+E000 to U+FFFF, and for lone surrogates, which Go's string of the key
/// holds as U+FFFD. A <see langword="null"/> key is Go's empty string.
/// </summary>
internal static class GoKeyOrder
{
    public static readonly Comparison<KeyValuePair<string, string>> ByKey = static (a, b) => Compare(a.Key, b.Key);

    public static int Compare(string? a, string? b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();

        // Keys are short: a plain loop finds the first difference sooner than a vectorised search.
        var common = 0;
        var shorter = Math.Min(x.Length, y.Length);
        while (common < shorter && x[common] == y[common])
        {
            common++;
        }

        if (common == shorter)
        {
            // A prefix in UTF-16 is a prefix, or less, in UTF-8: a dangling lone high surrogate is
            // U+FFFD, below whatever supplementary character it would have begun.
            return x.Length - y.Length;
        }

        // Below the surrogates, UTF-16 order is code point order.
        if (x[common] < 0xD800 && y[common] < 0xD800)
        {
            return x[common] - y[common];
        }

        // Compare from the start of the code point that holds the first difference.
        if (common > 0 && char.IsHighSurrogate(x[common - 1]))
        {
            common--;
        }

        x = x[common..];
        y = y[common..];
        while (!x.IsEmpty && !y.IsEmpty)
        {
            if (!char.IsSurrogate(x[0]) && !char.IsSurrogate(y[0]))
            {
                if (x[0] != y[0])
                {
                    return x[0] - y[0];
                }

                x = x[1..];
                y = y[1..];
                continue;
            }

            // An invalid sequence decodes as U+FFFD, one unit long, as utf16.Decode makes it.
            Rune.DecodeFromUtf16(x, out var rx, out var nx);
            Rune.DecodeFromUtf16(y, out var ry, out var ny);
            if (rx != ry)
            {
                return rx.Value - ry.Value;
            }

            x = x[nx..];
            y = y[ny..];
        }

        return x.Length - y.Length;
    }
}
