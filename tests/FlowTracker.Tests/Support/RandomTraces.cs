namespace FlowTracker.Tests.Support;

/// <summary>Seeded random traces for property-style tests: every failure is reproducible from its seed.</summary>
public static class RandomTraces
{
    // Whole text elements only: a lone surrogate cannot round-trip (it is written as U+FFFD by design).
    private static readonly string[] Alphabet =
        ["a", "b", "c", "X", "Y", "Z", "0", "1", "9", " ", "-", "_", ":", "/", ".", "\"", "\\", "\n", "\t", "<", ">", "&", "'", "é", "ß", "漢", "🙂", "\u0001", "\u007f"];

    public static Trace Create(int seed, int maxSpans = 12)
    {
        var random = new Random(seed);
        var count = random.Next(0, maxSpans + 1);
        var spans = new Span[count];
        for (var i = 0; i < count; i++)
        {
            var start = new DateTimeOffset(random.NextInt64(DateTimeOffset.UnixEpoch.Ticks, new DateTime(2100, 1, 1).Ticks), TimeSpan.Zero);
            var durationTicks = random.NextInt64(0, TimeSpan.TicksPerMinute);
            spans[i] = new Span
            {
                SpanId = Text(random, 1, 20),
                ParentId = i == 0 || random.Next(4) == 0 ? null : spans[random.Next(i)].SpanId,
                Name = Text(random, 0, 40),
                StartTime = random.Next(10) == 0 ? default : start,
                EndTime = random.Next(10) == 0 ? default : start.AddTicks(durationTicks),
                DurationMs = durationTicks / TimeSpan.TicksPerMillisecond,
                Tags = random.Next(3) == 0 ? null : Tags(random),
            };
        }

        return new Trace { TraceId = Text(random, 1, 40), Spans = spans };
    }

    private static Dictionary<string, string> Tags(Random random)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            tags[Text(random, 1, 10)] = Text(random, 0, 30);
        }

        return tags;
    }

    private static string Text(Random random, int min, int max)
    {
        var length = random.Next(min, max + 1);
        var builder = new System.Text.StringBuilder(length * 2);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }
}
