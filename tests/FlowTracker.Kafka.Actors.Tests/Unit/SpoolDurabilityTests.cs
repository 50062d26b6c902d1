using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Tests.Support;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// The spool's durable bookkeeping, fed its operations in each order that matters: every order of a commit, a lost
/// directory and the stop (ended or given up), with two commits, and the stop asked again. The expected results are
/// written out by hand; <see cref="EverySequence_UpToFive_MatchesTheModel_AndTheRules"/> then covers every sequence.
/// </summary>
public sealed class SpoolDurabilityTests
{
    private const long Appended = 100;

    /// <summary>
    /// Each word of <paramref name="script"/> is one operation, on one thread, in order: D1, D2 a commit of 10, 20
    /// appends up to 10,000, 20,000; N the directory lost; F the stop after the commit thread ended; G the stop giving
    /// up on it. The log opened at 500. <paramref name="results"/> gives each operation's result (ok or refused for a
    /// commit, '-' for N, "durableUntil/notDurable" for the stop); <paramref name="after"/> the readers at the end.
    /// </summary>
    [Theory]
    [InlineData("", "", "0/500")]
    [InlineData("D1", "ok", "10/10000")]
    [InlineData("G", "500/100", "0/500 gave up")]
    [InlineData("D1 D2 F", "ok ok 20000/80", "20/20000")]

    // Every order of a commit, a lost directory and a stop that gave up.
    [InlineData("D1 N G", "ok - 0/100", "0/0 gave up")]
    [InlineData("D1 G N", "ok 10000/90 -", "0/0 gave up")]
    [InlineData("N D1 G", "- ok 10000/90", "10/10000 gave up")]
    [InlineData("N G D1", "- 0/100 refused", "0/0 gave up")]
    [InlineData("G D1 N", "500/100 refused -", "0/0 gave up")]
    [InlineData("G N D1", "500/100 - refused", "0/0 gave up")]

    // The same with a stop whose wait ended: nothing is refused.
    [InlineData("D1 N F", "ok - 0/100", "0/0")]
    [InlineData("D1 F N", "ok 10000/90 -", "0/0")]
    [InlineData("N D1 F", "- ok 10000/90", "10/10000")]
    [InlineData("N F D1", "- 0/100 ok", "10/10000")]
    [InlineData("F D1 N", "500/100 ok -", "0/0")]
    [InlineData("F N D1", "500/100 - ok", "10/10000")]

    // Two commits (in their thread's order), a lost directory and a stop that gave up.
    [InlineData("D1 D2 N G", "ok ok - 0/100", "0/0 gave up")]
    [InlineData("D1 D2 G N", "ok ok 20000/80 -", "0/0 gave up")]
    [InlineData("D1 N D2 G", "ok - ok 20000/80", "20/20000 gave up")]
    [InlineData("D1 N G D2", "ok - 0/100 refused", "0/0 gave up")]
    [InlineData("D1 G D2 N", "ok 10000/90 refused -", "0/0 gave up")]
    [InlineData("D1 G N D2", "ok 10000/90 - refused", "0/0 gave up")]
    [InlineData("N D1 D2 G", "- ok ok 20000/80", "20/20000 gave up")]
    [InlineData("N D1 G D2", "- ok 10000/90 refused", "10/10000 gave up")]
    [InlineData("N G D1 D2", "- 0/100 refused refused", "0/0 gave up")]
    [InlineData("G D1 D2 N", "500/100 refused refused -", "0/0 gave up")]
    [InlineData("G D1 N D2", "500/100 refused - refused", "0/0 gave up")]
    [InlineData("G N D1 D2", "500/100 - refused refused", "0/0 gave up")]

    // The stop asked again: the same count; a second stop decides again (TraceSpool asks again only when its warning threw).
    [InlineData("G G", "500/100 500/100", "0/500 gave up")]
    [InlineData("F F", "500/100 500/100", "0/500")]
    [InlineData("D1 G G D2", "ok 10000/90 10000/90 refused", "10/10000 gave up")]
    [InlineData("D1 F G D2", "ok 10000/90 10000/90 refused", "10/10000 gave up")]
    [InlineData("D1 G F D2", "ok 10000/90 10000/90 ok", "20/20000")]
    [InlineData("D1 G N G", "ok 10000/90 - 0/100", "0/0 gave up")]
    public void Operations_InThisOrder_GiveTheseResults(string script, string results, string after)
    {
        var durability = DurabilityScript.Opened();
        var ops = script.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(DurabilityOp.Parse).ToList();

        var observed = ops.Select(op => DurabilityScript.Run(durability, op, Appended)).ToList();

        Assert.Equal(results, string.Join(' ', observed));
        Assert.Equal(after, DurabilityState.Of(durability).ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StopThatFindsTheDirectoryLost_CountsNothingDurable_EvenWithACommitLandedJustBefore(bool ended)
    {
        // The commit that landed after the stop's own look at the directory and before its count: once counted durable.
        var durability = DurabilityScript.Opened();
        durability.NothingDurable();
        durability.Durable(10, 10_000);

        var final = durability.Final(ended, Appended, lost: true);

        Assert.Equal(new SpoolFinal(0, Appended), final);
        Assert.Equal((0L, 0L), (durability.Committed, durability.DurableUntil));
    }

    [Fact]
    public void ACommitAfterTheGiveUp_IsRefusedWithTheReasonTheSpoolHasAlwaysGiven()
    {
        var durability = DurabilityScript.Opened();
        durability.Final(ended: false, appended: Appended);

        var refused = Assert.Throws<IOException>(() => durability.Durable(10, 10_000));

        Assert.Equal("it ended after the stop had given up waiting for it", refused.Message);
    }

    /// <summary>
    /// The deterministic model check: every sequence of up to five operations over two commits, a lost directory and
    /// both stops (3,906 sequences), on the real thing, step by step against the model and the rules.
    /// </summary>
    [Fact]
    public void EverySequence_UpToFive_MatchesTheModel_AndTheRules()
    {
        var alphabet = new[] { "D1", "D2", "N", "F", "G" }.Select(DurabilityOp.Parse).ToArray();
        IEnumerable<DurabilityOp[]> sequences = [[]];
        var checkedCount = 0;
        for (var length = 0; length <= 5; length++)
        {
            foreach (var sequence in sequences)
            {
                Check(sequence);
                checkedCount++;
            }

            sequences = sequences.SelectMany(s => alphabet.Select(op => (DurabilityOp[])[.. s, op])).ToList();
        }

        Assert.Equal(3_906, checkedCount);
    }

    private static void Check(DurabilityOp[] sequence)
    {
        var durability = DurabilityScript.Opened();
        var model = DurabilityScript.Initial;
        var history = new List<(DurabilityOp, string, DurabilityState)>();
        foreach (var op in sequence)
        {
            var result = DurabilityScript.Run(durability, op, Appended);
            var actual = DurabilityState.Of(durability);
            (model, var expected) = model.Apply(op, Appended);
            var at = string.Join(' ', sequence);
            Assert.True(expected == result, $"{at}: {op} gave {result}, the model {expected}");
            Assert.True(model == actual, $"{at}: after {op} {actual}, the model {model}");
            history.Add((op, result, actual));
        }

        DurabilityScript.AssertRules(history, Appended);
    }
}
