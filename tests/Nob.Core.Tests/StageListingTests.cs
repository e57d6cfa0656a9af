using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>The build's wait stages check every broker from one ListBrokers per look, describing only brokers whose state needs it.</summary>
public class StageListingTests
{
    static readonly CancellationToken None = CancellationToken.None;
    readonly ManualClock clock = ManualClock.AutoAdvancing();
    readonly FakeBrokerService mq = new();

    static PollPlan Plan(int brokers, int lingerSeconds = 0) => PollPlan.For(new PollingSpec(30, 60), brokers) with { LingerSeconds = lingerSeconds };

    int Count(string operation) => mq.Calls.Count(c => c == operation || c.StartsWith(operation + " ", StringComparison.Ordinal));

    static RevisionResult Revision(FakeBrokerService.Broker b, int revision = 2) =>
        new(b.Creation.BrokerName, b.Id, b.ConfigurationId, revision, true, true, [], [], [], false);

    List<FakeBrokerService.Broker> Creating(int count) =>
        [.. Enumerable.Range(1, count).Select(i => mq.Add($"Mesh{i:00}", BrokerStates.CreationInProgress))];

    [Fact]
    public async Task CreationStage_LaterTurnOverTwentyOneCreatingBrokers_OneListingNoDescribe()
    {
        var brokers = Creating(21);
        var plan = Plan(brokers.Count);
        var first = await new CreationStageStep(mq, clock).RunAsync(new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, true))], plan), None);
        mq.Calls.Clear();

        var second = await new CreationStageStep(mq, clock).RunAsync(new CreationStage(first.Brokers, plan, first.Waits), None);

        Assert.Equal(["ListBrokers"], mq.Calls);
        Assert.False(second.Ready);
        Assert.All(second.Waits, w => Assert.Equal(2, w.Poll));
        Assert.All(second.Waits, w => Assert.Equal(BrokerStates.CreationInProgress, w.State));
    }

    [Fact]
    public async Task CreationStage_FirstTurn_DescribesEachBrokerOnceForItsCreationTime()
    {
        var brokers = Creating(3);
        var created = clock.GetUtcNow().AddMinutes(-4);
        foreach (var b in brokers) b.Created = created;

        var status = await new CreationStageStep(mq, clock).RunAsync(new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, false))], Plan(3)), None);

        Assert.Equal(1, Count("ListBrokers"));
        Assert.Equal(3, Count("DescribeBroker"));
        Assert.All(status.Waits, w => Assert.Equal(created, w.Since));
    }

    [Fact]
    public async Task CreationStage_FirstTurnLingers_TimeoutCountsFromTheTurnsStart()
    {
        var brokers = Creating(2);
        var started = clock.GetUtcNow();

        var status = await new CreationStageStep(mq, clock).RunAsync(
            new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, true))], Plan(brokers.Count, lingerSeconds: 10)), None);

        Assert.True(clock.GetUtcNow() - started >= TimeSpan.FromSeconds(9), "the turn's listing lingered");
        Assert.False(status.Ready);
        Assert.All(status.Waits, w => Assert.Equal(started, w.WaitStarted));
    }

    [Fact]
    public async Task CreationStage_LingeringTurn_ListsEachIntervalAndDescribesNone()
    {
        var brokers = Creating(10);
        var plan = Plan(brokers.Count, lingerSeconds: 10) with { LingerIntervalMilliseconds = 100 };
        var first = await new CreationStageStep(mq, clock).RunAsync(new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, true))], plan with { LingerSeconds = 0 }), None);
        mq.Calls.Clear();
        // Each listing after the first sees one more broker RUNNING (the fake settles on the listing's sighting).
        mq.SettleAfterDescribes = null;
        var listings = 0;
        mq.BeforeListing = () =>
        {
            if (listings++ > 0 && brokers.FirstOrDefault(b => b.State == BrokerStates.CreationInProgress) is { } next) next.State = BrokerStates.Running;
        };

        var status = await new CreationStageStep(mq, clock).RunAsync(new CreationStage(first.Brokers, plan, first.Waits), None);

        Assert.True(status.Ready);
        Assert.Equal(11, Count("ListBrokers"));
        Assert.Equal(0, Count("DescribeBroker")); // a creation RUNNING needs nothing but its state
        Assert.Equal(10, clock.Delays.Count);
        Assert.All(clock.Delays, d => Assert.Equal(TimeSpan.FromMilliseconds(plan.LingerIntervalMilliseconds), d));
    }

    [Fact]
    public void Interval_AfterALongWait_AShareOfTheWaitNotThePlansInterval()
    {
        var plan = Plan(2) with { LingerIntervalMilliseconds = 100 };

        Assert.Equal(TimeSpan.FromMilliseconds(100), StageListing.Interval(plan, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(100), StageListing.Interval(plan, TimeSpan.FromSeconds(1.6)));
        Assert.Equal(TimeSpan.FromSeconds(2), StageListing.Interval(plan, TimeSpan.FromSeconds(32)));
    }

    [Fact]
    public async Task CreationStage_LingeringLongAfterTheWaitBegan_ListsLessOften()
    {
        var brokers = Creating(2);
        var plan = Plan(brokers.Count, lingerSeconds: 10) with { LingerIntervalMilliseconds = 100 };
        var since = clock.GetUtcNow().AddSeconds(-64);
        var waits = brokers.Select(b => new BrokerWaitStatus(b.Creation.BrokerName, b.Id, WaitPhases.Creation, BrokerStates.CreationInProgress, false, 3, plan, since, 1, WaitStarted: since)).ToList();

        var status = await new CreationStageStep(mq, clock).RunAsync(new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, true))], plan, waits), None);

        Assert.False(status.Ready);
        // 64 s into the wait a listing follows the one before after 4 s and more, not 100 ms: three listings in 10 s.
        Assert.Equal(3, Count("ListBrokers"));
        Assert.All(clock.Delays, d => Assert.True(d >= TimeSpan.FromSeconds(4), d.ToString()));
    }

    [Fact]
    public async Task CreationStage_BrokerFailsWhileOthersLinger_FailsTheTurnAtOnceByName()
    {
        var brokers = Creating(4);
        var plan = Plan(brokers.Count, lingerSeconds: 10);
        var first = await new CreationStageStep(mq, clock).RunAsync(new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, true))], plan with { LingerSeconds = 0 }), None);
        brokers[2].State = BrokerStates.CriticalActionRequired;
        brokers[2].ActionsRequired.Add("CONFIGURATION_INVALID");
        mq.Calls.Clear();

        var e = await Assert.ThrowsAsync<BrokerNotUsableException>(() => new CreationStageStep(mq, clock).RunAsync(new CreationStage(first.Brokers, plan, first.Waits), None));

        Assert.Contains("Mesh03", e.Message, StringComparison.Ordinal);
        Assert.Contains("CONFIGURATION_INVALID", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, Count("ListBrokers"));
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task CreationStage_BrokerMissingFromTheListing_IsDescribed()
    {
        var brokers = Creating(2);
        var plan = Plan(brokers.Count);
        var first = await new CreationStageStep(mq, clock).RunAsync(new CreationStage([.. brokers.Select(b => new EnsuredBroker(b.Creation.BrokerName, b.Id, true))], plan), None);
        mq.Calls.Clear();
        mq.HiddenFromListing.Add(brokers[1].Id);

        var status = await new CreationStageStep(mq, clock).RunAsync(new CreationStage(first.Brokers, plan, first.Waits), None);

        Assert.Equal(["ListBrokers", $"DescribeBroker {brokers[1].Id}"], mq.Calls);
        Assert.False(status.Ready);
    }

    [Fact]
    public async Task RebootStage_FirstTurnOverTenRunningBrokers_OneListingAndRebootsWithoutDescribes()
    {
        var brokers = Enumerable.Range(1, 10).Select(i => mq.Add($"Mesh{i:00}")).ToList();

        var status = await new RebootStageStep(mq, clock).RunAsync(new RebootStage([.. brokers.Select(b => Revision(b))], Plan(10), 0), None);

        Assert.Equal(1, Count("ListBrokers"));
        Assert.Equal(0, Count("DescribeBroker"));
        Assert.Equal(10, Count("RebootBroker"));
        Assert.All(status.Waits, w => Assert.Equal(BrokerStates.RebootInProgress, w.State));
    }

    [Fact]
    public async Task RebootStage_BrokerBackWithAnotherRevision_StillRefused()
    {
        var brokers = Enumerable.Range(1, 3).Select(i => mq.Add($"Mesh{i:00}")).ToList();
        foreach (var b in brokers) b.PendingRevision = 2;
        var stage = new RebootStage([.. brokers.Select(b => Revision(b))], Plan(3), 0);
        var started = await new RebootStageStep(mq, clock).RunAsync(stage, None);
        foreach (var b in brokers) mq.FinishReboot(b.Id);
        brokers[1].CurrentRevision = 3; // someone else's revision took effect in the reboot

        var e = await Assert.ThrowsAsync<BrokerRevisionMismatchException>(() => new RebootStageStep(mq, clock).RunAsync(stage with { Waits = started.Waits }, None));

        Assert.Contains("Mesh02", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebootStage_LaterTurnWhileRebooting_OneListingNoDescribe()
    {
        var brokers = Enumerable.Range(1, 21).Select(i => mq.Add($"Mesh{i:00}")).ToList();
        var stage = new RebootStage([.. brokers.Select(b => Revision(b))], Plan(21), 0);
        var started = await new RebootStageStep(mq, clock).RunAsync(stage, None);
        mq.Calls.Clear();

        var status = await new RebootStageStep(mq, clock).RunAsync(stage with { Waits = started.Waits }, None);

        Assert.Equal(["ListBrokers"], mq.Calls);
        Assert.False(status.Ready);
    }
}
