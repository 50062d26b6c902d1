using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Tests.Support;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// A spool commit's wait, fed its signals in each order that matters: which signal wins, simultaneous arrivals, the
/// bound's edge, and signals that come after the decision.
/// </summary>
public sealed class SpoolCommitWaitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Each word of <paramref name="script"/> is one sighting of the commit loop; its letters happen, in order, before
    /// the loop looks: P FASTER's callback runs, S its wait succeeds, F its wait fails, w half the bound passes, T more
    /// than the bound passes, '.' nothing.
    /// </summary>
    [Theory]
    [InlineData("P", "Durable", 0)]
    [InlineData("S", "Durable", 0)]
    [InlineData("SP", "Durable", 0)]
    [InlineData("F", "Failed", 0)]
    [InlineData("T", "TimedOut", 0)]
    [InlineData(". . P", "Durable", 2)]
    [InlineData("w . F", "Failed", 2)]
    [InlineData("PF", "Failed", 0)]
    [InlineData("FP", "Failed", 0)]
    [InlineData("F P", "Failed", 0)]
    [InlineData("P F", "Durable", 0)]
    [InlineData("S F", "Durable", 0)]
    [InlineData("P T F", "Durable", 0)]
    [InlineData("F T P", "Failed", 0)]
    [InlineData("TP", "Durable", 0)]
    [InlineData("wwPT", "Durable", 0)]
    [InlineData("TS", "Durable", 0)]
    [InlineData("TF", "Failed", 0)]
    [InlineData("TPF", "Failed", 0)]
    [InlineData("T P", "TimedOut", 0)]
    [InlineData("T F", "TimedOut", 0)]
    [InlineData("T S", "TimedOut", 0)]
    [InlineData("w w P", "Durable", 2)]
    [InlineData("w wT P", "TimedOut", 1)]
    [InlineData("w w . . wS", "Durable", 4)]
    public void Signals_InThisOrder_DecideOnce_AndTheDecisionStays(string script, string expected, int decidedAt)
    {
        var commit = Play(script);

        Assert.Equal(expected, commit.Wait.Decision.ToString());
        Assert.Equal(decidedAt, commit.DecidedAt);
        commit.AssertDecidedOnceAndKept();
    }

    [Fact]
    public void NothingHeard_UpToTheBoundItself_StaysPending()
    {
        var commit = Play("w w . .");

        Assert.Equal(-1, commit.DecidedAt);
        Assert.Equal(SpoolCommitDecision.Pending, commit.Wait.Decision);
    }

    [Fact]
    public void ANegativeBound_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpoolCommitWait(TimeSpan.FromTicks(-1)));

    private static ScriptedCommitWait Play(string script)
    {
        var commit = new ScriptedCommitWait(Bound);
        foreach (var sighting in script.Split(' '))
        {
            foreach (var signal in sighting)
            {
                switch (signal)
                {
                    case 'P':
                        commit.Persist();
                        break;
                    case 'S':
                        commit.Succeed();
                        break;
                    case 'F':
                        commit.Fail();
                        break;
                    case 'w':
                        commit.Advance(Bound / 2);
                        break;
                    case 'T':
                        commit.Advance(Bound + TimeSpan.FromTicks(1));
                        break;
                    default:
                        break;
                }
            }

            commit.Look();
        }

        return commit;
    }
}
