using FlowTracker.Kafka.Actors.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>One operation on a <see cref="SpoolDurability"/>: D a commit counted durable, N the directory lost, F the stop's count after the commit thread ended, G the stop's count giving up on it.</summary>
internal readonly record struct DurabilityOp(char Kind, long Covered = 0, long Tail = 0)
{
    /// <summary>The commit that covers <paramref name="covered"/> appends, up to an address derived from it, so that an address names its count.</summary>
    public static DurabilityOp Durable(long covered) => new('D', covered, TailOf(covered));

    /// <summary>The address a commit of <paramref name="covered"/> appends reaches in these tests.</summary>
    public static long TailOf(long covered) => covered * 1000;

    /// <summary>"D1".."D9" Durable(i * 10) (address i * 10,000), N, F, G.</summary>
    public static DurabilityOp Parse(string word) => word[0] == 'D' ? Durable((word[1] - '0') * 10L) : new DurabilityOp(word[0]);

    public override string ToString() => Kind == 'D' ? $"D{Covered}" : Kind.ToString();
}

/// <summary>What a <see cref="SpoolDurability"/> holds, as its readers give it.</summary>
internal readonly record struct DurabilityState(long Committed, long DurableUntil, bool GaveUp)
{
    public static DurabilityState Of(SpoolDurability durability) => new(durability.Committed, durability.DurableUntil, durability.GaveUp);

    /// <summary>
    /// The model: each operation as TraceSpool relied on it before the extraction, one at a time. Results: "ok" or
    /// "refused" for D, "-" for N, "until/notDurable" for F and G.
    /// </summary>
    public (DurabilityState After, string Result) Apply(DurabilityOp op, long appended) => op.Kind switch
    {
        'D' when GaveUp => (this, "refused"),
        'D' => (this with { Committed = op.Covered, DurableUntil = op.Tail }, "ok"),
        'N' => (this with { Committed = 0, DurableUntil = 0 }, "-"),
        _ => (this with { GaveUp = op.Kind == 'G' }, $"{DurableUntil}/{appended - Committed}"),
    };

    public override string ToString() => $"{Committed}/{DurableUntil}{(GaveUp ? " gave up" : string.Empty)}";
}

/// <summary>Runs operations on a real <see cref="SpoolDurability"/> and checks what came out against the rules of its remarks.</summary>
internal static class DurabilityScript
{
    /// <summary>The address the log opened with, below every test commit's and above the lost directory's 0.</summary>
    public const long OpenedAt = 500;

    public static SpoolDurability Opened()
    {
        var durability = new SpoolDurability();
        durability.Opened(OpenedAt);
        return durability;
    }

    public static DurabilityState Initial => new(0, OpenedAt, false);

    /// <summary>One operation on the real thing, its result as <see cref="DurabilityState.Apply"/> words it.</summary>
    public static string Run(SpoolDurability durability, DurabilityOp op, long appended)
    {
        switch (op.Kind)
        {
            case 'D':
                try
                {
                    durability.Durable(op.Covered, op.Tail);
                    return "ok";
                }
                catch (IOException)
                {
                    return "refused";
                }

            case 'N':
                durability.NothingDurable();
                return "-";
            default:
                var final = durability.Final(op.Kind == 'F', appended);
                return $"{final.DurableUntil}/{final.NotDurable}";
        }
    }

    /// <summary>
    /// The rules, stated on their own (not through the model) over one order of operations: each step's result and
    /// the state after it.
    /// </summary>
    public static void AssertRules(IReadOnlyList<(DurabilityOp Op, string Result, DurabilityState After)> history, long appended)
    {
        var before = Initial;
        (DurabilityOp Op, string Result)? previous = null;
        for (var step = 0; step < history.Count; step++)
        {
            var (op, result, after) = history[step];
            var at = $"at step {step} of {string.Join(' ', history.Select(h => $"{h.Op}:{h.Result}"))}";
            switch (op.Kind)
            {
                case 'D' when before.GaveUp:
                    // Rule 1: refused, and nothing changed.
                    Assert.True(result == "refused", $"{at}: a commit after the give-up was {result}");
                    Assert.True(before == after, $"{at}: a refused commit changed {before} to {after}");
                    break;
                case 'D':
                    Assert.True(result == "ok", $"{at}: a commit before any give-up was {result}");
                    Assert.True(new DurabilityState(op.Covered, op.Tail, false) == after, $"{at}: a commit left {after}");
                    break;
                case 'N':
                    // Rule 3: zero, whenever it comes; the give-up stays as it was.
                    Assert.True(new DurabilityState(0, 0, before.GaveUp) == after, $"{at}: the lost directory left {after}");
                    break;
                default:
                    // Rule 2: the count of the state the last change left, address and count of the same one.
                    Assert.True($"{before.DurableUntil}/{appended - before.Committed}" == result, $"{at}: the stop counted {result} in {before}");
                    Assert.True(before with { GaveUp = op.Kind == 'G' } == after, $"{at}: the stop left {after}");

                    // Rule 4: asked again with nothing in between, the same answer.
                    if (previous is { } last && last.Op == op)
                    {
                        Assert.True(last.Result == result, $"{at}: the stop asked again counted {result}, not {last.Result}");
                    }

                    break;
            }

            (before, previous) = (after, (op, result));
        }
    }

    /// <summary>
    /// Whether some interleaving of <paramref name="threads"/>, each in its own order, gives through the model every
    /// result observed and ends in <paramref name="end"/>; the interleaving found, in order, or null.
    /// </summary>
    public static List<(DurabilityOp Op, string Result, DurabilityState After)>? Linearize(
        IReadOnlyList<IReadOnlyList<(DurabilityOp Op, string Result)>> threads, DurabilityState end, long appended)
    {
        var dead = new HashSet<string>();
        var path = new List<(DurabilityOp, string, DurabilityState)>();
        var at = new int[threads.Count];
        return Search(Initial) ? path : null;

        bool Search(DurabilityState state)
        {
            if (at.Select((i, t) => i == threads[t].Count).All(done => done))
            {
                return state == end;
            }

            var key = $"{string.Join(',', at)}|{state}";
            if (dead.Contains(key))
            {
                return false;
            }

            for (var t = 0; t < threads.Count; t++)
            {
                if (at[t] == threads[t].Count)
                {
                    continue;
                }

                var (op, observed) = threads[t][at[t]];
                var (after, result) = state.Apply(op, appended);
                if (result != observed)
                {
                    continue;
                }

                at[t]++;
                path.Add((op, result, after));
                if (Search(after))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
                at[t]--;
            }

            dead.Add(key);
            return false;
        }
    }
}
