using Nob.Core.Configuration;
using Nob.Core.Specs;
using Nob.Core.Verification;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

public class WorkflowStepTests : StepsOverFakes
{
    readonly NetworkSpec tutorial = Repo.Spec("tutorial");

    async Task<IReadOnlyList<EnsuredBroker>> EnsureAllRunningAsync(NetworkSpec spec)
    {
        var step = new EnsureBrokerStep(mq, ssm);
        var ensured = new List<EnsuredBroker>();
        foreach (var b in spec.Brokers) ensured.Add(await step.RunAsync(spec, b.Name, None));
        foreach (var b in mq.Brokers.Values) b.State = BrokerStates.Running;
        return ensured;
    }

    [Fact]
    public void Validate_Tutorial_GivesBrokersAndThePollingPlanOfItsSpec()
    {
        var validated = ValidateStep.Run(SpecReader.ReadValid(Repo.Example("tutorial")));
        Assert.Equal(["MyBroker1", "MyBroker2"], validated.Brokers);
        // The tutorial says intervalSeconds 30, timeoutMinutes 60; two brokers at 5 requests/s may check every second.
        Assert.Equal(new PollPlan(ExpectedCreationSeconds: 900, ExpectedRebootSeconds: 300, MinWaitSeconds: 1, MaxWaitSeconds: 30,
            TimeoutSeconds: 3600, MaxPolls: 3602, LingerSeconds: 0, LingerIntervalMilliseconds: 400), validated.Polling);
    }

    [Fact]
    public void Validate_BadSpec_ThrowsInvalidSpecExceptionWithEveryError()
    {
        var e = Assert.Throws<InvalidSpecException>(() => ValidateStep.Run(SpecReader.ReadValid(Repo.SpecJson("""{"type":"ring"}""", "A", "A"))));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public async Task EnsureBroker_NoBrokerWithTheName_CreatesItTaggedWithAStableRequestId()
    {
        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None);

        Assert.True(ensured.Created);
        var created = mq.Brokers[ensured.BrokerId].Creation;
        Assert.Equal(EnsureBrokerStep.CreatorRequestId("tutorial", "MyBroker1"), created.CreatorRequestId);
        Assert.NotEqual(EnsureBrokerStep.CreatorRequestId("tutorial", "MyBroker2"), created.CreatorRequestId);
        Assert.Equal("tutorial", created.Tags[BrokerTags.Network]);
        Assert.Equal("myCommonUser", created.Username);
        // The tutorial names no subnets or groups: Amazon MQ's default VPC, default subnet and default group apply.
        Assert.Empty(created.SubnetIds);
        Assert.Empty(created.SecurityGroups);
        Assert.Equal([Password], mq.PasswordsSeen);
    }

    [Fact]
    public async Task EnsureBroker_RunTwice_CreatesOneBroker()
    {
        var step = new EnsureBrokerStep(mq, ssm);
        var first = await step.RunAsync(tutorial, "MyBroker1", None);
        var second = await step.RunAsync(tutorial, "MyBroker1", None);
        Assert.Single(mq.Brokers);
        Assert.Equal(first.BrokerId, second.BrokerId);
        Assert.False(second.Created);
    }

    [Fact]
    public async Task EnsureBroker_ExistingActiveMqBroker_IsAdopted()
    {
        var existing = mq.Add("MyBroker1");
        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None);
        Assert.Equal(existing.Id, ensured.BrokerId);
        Assert.False(ensured.Created);
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("CreateBroker", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EnsureBroker_PasswordParameterMissing_FailsNamingItBeforeAnyAmazonMqCall(bool brokerExists)
    {
        if (brokerExists) mq.Add("MyBroker1");
        ssm.Values.Clear();

        var e = await Assert.ThrowsAsync<PasswordParameterMissingException>(() => new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None));

        Assert.Equal("/nob/tutorial/password", e.ParameterName);
        Assert.Contains("/nob/tutorial/password", e.Message, StringComparison.Ordinal);
        Assert.Contains("SecureString", e.Message, StringComparison.Ordinal);
        Assert.Empty(mq.Calls);
    }

