using CsCheck;
using FlowTracker.Kafka.Actors.Spool;
using FlowTracker.Kafka.Actors.Tests.Support;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// A spool commit's wait over thousands of random timings: FASTER's callback, its wait's success or failure, each at a
/// random time or never, seen by a commit loop that wakes at random times and reads the signals a random moment after
/// the clock. Times are whole milliseconds against a bound of 100, so that signals often arrive together, with a
/// sighting, or at the bound itself. A failing case prints its seed and the shrunk timings.
/// </summary>
public sealed class SpoolCommitWaitPropertyTests
{
    private const int Bound = 100;

    /// <summary>When a signal arrives, in ms; negative for never.</summary>
    private static readonly Gen<int> Arrival = Gen.Int[-60, 2 * Bound];

    /// <summary>The loop's wake-ups: when it reads the clock, and how much later the signals.</summary>
    private static readonly Gen<(int Clock, int Lag)[]> Sightings = Gen.Select(Gen.Int[0, 2 * Bound], Gen.Int[0, 5]).Array[0, 20];

    private static readonly Gen<Timings> AnyTimings = Gen.Select(Arrival, Gen.Int[0, 2], Arrival, Sightings, (persisted, outcome, outcomeAt, sightings) =>
        new Timings(persisted, outcome == 1 ? outcomeAt : -1, outcome == 2 ? outcomeAt : -1, sightings));

    [Fact]
    public void AnyTimings_ExactlyOneDecision_AndItNeverChanges() => Sample(commit => commit.AssertDecidedOnceAndKept());

    [Fact]
    public void AnyTimings_AFailureSeenNoLaterThanTheSuccess_IsNeverDurable() => Sample(commit =>
    {
        // The failure was there when the loop read the signals that decided.
        if (commit.FailedAt <= commit.DecisionSignalsReadAt)
        {
            Assert.NotEqual(SpoolCommitDecision.Durable, commit.Wait.Decision);
        }
    });

    [Fact]
    public void AnyTimings_ASignalWithinTheBound_IsNeverATimeout() => Sample(commit =>
    {
        if (new[] { commit.PersistedAt, commit.SucceededAt, commit.FailedAt }.Min() <= commit.Bound)
        {
            Assert.NotEqual(SpoolCommitDecision.TimedOut, commit.Wait.Decision);
        }
    });

    [Fact]
    public void AnyTimings_EveryDecisionHasItsCause() => Sample(commit =>
    {
        var heard = (TimeSpan? at) => at <= commit.DecisionSignalsReadAt;
        switch (commit.Wait.Decision)
        {
            case SpoolCommitDecision.Durable:
                Assert.True(heard(commit.PersistedAt) || heard(commit.SucceededAt), "durable with neither the callback nor the success heard");
                break;
            case SpoolCommitDecision.Failed:
                Assert.True(heard(commit.FailedAt), "failed with no failure heard");
                break;
            default:
                Assert.Equal(SpoolCommitDecision.TimedOut, commit.Wait.Decision);
                Assert.False(heard(commit.PersistedAt) || heard(commit.SucceededAt) || heard(commit.FailedAt), "timed out with a signal heard");
                break;
        }
    });

    private static void Sample(Action<ScriptedCommitWait> check) => AnyTimings.Sample(timings => check(Run(timings)), iter: 5_000);

    /// <summary>Plays the timings; a last sighting past the bound (and past every arrival) must end every run with a decision.</summary>
    private static ScriptedCommitWait Run(Timings timings)
    {
        var commit = new ScriptedCommitWait(Ms(Bound));
        if (timings.Persisted >= 0)
        {
            commit.Persist(at: Ms(timings.Persisted));
        }

        if (timings.Succeeded >= 0)
        {
            commit.Succeed(at: Ms(timings.Succeeded));
        }

        if (timings.Failed >= 0)
        {
            commit.Fail(at: Ms(timings.Failed));
        }

        foreach (var (clock, lag) in timings.Sightings.OrderBy(s => s.Clock).Append((3 * Bound, 0)))
        {
            commit.Advance(Ms(clock) - commit.Now);
            commit.Look(lag: Ms(lag));
        }

        Assert.True(commit.DecidedAt >= 0, "no decision, though the last sighting was past the bound");
        return commit;
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>Arrivals in ms (negative: never; the outcome succeeds or fails, not both) and the loop's sightings.</summary>
    private sealed record Timings(int Persisted, int Succeeded, int Failed, (int Clock, int Lag)[] Sightings)
    {
        public override string ToString() =>
            $"persisted {Persisted}, succeeded {Succeeded}, failed {Failed}, sightings {string.Join(' ', Sightings.Select(s => $"{s.Clock}+{s.Lag}"))}";
    }
}
