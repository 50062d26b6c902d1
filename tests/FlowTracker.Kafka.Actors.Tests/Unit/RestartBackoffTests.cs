using FlowTracker.Kafka.Actors.Settings;
using FlowTracker.Kafka.Actors.Stages;
using FlowTracker.Kafka.Actors.Tests.Support;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

public sealed class RestartBackoffTests
{
    private static readonly RestartBackoffSettings Settings = new(
        Min: TimeSpan.FromSeconds(1), Max: TimeSpan.FromSeconds(10), RandomFactor: 0.2, MaxRestarts: 5, Within: TimeSpan.FromMinutes(1));

    [Fact]
    public void RepeatedRestarts_WithoutRandomness_DoubleFromMinUpToMax()
    {
        var backoff = new RestartBackoff(Settings, new ManualTime(), () => 0);

        var delays = Enumerable.Range(0, 5).Select(_ => Assert.IsType<TimeSpan>(Next(backoff))).ToArray();

        Assert.Equal([1, 2, 4, 8, 10], delays.Select(d => d.TotalSeconds));
    }

    [Theory]
    [InlineData(0.0, 2.0)]
    [InlineData(0.5, 2.2)]
    [InlineData(1.0, 2.4)]
    public void RandomFactor_StretchesTheDelayByUpToItsShare(double random, double expectedSeconds)
    {
        Assert.Equal(expectedSeconds, RestartBackoff.Delay(1, Settings, random).TotalSeconds, precision: 6);
    }

    [Fact]
    public void RandomFactor_NeverPushesTheDelayPastMax()
    {
        Assert.Equal(Settings.Max, RestartBackoff.Delay(4, Settings, random: 1.0));
        Assert.Equal(Settings.Max, RestartBackoff.Delay(1_000, Settings, random: 1.0));
    }

    [Fact]
    public void BudgetSpentWithinTheWindow_NoFurtherRestart()
    {
        var backoff = new RestartBackoff(Settings, new ManualTime(), () => 0);
        for (var i = 0; i < Settings.MaxRestarts; i++)
        {
            Assert.NotNull(Next(backoff));
        }

        Assert.Null(Next(backoff));
        Assert.Equal(Settings.MaxRestarts, backoff.RecentRestarts);
    }

    [Fact]
    public void RestartsOlderThanTheWindow_NoLongerCount_AndTheDelayFallsBackToMin()
    {
        var time = new ManualTime();
        var backoff = new RestartBackoff(Settings, time, () => 0);
        for (var i = 0; i < Settings.MaxRestarts; i++)
        {
            Next(backoff);
        }

        time.Advance(Settings.Within);

        Assert.Equal(Settings.Min, Next(backoff));
        Assert.Equal(1, backoff.RecentRestarts);
    }

    [Fact]
    public void ZeroMaxRestarts_NeverRestarts()
    {
        var backoff = new RestartBackoff(Settings with { MaxRestarts = 0 }, new ManualTime(), () => 0);

        Assert.Null(Next(backoff));
    }

    [Fact]
    public void BudgetNotSpent_ANewStreamBuildsItsProducerAtOnce()
    {
        var backoff = new RestartBackoff(Settings, new ManualTime(), () => 0);
        Next(backoff);

        Assert.Equal(TimeSpan.Zero, backoff.DelayBeforeStart());
    }

    [Fact]
    public void BudgetSpent_ANewStreamWaitsMaxBackoffAfterTheLastFailure_ThenOnceMorePerFailure()
    {
        var time = new ManualTime();
        var backoff = new RestartBackoff(Settings, time, () => 0);
        for (var i = 0; i <= Settings.MaxRestarts; i++)
        {
            Next(backoff);
        }

        Assert.Equal(Settings.Max, backoff.DelayBeforeStart());
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(Settings.Max - TimeSpan.FromSeconds(4), backoff.DelayBeforeStart());
        time.Advance(Settings.Max);
        Assert.Equal(TimeSpan.Zero, backoff.DelayBeforeStart());

        // The producer built then fails at once: the budget is still spent, the next one waits max-backoff again.
        Assert.Null(Next(backoff));
        Assert.Equal(Settings.Max, backoff.DelayBeforeStart());
    }

    private static TimeSpan? Next(RestartBackoff backoff) => backoff.TryNext(out var delay) ? delay : null;
}
