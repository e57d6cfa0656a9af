using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Tests;

public class PollPlanTests
{
    /// <summary>A spec without polling: at most 30 s between checks once due, 60 minutes, 15 min to create, 5 to reboot, 5 requests/s.</summary>
    static readonly PollingSpec Defaults = new(SpecReader.DefaultPollingIntervalSeconds, SpecReader.DefaultPollingTimeoutMinutes);

    [Theory]
    [InlineData(2, 5, 1, 400)]     // the tutorial: 2 brokers may check every second
    [InlineData(21, 5, 5, 4200)]   // a full mesh: 21 loops every 5 s is 4.2 requests/s
    [InlineData(21, 50, 1, 420)]   // local mode's 50 requests/s
    [InlineData(1, 100, 1, 100)]   // lingering checks are never closer than 100 ms
    public void For_BrokersAndRate_KeepsEveryLoopTogetherWithinTheRate(int brokers, int rate, int minWait, int lingerMs)
    {
        var plan = PollPlan.For(Defaults with { MaxRequestsPerSecond = rate }, brokers);
        Assert.Equal((minWait, lingerMs), (plan.MinWaitSeconds, plan.LingerIntervalMilliseconds));
        Assert.True(brokers / (double)plan.MinWaitSeconds <= rate);
        Assert.True(brokers * 1000.0 / plan.LingerIntervalMilliseconds <= rate);
    }

    [Fact]
    public void For_RateNeedsLongerWaitsThanTheInterval_KeepsTheRate()
    {
        var plan = PollPlan.For(new PollingSpec(IntervalSeconds: 10, TimeoutMinutes: 60, MaxRequestsPerSecond: 1), brokers: 21);
        Assert.Equal((21, 21), (plan.MinWaitSeconds, plan.MaxWaitSeconds));
    }

    [Fact]
    public void For_Timeout_BoundsTheChecksOfALoop()
    {
        var plan = PollPlan.For(Defaults with { TimeoutMinutes = 10 }, brokers: 21);
        Assert.Equal(600, plan.TimeoutSeconds);
        Assert.Equal(600 / 5 + 2, plan.MaxPolls);
    }

    [Theory]
    [InlineData(0, 450)]     // one long wait to half the expected 900 s
    [InlineData(100, 350)]
    [InlineData(450, 30)]    // then half the time left, at most intervalSeconds
    [InlineData(860, 20)]
    [InlineData(899.5, 1)]   // whole seconds, at least the minimum
    [InlineData(900, 1)]     // due: check again as soon as the rate allows
    [InlineData(1000, 25)]   // overdue by 100 s: a quarter of it
    [InlineData(2000, 30)]   // overdue for long: intervalSeconds
    [InlineData(3590, 10)]   // never far past the timeout
    public void NextWaitSeconds_Creation_CrowdsChecksAroundTheExpectedTime(double elapsed, int expected) =>
        Assert.Equal(expected, PollPlan.For(Defaults, 2).NextWaitSeconds(WaitPhases.Creation, TimeSpan.FromSeconds(elapsed)));

    [Theory]
    [InlineData(0, 150)]
    [InlineData(290, 5)]
    [InlineData(300, 1)]
    public void NextWaitSeconds_Reboot_UsesTheExpectedRebootTime(double elapsed, int expected) =>
        Assert.Equal(expected, PollPlan.For(Defaults, 2).NextWaitSeconds(WaitPhases.Reboot, TimeSpan.FromSeconds(elapsed)));

    [Fact]
    public void NextWaitSeconds_ManyBrokers_NeverBelowTheRateBoundMinimum() =>
        Assert.Equal(5, PollPlan.For(Defaults, 21).NextWaitSeconds(WaitPhases.Creation, TimeSpan.FromSeconds(900)));

    [Fact]
    public void NextWaitSeconds_UnknownPhase_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PollPlan.For(Defaults, 2).NextWaitSeconds("melting", TimeSpan.Zero));

    [Theory]
    [InlineData(0, 150)]     // half of the expected 300 s
    [InlineData(200, 30)]    // half the 100 s left, at most intervalSeconds
    [InlineData(290, 5)]
    [InlineData(400, 25)]    // overdue by 100 s: a quarter of it
    public void NextWaitSeconds_Deletion_UsesTheExpectedDeletionTime(double elapsed, int expected) =>
        Assert.Equal(expected, PollPlan.For(Defaults with { ExpectedDeletionSeconds = 300 }, 2).NextWaitSeconds(WaitPhases.Deletion, TimeSpan.FromSeconds(elapsed)));

    [Theory]
    [InlineData(7200, 3600, 30)] // overdue for long, a whole timeout left: intervalSeconds
    [InlineData(7200, 10, 10)]   // ... but never past what is left
    [InlineData(7200, -5, 1)]    // nothing left: the minimum (the caller times out)
    public void NextWaitSeconds_RemainingGiven_CapsByItInsteadOfTheTimeoutLessElapsed(double elapsed, double remaining, int expected) =>
        Assert.Equal(expected, PollPlan.For(Defaults, 2).NextWaitSeconds(WaitPhases.Creation, TimeSpan.FromSeconds(elapsed), TimeSpan.FromSeconds(remaining)));

    [Fact]
    public void For_ExpectedDeletionFromTheSpec_IsCarried() =>
        Assert.Equal(120, PollPlan.For(Defaults with { ExpectedDeletionSeconds = 120 }, 2).ExpectedSeconds(WaitPhases.Deletion));

    [Theory]
    [InlineData(WaitPhases.Creation, 700)]
    [InlineData(WaitPhases.Creation, 900)]
    [InlineData(WaitPhases.Creation, 1300)]
    [InlineData(WaitPhases.Reboot, 200)]
    [InlineData(WaitPhases.Reboot, 480)]
    public void NextWaitSeconds_AnyReadyTimeAfterHalfTheExpected_IsSeenAtMostIntervalSecondsLate(string phase, double ready)
    {
        // Walk the loop as the state machine does; a check at or after `ready` sees RUNNING.
        var plan = PollPlan.For(Defaults, 2);
        var t = 0.0;
        while (t < ready) t += plan.NextWaitSeconds(phase, TimeSpan.FromSeconds(t));
        Assert.InRange(t - ready, 0, plan.MaxWaitSeconds);
    }
}