    [Fact]
    public async Task EnsureBroker_NewBroker_IsTaggedWithThePasswordVersion()
    {
        ssm.Values["/nob/tutorial/password"] = Password + "-2"; // version 2

        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None);

        Assert.Equal("2", mq.Brokers[ensured.BrokerId].Creation.Tags[BrokerTags.PasswordVersion]);
        Assert.Equal(Password + "-2", mq.UserPasswords[ensured.BrokerId]);
    }

    [Theory]
    [InlineData("RABBITMQ", "SINGLE_INSTANCE", "engine RABBITMQ")]
    [InlineData("ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", "exists as ACTIVE_STANDBY_MULTI_AZ")]
    public async Task EnsureBroker_ExistingIncompatibleBroker_FailsNamingItAndWhy(string engine, string mode, string why)
    {
        mq.Add("MyBroker1", engine: engine, mode: mode);
        var e = await Assert.ThrowsAsync<BrokerNotUsableException>(() => new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, "MyBroker1", None));
        Assert.Contains("MyBroker1", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    static readonly PollPlan Plan = PollPlan.For(new PollingSpec(30, 60), brokers: 2);
    readonly ManualClock clock = ManualClock.AutoAdvancing();

    BrokerStateCheck StateStep => new(mq, clock);

    static BrokerWait Wait(string brokerId, int poll = 0, string phase = WaitPhases.Creation, DateTimeOffset? since = null, PollPlan? plan = null) =>
        new("A", brokerId, phase, poll, plan ?? Plan, since);

    [Theory]
    [InlineData(BrokerStates.Running, true, 0)]
    [InlineData(BrokerStates.CreationInProgress, false, 450)] // half of the expected 15 minutes
    [InlineData(BrokerStates.RebootInProgress, false, 450)]
    public async Task BrokerState_WaitableStates_ContinueOrSayHowLongToWait(string state, bool ready, int nextWait)
    {
        var b = mq.Add("A", state);
        var status = await StateStep.RunAsync(Wait(b.Id, poll: 3), None);
        Assert.Equal((ready, 4, state, nextWait), (status.Ready, status.Poll, status.State, status.NextWaitSeconds));
        Assert.Equal(clock.GetUtcNow(), status.Since); // the first check: the fake's `created` is later than the virtual clock's now, so now
        Assert.Equal(Plan, status.Polling);
    }

    [Fact]
    public async Task BrokerState_LaterCheck_KeepsWhenTheWaitBeganAndWaitsLessNearTheExpectedTime()
    {
        var b = mq.Add("A", BrokerStates.RebootInProgress);
        var since = clock.GetUtcNow().AddSeconds(-240);
        var status = await StateStep.RunAsync(Wait(b.Id, poll: 5, phase: WaitPhases.Reboot, since: since), None);
        Assert.Equal(since, status.Since);
        Assert.Equal(WaitPhases.Reboot, status.Phase);
        Assert.Equal(30, status.NextWaitSeconds); // 60 s before the expected 5 minutes: half of it
    }

    [Fact]
    public async Task BrokerState_AdoptedBrokerStillCreating_IsTimedFromItsOwnCreation()
    {
        var b = mq.Add("A", BrokerStates.CreationInProgress);
        b.Created = clock.GetUtcNow().AddSeconds(-880);
        var status = await StateStep.RunAsync(Wait(b.Id), None);
        Assert.Equal(b.Created, status.Since);
        Assert.Equal(10, status.NextWaitSeconds); // 20 s before the expected 15 minutes: half of it, not a 450 s first wait
    }

    [Fact]
    public async Task BrokerState_RerunFindsABrokerCreatingLongerThanTheTimeout_WaitsItsOwnTimeout()
    {
        // The build before timed out on this creation; the rerun's loop schedules from the broker's creation but gives it
        // its own polling.timeoutMinutes, counted from its first check.
        var b = mq.Add("A", BrokerStates.CreationInProgress);
        b.Created = clock.GetUtcNow().AddMinutes(-61);
        var first = await StateStep.RunAsync(Wait(b.Id), None);
        Assert.Equal((false, b.Created, clock.GetUtcNow()), (first.Ready, first.Since, first.WaitStarted));

        // Later turns carry WaitStarted: 59 minutes into this loop it still waits, at 60 it times out.
        var startedEarlier = clock.GetUtcNow().AddMinutes(-59);
        var later = await StateStep.RunAsync(new BrokerWait("A", b.Id, first.Phase, first.Poll, first.Polling, first.Since, WaitStarted: startedEarlier), None);
        Assert.Equal((false, startedEarlier), (later.Ready, later.WaitStarted));
        var e = await Assert.ThrowsAsync<BrokerWaitTimedOutException>(() =>
            StateStep.RunAsync(new BrokerWait("A", b.Id, later.Phase, later.Poll, later.Polling, later.Since, WaitStarted: clock.GetUtcNow().AddMinutes(-60)), None));
        Assert.Contains("CREATION_IN_PROGRESS after 60 min", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerState_CreationLoopFindsAnOldBrokerRebooting_WaitsFromNowInsteadOfTimingOut()
    {
        // An adopted broker created long ago that is rebooting (a build right after a failed one, a drift repair during a reboot).
        var b = mq.Add("A", BrokerStates.RebootInProgress);
        b.Created = clock.GetUtcNow().AddDays(-30);
        var status = await StateStep.RunAsync(Wait(b.Id), None);
        Assert.Equal((false, clock.GetUtcNow(), 450), (status.Ready, status.Since, status.NextWaitSeconds));
    }

    [Fact]
    public async Task BrokerState_CreatedInTheFuture_IsTimedFromNow()
    {
        var b = mq.Add("A", BrokerStates.CreationInProgress);
        b.Created = clock.GetUtcNow().AddMinutes(5); // clock skew
        var status = await StateStep.RunAsync(Wait(b.Id), None);
        Assert.Equal((clock.GetUtcNow(), 450), (status.Since, status.NextWaitSeconds));
    }

    [Fact]
    public async Task BrokerState_PastTheTimeout_TimesOutSayingHowLong()
    {
        var b = mq.Add("A", BrokerStates.CreationInProgress);
        var e = await Assert.ThrowsAsync<BrokerWaitTimedOutException>(() => StateStep.RunAsync(Wait(b.Id, poll: 40, since: clock.GetUtcNow().AddMinutes(-61)), None));
        Assert.Contains("CREATION_IN_PROGRESS after 61 min and 41 checks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerState_LastOfMaxPolls_TimesOutEvenIfTheClockSaysOtherwise()
    {
        var b = mq.Add("A", BrokerStates.CreationInProgress);
        var e = await Assert.ThrowsAsync<BrokerWaitTimedOutException>(() => StateStep.RunAsync(Wait(b.Id, poll: Plan.MaxPolls - 1), None));
        Assert.Contains($"after 0 s and {Plan.MaxPolls} checks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerState_Lingering_SeesRunningInTheSameInvocation()
    {
        var plan = Plan with { LingerSeconds = 10, LingerIntervalMilliseconds = 100 };
        var settling = new FakeBrokerService { SettleAfterDescribes = 4 };
        var b = settling.Add("A", BrokerStates.CreationInProgress);

        var status = await new BrokerStateCheck(settling, clock).RunAsync(Wait(b.Id, plan: plan), None);

        Assert.True(status.Ready);
        Assert.Equal(1, status.Poll);
        Assert.Equal(4, settling.Calls.Count(c => c.StartsWith("DescribeBroker", StringComparison.Ordinal)));
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)], clock.Delays);
    }

    [Fact]
    public async Task BrokerState_LingerEndsBeforeRunning_ReturnsNotReadyWithTheNextWait()
    {
        var plan = Plan with { LingerSeconds = 1, LingerIntervalMilliseconds = 300 };
        var b = mq.Add("A", BrokerStates.CreationInProgress);

        var status = await StateStep.RunAsync(Wait(b.Id, plan: plan), None);

        Assert.False(status.Ready);
        Assert.Equal(3, clock.Delays.Count); // at 0.3, 0.6 and 0.9 s; a fourth would end past the second
        Assert.Equal(4, mq.Calls.Count(c => c.StartsWith("DescribeBroker", StringComparison.Ordinal)));
        Assert.Equal(450, status.NextWaitSeconds); // 450 − 0.9 s, in whole seconds
    }

    [Fact]
    public async Task BrokerState_CreationFailed_RaisesNamedError()
    {
        var b = mq.Add("A", BrokerStates.CreationFailed);
        var e = await Assert.ThrowsAsync<BrokerCreationFailedException>(() => StateStep.RunAsync(Wait(b.Id), None));
        Assert.Equal("A", e.BrokerName);
    }

    [Fact]
    public async Task BrokerState_CriticalActionRequired_NamesTheActionCodes()
    {
        var b = mq.Add("A", BrokerStates.CriticalActionRequired);
        b.ActionsRequired.Add("INVALID_KMS_KEY");
        var e = await Assert.ThrowsAsync<BrokerNotUsableException>(() => StateStep.RunAsync(Wait(b.Id), None));
        Assert.Contains("INVALID_KMS_KEY", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BrokerStates.DeletionInProgress, "being deleted")]
    [InlineData(BrokerStates.Replica, "REPLICA")]
    public async Task BrokerState_UnusableStates_FailWithTheReason(string state, string reason)
    {
        var b = mq.Add("A", state);
        var e = await Assert.ThrowsAsync<BrokerNotUsableException>(() => StateStep.RunAsync(Wait(b.Id), None));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanNetwork_RunningBrokers_PlansWithTheirRealEndpoints()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var connector = Assert.Single(plan.Plan(tutorial).Broker("MyBroker1").Connectors);
        Assert.Equal($"static:(ssl://{mq.ByName("MyBroker2").Id}-1.mq.example:61617)", connector.Uri);
    }

    [Fact]
    public async Task PlanNetwork_EveryBrokerCreatedByThisBuild_RebootsThemAllAtOnce()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        Assert.All(ensured, e => Assert.True(e.Created));
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        Assert.Equal(RebootConcurrency.NewNetwork, plan.RebootConcurrency);
        Assert.True(plan.RebootConcurrency >= 21, "the largest mesh reboots in one wave");
    }

    [Fact]
    public async Task PlanNetwork_AnAdoptedBroker_RebootsAFewAtATime()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, [ensured[0], ensured[1] with { Created = false }], None);
        Assert.Equal(RebootConcurrency.LiveNetwork, plan.RebootConcurrency);
        Assert.True(plan.RebootConcurrency < 21, "a live mesh keeps most brokers up");
    }

    [Fact]
    public async Task OpenIngress_PrivateBrokersInOneVpc_OpensTargetGroupFromSourceGroup()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        ec2.Vpcs["sg-1"] = "vpc-1";
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var result = await new OpenIngressStep(ec2).RunAsync(tutorial, plan, null, None);

        var rule = Assert.Single(result.Rules).Rule;
        Assert.Equal(new IngressRule("sg-1", 61617, null, "sg-1", rule.Description), rule);
        Assert.Contains("tutorial", rule.Description, StringComparison.Ordinal);
        Assert.Contains("nob.tutorial.MyBroker1.to.MyBroker2", rule.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenIngress_ActiveStandbySourceNotInOneVpc_OpensFromEachInstanceIpAsSlash32()
    {
        var spec = SpecReader.ReadValid(Repo.Example("active-standby").Replace("\"sources\": [\"MyBroker1\"], \"sinks\": [\"MyBroker2\"]", "\"sources\": [\"MyBroker2\"], \"sinks\": [\"MyBroker1\"]", StringComparison.Ordinal));
        ssm.Values["/nob/active-standby/password"] = Password;
        var ensured = await EnsureAllRunningAsync(spec);
        var plan = await new PlanNetworkStep(mq).RunAsync(spec, ensured, None);
        var result = await new OpenIngressStep(ec2).RunAsync(spec, plan, null, None);

        Assert.Equal(2, result.Rules.Count);
        Assert.All(result.Rules, r => Assert.Matches(@"^10\.0\.0\.\d+/32$", r.Rule.SourceCidr));
        Assert.All(result.Rules, r => Assert.NotEqual("0.0.0.0/0", r.Rule.SourceCidr));
    }

    [Fact]
    public async Task OpenIngress_RulesAlreadyThere_CountAsSuccessNotAdded()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        await new OpenIngressStep(ec2).RunAsync(tutorial, plan, null, None);
        var second = await new OpenIngressStep(ec2).RunAsync(tutorial, plan, null, None);
        Assert.All(second.Rules, r => Assert.False(r.Added));
        Assert.Single(ec2.Rules);
    }

    [Fact]
    public async Task WriteRevision_NewBroker_WritesPendingRevisionAndNeedsReboot_ThenConvergesAfterReboot()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var step = new WriteConnectorRevisionStep(mq, ssm);

        var first = await step.RunAsync(tutorial, plan, "MyBroker1", None);
        Assert.True(first.Written);
        Assert.True(first.RebootRequired);
        Assert.Equal(2, first.Revision);
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], first.AddedConnectors);
        var broker = mq.ByName("MyBroker1");
        Assert.Equal(2, broker.PendingRevision);
        Assert.Single(ConfigurationReader.ManagedConnectors("MyBroker1", mq.Revisions[broker.ConfigurationId][1], "tutorial"));

        // A retry before the reboot writes nothing new but still asks for the reboot.
        var retried = await step.RunAsync(tutorial, plan, "MyBroker1", None);
        Assert.False(retried.Written);
        Assert.True(retried.RebootRequired);
        Assert.Equal(2, mq.Revisions[broker.ConfigurationId].Count);

        await new BrokerReboot(mq, clock).RunAsync(first, Plan, None);
        mq.FinishReboot(broker.Id);
        var converged = await step.RunAsync(tutorial, plan, "MyBroker1", None);
        Assert.False(converged.Written);
        Assert.False(converged.RebootRequired);
        Assert.Equal(1, broker.Reboots);
    }

    [Fact]
    public async Task WriteRevision_BrokerWithoutConnectors_ChangesNothing()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);
        Assert.False(result.Written);
        Assert.False(result.RebootRequired);
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("UpdateBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteRevision_AmazonMqWarnings_FailNamingWhatWasStripped()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        mq.NextWarnings.Add(new ConfigurationWarning("networkConnector", "prefetchSize", "DISALLOWED_ATTRIBUTE_REMOVED"));
        var e = await Assert.ThrowsAsync<ConfigurationRejectedException>(() =>
            new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None));
        Assert.Contains("DISALLOWED_ATTRIBUTE_REMOVED", e.Message, StringComparison.Ordinal);
        Assert.Contains("MyBroker1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("UpdateBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteRevision_AdoptedBrokerWithoutTheCommonUser_CreatesItAndNeedsReboot()
    {
        mq.Add("MyBroker1");
        mq.Add("MyBroker2");
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);
        Assert.True(result.UserCreated);
        Assert.True(result.RebootRequired);
        Assert.Contains("myCommonUser", mq.ByName("MyBroker2").Users);
        Assert.Equal([Password], mq.PasswordsSeen);
    }

    [Fact]
    public async Task WriteRevision_PasswordParameterChanged_UpdatesTheUserTagsTheBrokerAndNeedsReboot()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var broker = mq.ByName("MyBroker2");
        var before = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);
        Assert.False(before.PasswordUpdated);
        Assert.False(before.RebootRequired);
        ssm.Values["/nob/tutorial/password"] = "rotated-horse-battery"; // version 2

        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);

        Assert.True(result.PasswordUpdated);
        Assert.False(result.UserCreated);
        Assert.True(result.RebootRequired);
        Assert.Equal("rotated-horse-battery", mq.UserPasswords[broker.Id]);
        Assert.Contains(tutorial.User.Username, broker.UsersPending);
        var description = await mq.DescribeBrokerAsync(broker.Id, None);
        Assert.Equal("2", description.Tags[BrokerTags.PasswordVersion]);
        Assert.Equal(tutorial.NetworkName, description.Tags[BrokerTags.Network]);
        Assert.DoesNotContain(mq.Calls, c => c.Contains("rotated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteRevision_PasswordUpdatedButRebootFailed_StillNeedsRebootWithoutAnotherUpdate()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        ssm.Values["/nob/tutorial/password"] = "rotated-horse-battery";
        await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);
        var updates = mq.Calls.Count(c => c.StartsWith("UpdateUser", StringComparison.Ordinal));

        var retried = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);

        Assert.False(retried.PasswordUpdated);
        Assert.True(retried.RebootRequired); // the user's change is still pending
        Assert.Equal(updates, mq.Calls.Count(c => c.StartsWith("UpdateUser", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WriteRevision_AdoptedBrokerWithoutPasswordTag_UpdatesTheUserOnce()
    {
        var adopted = mq.Add("MyBroker2");
        adopted.Users.Add(tutorial.User.Username);
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);

        var first = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);
        mq.FinishReboot(adopted.Id);
        var second = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None);

        Assert.True(first.PasswordUpdated);
        Assert.Equal(Password, mq.UserPasswords[adopted.Id]);
        Assert.False(second.PasswordUpdated);
        Assert.False(second.RebootRequired);
    }

    [Fact]
    public async Task WriteRevision_PasswordParameterMissing_FailsNamingIt()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        ssm.Values.Clear();

        var e = await Assert.ThrowsAsync<PasswordParameterMissingException>(() => new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker2", None));

        Assert.Equal("/nob/tutorial/password", e.ParameterName);
    }

    [Fact]
    public async Task Reboot_BrokerNotRunning_FailsInsteadOfRebooting()
    {
        var b = mq.Add("A", BrokerStates.CreationInProgress);
        var revision = new RevisionResult("A", b.Id, b.ConfigurationId, 2, true, true, [], [], [], false);
        await Assert.ThrowsAsync<BrokerNotUsableException>(() => new BrokerReboot(mq, clock).RunAsync(revision, Plan, None));
        Assert.Equal(0, b.Reboots);
    }

    [Fact]
    public async Task Summarize_AfterABuild_ListsBrokersConnectorsAndNoSecret()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var ingress = await new OpenIngressStep(ec2).RunAsync(tutorial, plan, null, None);
        var time = new ManualClock(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var summary = await new SummarizeStep(mq, time).RunAsync(tutorial, ensured, plan, ingress, [], new VerificationResult("SKIPPED", "not asked", [], null), time.GetUtcNow().AddMinutes(-16), None);
        Assert.Equal(960, summary.ElapsedSeconds);
        Assert.Equal(["MyBroker1", "MyBroker2"], summary.Brokers.Select(b => b.BrokerName));
        Assert.All(summary.Brokers, b => Assert.NotEmpty(b.ConsoleUrls));
        Assert.Single(summary.Connectors);
        Assert.Equal("SKIPPED", summary.Verification.Status);
        Assert.DoesNotContain(Password, summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenIngress_WithVerifierGroup_OpensStompFromItOnEveryBrokerGroup()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var result = await new OpenIngressStep(ec2).RunAsync(tutorial, plan, new VerifierSource("sg-verify", ["203.0.113.7/32"]), None);
        var stomp = Assert.Single(result.Rules, r => r.Rule.Port == DesiredIngress.StompPort).Rule;
        Assert.Equal(("sg-1", "sg-verify", (string?)null), (stomp.SecurityGroupId, stomp.SourceSecurityGroupId, stomp.SourceCidr));
    }

    [Fact]
    public async Task OpenIngress_PublicBrokersWithVerifier_OpenStompFromTheVerifiersPublicAddressesOnly()
    {
        var spec = SpecReader.ReadValid(Repo.Example("tutorial").Replace("\"publiclyAccessible\": false", "\"publiclyAccessible\": true", StringComparison.Ordinal));
        var ensured = await EnsureAllRunningAsync(spec);
        var plan = await new PlanNetworkStep(mq).RunAsync(spec, ensured, None);
        Assert.All(plan.Brokers, b => Assert.True(b.PubliclyAccessible));
        var result = await new OpenIngressStep(ec2).RunAsync(spec, plan, new VerifierSource("sg-verify", ["203.0.113.7/32"]), None);
        var stomp = Assert.Single(result.Rules, r => r.Rule.Port == DesiredIngress.StompPort).Rule;
        Assert.Equal(("203.0.113.7/32", (string?)null), (stomp.SourceCidr, stomp.SourceSecurityGroupId));
        Assert.All(result.Rules.Where(r => r.Rule.Port == DesiredIngress.OpenWirePort), r => Assert.EndsWith("/32", r.Rule.SourceCidr));
    }

    [Fact]
    public async Task VerifyBridge_EveryPairDelivers_PassesListingEachPairWithoutThePassword()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var probe = FakeMessageProbe.Connected();
        var result = await new VerifyBridgeStep(ssm, probe, TimeProvider.System).RunAsync(tutorial, plan, None);
        Assert.Equal("PASSED", result.Status);
        Assert.Equal(["MyBroker1 -> MyBroker2", "MyBroker2 -> MyBroker1"], result.Pairs.Select(p => p.Split(':')[0]).Order());
        Assert.Contains(Password, probe.PasswordsSeen);
        Assert.DoesNotContain(Password, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBridge_BrokerWhoseMessagesGoNowhere_FailsNamingThePairAndCauses()
    {
        var ensured = await EnsureAllRunningAsync(tutorial);
        var plan = await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
        var probe = FakeMessageProbe.Connected();
        probe.Isolated.Add("MyBroker2");
        var spec = tutorial with { Verification = new VerificationSpec(true, 1) };
        var e = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => new VerifyBridgeStep(ssm, probe, TimeProvider.System).RunAsync(spec, plan, None));
        var failed = Assert.Single(e.Failures);
        Assert.Equal(("MyBroker2", "MyBroker1"), (failed.Sender, failed.Receiver));
        Assert.Contains("MyBroker2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBridge_Disabled_IsSkippedWithoutTouchingBrokers()
    {
        var spec = tutorial with { Verification = new VerificationSpec(false, 30) };
        var plan = new Nob.Core.Workflow.NetworkPlanResult("tutorial", []);
        var result = await new VerifyBridgeStep(ssm, FakeMessageProbe.Connected(), TimeProvider.System).RunAsync(spec, plan, None);
        Assert.Equal("SKIPPED", result.Status);
        Assert.Empty(mq.Calls);
    }

    [Fact]
    public void Secret_ToString_NeverShowsTheValue() => Assert.Equal("***", new Secret(Password).ToString());
}
