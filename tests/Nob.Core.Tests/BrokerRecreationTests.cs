using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>
/// A CREATION_FAILED broker nob created is deleted and created again (bounded), one it adopted is refused by name, and a
/// CreateBroker that finds its name taken adopts nob's own broker. The loop below is the build's EnsureBrokers iteration
/// as the ASL wires it (EnsureBroker, then checks until ready or "recreate", then EnsureBroker again).
/// </summary>
public class BrokerRecreationTests
{
    readonly FakeBrokerService mq = new() { SettleAfterDescribes = 1 };
    readonly FakeParameters ssm = new();
    readonly ManualClock clock = ManualClock.AutoAdvancing();
    readonly NetworkSpec tutorial = Repo.Spec("tutorial");
    static readonly PollPlan Plan = PollPlan.For(new PollingSpec(30, 60), brokers: 2);
    static readonly CancellationToken None = CancellationToken.None;

    public BrokerRecreationTests() => ssm.Values["/nob/tutorial/password"] = "correct-horse-battery";

    /// <summary>Runs one broker's EnsureBrokers iteration; returns what BrokerReady passes on and the number of turns through EnsureBroker.</summary>
    async Task<(EnsuredBroker Ensured, int EnsureTurns)> EnsureUntilRunningAsync(string brokerName)
    {
        var recreation = BrokerRecreation.None;
        for (var turn = 1; turn <= 20; turn++)
        {
            var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, brokerName, None, recreation);
            var wait = new BrokerWait(brokerName, ensured.BrokerId, ensured.Phase, 0, Plan, null, Recreation: ensured.Recreation);
            for (var check = 0; ; check++)
            {
                Assert.True(check < 20, "the wait loop did not end");
                var status = await new BrokerStateCheck(mq, clock).RunAsync(wait, None);
                if (status.Ready) return (ensured, turn);
                if (status.Phase == WaitPhases.Recreate)
                {
                    recreation = status.Recreation!;
                    break;
                }
                wait = new BrokerWait(status.BrokerName, status.BrokerId, status.Phase, status.Poll, status.Polling, status.Since, status.ExpectedConfiguration, status.Recreation);
            }
        }
        throw new InvalidOperationException("EnsureBroker was entered 20 times");
    }

    int CallsOf(string verb) => mq.Calls.Count(c => c.StartsWith(verb + " ", StringComparison.Ordinal));

    [Fact]
    public async Task EnsureBrokers_NobsBrokerFailsCreationOnce_IsDeletedCreatedAgainAndRuns()
    {
        mq.FailCreationOf.Add("MyBroker1");
        mq.FailCreationTimes = 1;
        var (ensured, turns) = await EnsureUntilRunningAsync("MyBroker1");

        var broker = mq.ByName("MyBroker1"); // exactly one broker of that name
        Assert.Equal(BrokerStates.Running, broker.State);
        Assert.Equal(broker.Id, ensured.BrokerId);
        Assert.True(ensured.Created);
        Assert.Equal(3, turns); // create, delete, create again
        Assert.Equal((2, 1), (CallsOf("CreateBroker"), CallsOf("DeleteBroker")));
        Assert.Equal(1, ensured.Recreation!.Count);
        // The recreation has an idempotency token of its own (the first one belongs to the deleted broker).
        Assert.NotEqual(EnsureBrokerStep.CreatorRequestId("tutorial", "MyBroker1"), broker.Creation.CreatorRequestId);
        Assert.Equal(EnsureBrokerStep.CreatorRequestId("tutorial", "MyBroker1", ensured.Recreation.ReplacesBrokerId), broker.Creation.CreatorRequestId);
        Assert.Equal("tutorial", broker.Creation.Tags[BrokerTags.Network]);
    }

    [Fact]
    public async Task EnsureBrokers_NobsBrokerKeepsFailingCreation_FailsWithNamedErrorAfterMaxRecreations()
    {
        mq.FailCreationOf.Add("MyBroker2");
        var e = await Assert.ThrowsAsync<BrokerCreationFailedException>(() => EnsureUntilRunningAsync("MyBroker2"));

        Assert.Equal(("MyBroker2", BrokerRecreation.MaxRecreations), (e.BrokerName, e.Recreations));
        Assert.Contains("created it again 2 time(s)", e.Message, StringComparison.Ordinal);
        Assert.Equal((BrokerRecreation.MaxRecreations + 1, BrokerRecreation.MaxRecreations), (CallsOf("CreateBroker"), CallsOf("DeleteBroker")));
        Assert.Equal(BrokerStates.CreationFailed, mq.ByName("MyBroker2").State); // the last one stays, for its events
    }

    [Fact]
    public async Task EnsureBroker_NobsCreationFailedBrokerOfAnEarlierRun_IsDeletedForRecreation()
    {
        var failed = mq.Add("MyBroker1", BrokerStates.CreationFailed, createdFor: "tutorial");
        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None);

        Assert.Equal((failed.Id, WaitPhases.DeletionForRecreate), (ensured.BrokerId, ensured.Phase));
        Assert.Equal(new BrokerRecreation(1, failed.Id), ensured.Recreation);
        Assert.Equal(BrokerStates.DeletionInProgress, failed.State);
        Assert.Equal(0, CallsOf("CreateBroker"));
    }

    [Fact]
    public async Task EnsureBroker_AdoptedBrokerCreationFailed_FailsWithNamedErrorAndDeletesNothing()
    {
        var adopted = mq.Add("MyBroker1", BrokerStates.CreationFailed); // no nob tag
        var e = await Assert.ThrowsAsync<AdoptedBrokerCreationFailedException>(() => EnsureUntilRunningAsync("MyBroker1"));

        Assert.Equal("MyBroker1", e.BrokerName);
        Assert.Contains(adopted.Id, e.Message, StringComparison.Ordinal);
        Assert.Contains("delete it", e.Message, StringComparison.Ordinal);
        Assert.Equal((0, 0), (CallsOf("CreateBroker"), CallsOf("DeleteBroker")));
        Assert.Equal(BrokerStates.CreationFailed, adopted.State);
    }

    [Fact]
    public async Task EnsureBroker_BrokerOfAnotherNetworkCreationFailed_IsNotOursToDelete()
    {
        mq.Add("MyBroker1", BrokerStates.CreationFailed, createdFor: "other");
        await Assert.ThrowsAsync<AdoptedBrokerCreationFailedException>(() => new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None));
        Assert.Equal(0, CallsOf("DeleteBroker"));
    }

    [Fact]
    public async Task EnsureBroker_NameTakenByNobsOwnLostCreation_AdoptsThatBroker()
    {
        // The first attempt created the broker, its answer was lost; the retry (another token here) is answered 409.
        FakeBrokerService.Broker? first = null;
        mq.BeforeCreate = c =>
        {
            mq.BeforeCreate = null;
            first = mq.Add(c.BrokerName, BrokerStates.CreationInProgress, createdFor: "tutorial");
        };
        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None);

        Assert.NotNull(first);
        Assert.Equal((first.Id, true, WaitPhases.Creation), (ensured.BrokerId, ensured.Created, ensured.Phase));
        Assert.Single(mq.Brokers.Values, b => b.Creation.BrokerName == "MyBroker1");
    }

    [Fact]
    public async Task EnsureBroker_NameTakenBySomeoneElse_FailsWithBrokerNameConflict()
    {
        mq.BeforeCreate = c =>
        {
            mq.BeforeCreate = null;
            mq.Add(c.BrokerName, BrokerStates.CreationInProgress);
        };
        var e = await Assert.ThrowsAsync<BrokerNameConflictException>(() => new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None));

        Assert.Equal("MyBroker1", e.BrokerName);
        Assert.Contains("not created by nob", e.Message, StringComparison.Ordinal);
        Assert.Single(mq.Brokers.Values, b => b.Creation.BrokerName == "MyBroker1");
    }

    [Fact]
    public async Task BrokerState_DeletionForRecreateStuckPastTheTimeout_TimesOutByName()
    {
        mq.SettleAfterDescribes = null; // it never finishes deleting
        var b = mq.Add("MyBroker1", BrokerStates.DeletionInProgress, createdFor: "tutorial");
        var wait = new BrokerWait("MyBroker1", b.Id, WaitPhases.DeletionForRecreate, 3, Plan, clock.GetUtcNow() - TimeSpan.FromMinutes(61), Recreation: new BrokerRecreation(1, b.Id));

        var e = await Assert.ThrowsAsync<BrokerWaitTimedOutException>(() => new BrokerStateCheck(mq, clock).RunAsync(wait, None));
        Assert.Contains(BrokerStates.DeletionInProgress, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerState_CreationFailedOutsideTheBuildLoop_StillFailsAtOnce()
    {
        var b = mq.Add("MyBroker1", BrokerStates.CreationFailed, createdFor: "tutorial");
        var e = await Assert.ThrowsAsync<BrokerCreationFailedException>(() =>
            new BrokerStateCheck(mq, clock).RunAsync(new BrokerWait("MyBroker1", b.Id, WaitPhases.Creation, 0, Plan), None));
        Assert.Equal(0, e.Recreations);
    }
}
