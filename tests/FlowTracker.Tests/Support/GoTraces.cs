using System.Text;
using CsCheck;

namespace FlowTracker.Tests.Support;

/// <summary>
/// CsCheck generators of any trace the .NET model can hold: text from every class Go escapes or
/// not (lone surrogates included), times in any offset, tags in any insertion order, nulls and empties.
/// </summary>
public static class GoTraces
{
    private static readonly string[] Pieces =
    [
        "a", "Z", "0", " ", "-", "/", ":", "'", "\"", "\\", "<", ">", "&", "\u007f", "\u0000", "\b", "\f", "\n", "\r", "\t",
        "\u0001", "\u001f", "é", "\u07ff", "\u0800", "漢", "\u2028", "\u2029", "\ufffd", "\ue000", "！", "\uffff",
        "😀", "\U0010ffff", "\ud800", "\udc00", "\ud83d", "\ude00", "GET /api/checkout", "SELECT * FROM t",
    ];

    private static readonly Gen<string> Piece = Gen.OneOfConst(Pieces);

    /// <summary>Mostly short strings, sometimes long ones that cross the encoder's short-string and block sizes.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (8, Piece.Array[0, 12].Select(string.Concat)),
        (2, Piece.Array[0, 200].Select(string.Concat)),
        (1, Gen.Select(Piece, Gen.Int[1, 30_000], Piece).Select((a, n, b) => a + new string('x', n) + b)));

    public static readonly Gen<string?> NullableText = Gen.Frequency((1, Gen.Const((string?)null)), (9, Text.Select(static s => (string?)s)));

    public static readonly Gen<DateTimeOffset> Time = Gen.Frequency(
        (1, Gen.Const(DateTimeOffset.MinValue)),
        (9, Gen.Select(Gen.Long[0, DateTime.MaxValue.Ticks - (2 * TimeSpan.TicksPerDay)], Gen.Int[-14 * 60, 14 * 60])
            .Select(static (ticks, minutes) => new DateTimeOffset(ticks + TimeSpan.TicksPerHour * 14, TimeSpan.FromMinutes(minutes)))));

    public static readonly Gen<Dictionary<string, string>?> Tags = Gen.Frequency(
        (1, Gen.Const((Dictionary<string, string>?)null)),
        (4, Gen.Select(Text, NullableText).Array[0, 24].Select(static entries =>
        {
            // Keys that differ only in lone surrogates are one key in Go's map: one of them is kept.
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            var goKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in entries)
            {
                if (goKeys.Add(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(key))))
                {
                    tags[key] = value!;
                }
            }

            return (Dictionary<string, string>?)tags;
        })));

    public static readonly Gen<Span> Span =
        Gen.Select(NullableText, NullableText, NullableText, Time, Time, Gen.Long, Tags)
            .Select(static (id, parent, name, start, end, duration, tags) => new Span
            {
                SpanId = id!,
                ParentId = parent,
                Name = name!,
                StartTime = start,
                EndTime = end,
                DurationMs = duration,
                Tags = tags,
            });

    public static readonly Gen<Trace> Trace = Gen.Select(NullableText, Span.Array[0, 12])
        .Select(static (id, spans) => new Trace { TraceId = id!, Spans = spans });
}
