using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace FlowTracker.Serialization;

/// <summary>
/// Writes a string as Go's <c>encoding/json</c> does (Go 1.22 to 1.24, <c>json.Marshal</c>, so with
/// HTML escaping): <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> as <c>\u003c</c>, <c>\u003e</c>,
/// <c>\u0026</c>; U+2028 and U+2029 as <c>\u2028</c>, <c>\u2029</c>; <c>"</c> and <c>\</c> with a
/// backslash; control characters as <c>\b</c>, <c>\f</c>, <c>\n</c>, <c>\r</c>, <c>\t</c> or
/// <c>\u00xx</c> (lower-case hex); everything else, DEL and U+FFFD included, as raw UTF-8. A lone
/// surrogate becomes U+FFFD, as in the Go string that <c>utf16.Decode</c> makes of it.
/// </summary>
internal static class GoString
{
    private const string Specials =
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F" +
        "\"\\<>&\u2028\u2029";

    // Runs between specials are transcoded in one call; the search is vectorised.
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(Specials);

    // What Go writes as is and UTF-8 has as one byte: printable ASCII and DEL, less " \ < > &.
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        " !#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~\u007f");

    // Longest escape: \u00xx or \u2028.
    private const int MaxEscapeLength = 6;

    // Written in one block of the worst-case size (770 bytes).
    private const int MaxShortLength = 128;

    // Runs longer than this are transcoded in pieces, so a huge string never asks the destination
    // for a block of its worst-case size at once.
    private const int MaxPieceBytes = 64 * 1024;

    /// <summary>Writes <paramref name="value"/> quoted; <see langword="null"/> is <c>""</c>, Go's empty string.</summary>
    public static void Write(ref Utf8Output output, string? value)
    {
        var rest = value.AsSpan();

        // Short strings, nearly all of a trace: room for the worst case, then no further checks.
        if (rest.Length <= MaxShortLength)
        {
            var block = output.Reserve((rest.Length * MaxEscapeLength) + 2);
            block[0] = (byte)'"';
            var copied = CopyPlainAscii(rest, block[1..]);
            if (copied == rest.Length)
            {
                block[copied + 1] = (byte)'"';
                output.Advance(copied + 2);
            }
            else
            {
                output.Advance(1 + copied + WriteShort(rest[copied..], block[(1 + copied)..]));
            }

            return;
        }

        output.Write((byte)'"');
        while (!rest.IsEmpty)
        {
            var run = rest.IndexOfAny(NeedsEscape);
            if (run < 0)
            {
                run = rest.Length;
            }

            if (run > 0)
            {
                WriteRun(ref output, rest[..run]);
                rest = rest[run..];
            }

            if (!rest.IsEmpty)
            {
                output.Advance(WriteEscape(rest[0], output.Reserve(MaxEscapeLength)));
                rest = rest[1..];
            }
        }

        output.Write((byte)'"');
    }

    // The rest of a short string after its plain start, and its closing quote: a vectorised search
    // for anything but plain printable ASCII, then a narrowing of the run before it; non-ASCII text
    // is transcoded run by run.
    private static int WriteShort(ReadOnlySpan<char> rest, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var run = rest.IndexOfAnyExcept(PlainAscii);
            if (run < 0)
            {
                Ascii.FromUtf16(rest, destination[written..], out var last);
                written += last;
                destination[written] = (byte)'"';
                return written + 1;
            }

            if (run > 0)
            {
                Ascii.FromUtf16(rest[..run], destination[written..], out var plain);
                written += plain;
                rest = rest[run..];
            }

            if (rest[0] < 0x80 || rest[0] is '\u2028' or '\u2029')
            {
                written += WriteEscape(rest[0], destination[written..]);
                rest = rest[1..];
                continue;
            }

            // Up to the next ASCII character or line separator. Room is reserved for the worst case,
            // and a dangling high surrogate at the end is lone: so this always completes.
            var end = 1;
            while (end < rest.Length && rest[end] >= 0x80 && rest[end] is not ('\u2028' or '\u2029'))
            {
                end++;
            }

            Utf8.FromUtf16(rest[..end], destination[written..], out _, out var text);
            written += text;
            rest = rest[end..];
        }
    }

    // Ids, names and tags are mostly a few dozen plain ASCII characters: checked and narrowed eight
    // at a time in registers, cheaper for them than a general search and a transcoder call. Returns
    // how many leading characters were plain and copied.
    private static int CopyPlainAscii(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated && destination.Length >= text.Length)
        {
            // Loads and stores within text and destination: the loop stops 8 before text's end, and
            // destination is at least as long.
            ref var source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            ref var target = ref MemoryMarshal.GetReference(destination);
            for (; i + Vector128<ushort>.Count <= text.Length; i += Vector128<ushort>.Count)
            {
                var chunk = Vector128.LoadUnsafe(ref source, (nuint)i);
                var special = Vector128.LessThan(chunk, Vector128.Create((ushort)0x20))
                    | Vector128.GreaterThan(chunk, Vector128.Create((ushort)0x7F))
                    | Vector128.Equals(chunk, Vector128.Create((ushort)'"'))
                    | Vector128.Equals(chunk, Vector128.Create((ushort)'\\'))
                    | Vector128.Equals(chunk, Vector128.Create((ushort)'<'))
                    | Vector128.Equals(chunk, Vector128.Create((ushort)'>'))
                    | Vector128.Equals(chunk, Vector128.Create((ushort)'&'));
                if (special != Vector128<ushort>.Zero)
                {
                    break;
                }

                Vector128.Narrow(chunk, chunk).GetLower().StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < (char)0x20 or > (char)0x7F or '"' or '\\' or '<' or '>' or '&')
            {
                break;
            }

            destination[i] = (byte)c;
        }

        return i;
    }

    private static void WriteRun(ref Utf8Output output, ReadOnlySpan<char> run)
    {
        while (true)
        {
            // A UTF-16 unit is at most 3 UTF-8 bytes (a pair is 4 for 2 units).
            var free = output.Free;
            if (free.Length < Math.Min(run.Length * 3, MaxPieceBytes))
            {
                free = output.Reserve(Math.Min(run.Length * 3, MaxPieceBytes));
            }

            var status = Utf8.FromUtf16(run, free, out var read, out var written);
            output.Advance(written);
            if (status == OperationStatus.Done)
            {
                return;
            }

            run = run[read..];
        }
    }

    private static int WriteEscape(char c, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        switch (c)
        {
            case '"' or '\\':
                destination[1] = (byte)c;
                return 2;
            case '\b':
                destination[1] = (byte)'b';
                return 2;
            case '\f':
                destination[1] = (byte)'f';
                return 2;
            case '\n':
                destination[1] = (byte)'n';
                return 2;
            case '\r':
                destination[1] = (byte)'r';
                return 2;
            case '\t':
                destination[1] = (byte)'t';
                return 2;
            default:
                // \u00xx for the other controls and <, >, &; \u2028 and \u2029.
                destination[1] = (byte)'u';
                destination[2] = (byte)"0123456789abcdef"[(c >> 12) & 0xF];
                destination[3] = (byte)"0123456789abcdef"[(c >> 8) & 0xF];
                destination[4] = (byte)"0123456789abcdef"[(c >> 4) & 0xF];
                destination[5] = (byte)"0123456789abcdef"[c & 0xF];
                return 6;
        }
    }
}
