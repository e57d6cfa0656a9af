using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Configuration;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

public class LifecycleStepTests : StepsOverFakes
{
    readonly FakeNetworkStore store = new();
    readonly ManualClock time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    static readonly XNamespace Core = ConnectorConfigurationWriter.Core;

    public LifecycleStepTests()
    {
        ssm.Values["/nob/other/password"] = Password;
        ssm.Values["/nob/tutorial2/password"] = Password;
        ec2.Vpcs["sg-1"] = "vpc-1";
        ec2.Vpcs["sg-2"] = "vpc-1";
    }

    static string TutorialAs(string networkName)
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["networkName"] = networkName;
        spec["user"]!["passwordParameter"] = $"/nob/{networkName}/password";
        // The example leaves the group to the default VPC; name it, so a test can put another network in another group.
        spec["brokerDefaults"]!["securityGroups"] = new JsonArray("sg-1");
        return spec.ToJsonString();
    }

    /// <summary>The Amazon MQ calls the last <see cref="BuildAsync"/>'s store step made.</summary>
    IReadOnlyList<string> storeCalls = [];

    /// <summary>The build workflow over the fakes, as the ASL runs it, ending with the store step.</summary>
    async Task<IReadOnlyList<EnsuredBroker>> BuildAsync(string specJson)
    {
        var spec = SpecReader.ReadValid(specJson);
        var built = await SlowPathAsync(spec);
        mq.Calls.Clear();
        await new StoreNetworkStep(store, time).RunAsync(spec, specJson, built.Plan, built.Brokers, "exec-1", None);
        storeCalls = [.. mq.Calls];
        return built.Brokers;
    }

    Task<DriftCheck> CheckAsync(string networkName = "tutorial") => new CheckDriftStep(mq, ec2, store, verifier, time).RunAsync(networkName, None);

    /// <summary>Makes a new revision from the broker's current XML and applies it, as a person editing it in the console would.</summary>
    void EditCurrentRevision(string brokerName, Action<XDocument> edit)
    {
        var broker = mq.ByName(brokerName);
        var document = XDocument.Parse(mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1]);
        edit(document);
        mq.Revisions[broker.ConfigurationId].Add(document.ToString());
        broker.CurrentRevision = mq.Revisions[broker.ConfigurationId].Count;
    }

    static IEnumerable<string> ConnectorNames(string xml) =>
        XDocument.Parse(xml).Descendants(Core + "networkConnector").Select(e => (string)e.Attribute("name")!);

    string CurrentXml(string brokerName)
    {
        var broker = mq.ByName(brokerName);
        return mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1];
    }

    // ---- store and list

    [Fact]
    public async Task StoreNetwork_AfterABuild_RecordsSpecBrokersAndConnectors()
    {
        mq.Add("MyBroker2"); // adopted
        var ensured = await BuildAsync(Repo.Example("tutorial"));

        var record = await store.GetAsync("tutorial", None);
        Assert.NotNull(record);
        Assert.Equal(Repo.Example("tutorial"), record.SpecJson);
        Assert.Equal([new StoredBroker("MyBroker1", ensured[0].BrokerId, true), new StoredBroker("MyBroker2", ensured[1].BrokerId, false)], record.Brokers);
        Assert.Equal(["MyBroker1 <==> MyBroker2"], record.Connectors);
        Assert.Equal(("exec-1", time.GetUtcNow()), (record.ExecutionName, record.StoredAt));
        // The brokers, their ids and tags came from the plan the execution had: none was described again.
        Assert.DoesNotContain(storeCalls, c => c.StartsWith("DescribeBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoreNetwork_BrokerTaggedForTheNetworkButReportedAdopted_IsStoredAsCreated()
    {
        var ensured = await BuildAsync(Repo.Example("tutorial"));
        // A second build adopts what the first created; the tag still says nob created it.
        var adopted = ensured.Select(e => e with { Created = false }).ToList();
        var spec = SpecReader.ReadValid(Repo.Example("tutorial"));
        var plan = await new PlanNetworkStep(mq).RunAsync(spec, adopted, None);
        var stored = await new StoreNetworkStep(store, time).RunAsync(spec, Repo.Example("tutorial"), plan, adopted, null, None);

        Assert.Equal(("tutorial", "/nob/networks/tutorial", 2, 1), (stored.NetworkName, stored.ParameterName, stored.Brokers, stored.Connectors));
        Assert.All((await store.GetAsync("tutorial", None))!.Brokers, b => Assert.True(b.Created));
    }

    [Fact]
    public async Task ListNetworks_NoName_ListsEveryStoredNetworkSorted()
    {
        Assert.Empty(await new ListNetworksStep(store).RunAsync(null, None));
        await BuildAsync(TutorialAs("tutorial"));
        await BuildAsync(TutorialAs("other"));
        Assert.Equal(["other", "tutorial"], await new ListNetworksStep(store).RunAsync(null, None));
    }

    [Fact]
    public async Task ListNetworks_NameNotStored_ThrowsNetworkNotFoundSayingToBuildFirst()
    {
        var e = await Assert.ThrowsAsync<NetworkNotFoundException>(() => new ListNetworksStep(store).RunAsync("nope", None));
        Assert.Contains("build-network", e.Message, StringComparison.Ordinal);
    }

    // ---- drift

    [Fact]
    public async Task CheckDrift_FreshBuild_IsInSyncWithAPlanForVerification()
    {
        await BuildAsync(Repo.Example("tutorial"));
        var check = await CheckAsync();
        Assert.Empty(check.Report.Findings);
        Assert.True(check.Report.InSync);
        Assert.Equal("Network In Sync", check.Report.DetailType);
        Assert.Equal(time.GetUtcNow(), check.Report.CheckedAt);
        Assert.NotNull(check.Plan);
        Assert.Equal(["MyBroker1", "MyBroker2"], check.Plan.Brokers.Select(b => b.BrokerName));
        Assert.Equal(Repo.Example("tutorial"), check.SpecJson);
    }

    [Fact]
    public async Task VerifyBridge_SpecTextADriftCheckPassedOn_UsesTheSpecAndPlanAlreadyKept()
    {
        var text = SpecMemoTests.UniqueTutorial();
        await BuildAsync(text);

        var check = await CheckAsync();
        // The check read the stored text through the memo, so this is its instance, already planned with these endpoints.
        var spec = SpecMemo.ReadValid(check.SpecJson);
        Assert.Equal(1, PlanMemo.TimesPlanned(spec));
        // VerifyBridge gets the same text from the check's output and finds the plan kept.
        var verified = await new VerifyBridgeStep(ssm, FakeMessageProbe.Connected(), ManualClock.AutoAdvancing())
            .RunAsync(SpecMemo.ReadValid(check.SpecJson), check.Plan!, None);

        Assert.Equal("PASSED", verified.Status);
        Assert.Equal(1, PlanMemo.TimesPlanned(spec));
    }

    [Fact]
    public async Task CheckDrift_ConnectorRemovedFromTheCurrentRevision_ReportsConnectorMissing()
    {
        await BuildAsync(Repo.Example("tutorial"));
        EditCurrentRevision("MyBroker1", d => d.Descendants(Core + "networkConnectors").Remove());

        var report = (await CheckAsync()).Report;

        var finding = Assert.Single(report.Findings);
        Assert.Equal((DriftKinds.ConnectorMissing, "MyBroker1"), (finding.Kind, finding.BrokerName));
        Assert.Contains("nob.tutorial.MyBroker1.to.MyBroker2", finding.Detail, StringComparison.Ordinal);
        Assert.False(report.InSync);
        Assert.Equal("Network Drift Detected", report.DetailType);
    }

    [Fact]
    public async Task CheckDrift_ConnectorAttributeChangedOrExtraManagedConnector_ReportsChangedAndUnexpected()
    {
        await BuildAsync(Repo.Example("tutorial"));
        EditCurrentRevision("MyBroker1", d =>
        {
            var connector = d.Descendants(Core + "networkConnector").Single();
            connector.SetAttributeValue("networkTTL", "9");
            connector.AddAfterSelf(new XElement(connector));
            ((XElement)connector.NextNode!).SetAttributeValue("name", "nob.tutorial.MyBroker1.to.Gone");
        });

        var findings = (await CheckAsync()).Report.Findings;

        Assert.Equal([DriftKinds.ConnectorUnexpected, DriftKinds.ConnectorChanged], findings.Select(f => f.Kind).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task CheckDrift_UsersOwnEditsOutsideTheManagedConnectors_AreNotDrift()
    {
        await BuildAsync(Repo.Example("tutorial"));
        EditCurrentRevision("MyBroker2", d =>
        {
            d.Root!.SetAttributeValue("schedulePeriodForDestinationPurge", "10000");
            d.Root.Add(new XElement(Core + "networkConnectors",
                new XElement(Core + "networkConnector", new XAttribute("name", "my.own.bridge"), new XAttribute("uri", "static:(ssl://elsewhere.example:61617)"),
                    new XAttribute("userName", "someone"))));
        });

        var report = (await CheckAsync()).Report;

        Assert.True(report.InSync, string.Join("; ", report.Findings));
    }

    [Fact]
    public async Task CheckDrift_IngressRuleRevoked_ReportsIngressMissingNamingGroupPortAndSource()
    {
        await BuildAsync(Repo.Example("tutorial"));
        Assert.Equal(2, ec2.Rules.Count);
        ec2.Rules.RemoveAll(r => r.Port == DesiredIngress.OpenWirePort);

        var finding = Assert.Single((await CheckAsync()).Report.Findings);

        Assert.Equal(DriftKinds.IngressMissing, finding.Kind);
        Assert.Contains("sg-1", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("61617 from sg-1", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckDrift_RuleCoveredByAWiderRuleOfSomeoneElse_IsNotDrift()
    {
        await BuildAsync(Repo.Example("tutorial"));
        ec2.Rules.RemoveAll(r => r.Port == DesiredIngress.OpenWirePort);
        ec2.OtherRules.Add(new ExistingIngressRule("sg-1", "tcp", 61000, 62000, null, "sg-1", "team's broker range"));

        Assert.True((await CheckAsync()).Report.InSync);
    }

    [Fact]
    public async Task CheckDrift_BrokerNotRunning_ReportsItAndSkipsTheRestWithoutAPlan()
    {
        await BuildAsync(Repo.Example("tutorial"));
        mq.ByName("MyBroker2").State = BrokerStates.RebootInProgress;
        ec2.Rules.Clear(); // would be drift, but cannot be judged now

        var check = await CheckAsync();

        Assert.Null(check.Plan);
        Assert.Equal([DriftKinds.BrokerNotRunning, DriftKinds.NotChecked], check.Report.Findings.Select(f => f.Kind));
        Assert.Contains("REBOOT_IN_PROGRESS", check.Report.Findings[0].Detail, StringComparison.Ordinal);
        Assert.Contains("MyBroker2", check.Report.Findings[1].Detail, StringComparison.Ordinal);
        Assert.False(check.Report.InSync);
    }

    [Fact]
    public async Task CheckDrift_BrokerDeleted_ReportsBrokerMissingAndNotChecked()
    {
        var ensured = await BuildAsync(Repo.Example("tutorial"));
        mq.Brokers.Remove(ensured[0].BrokerId);

        var check = await CheckAsync();

        Assert.Null(check.Plan);
        Assert.Equal([(DriftKinds.BrokerMissing, "MyBroker1"), (DriftKinds.NotChecked, null)], check.Report.Findings.Select(f => (f.Kind, f.BrokerName)));
    }

    [Fact]
    public async Task CheckDrift_PendingRevisionNotApplied_ReportsPendingRevision()
    {
        await BuildAsync(Repo.Example("tutorial"));
        var broker = mq.ByName("MyBroker2");
        mq.Revisions[broker.ConfigurationId].Add(mq.Revisions[broker.ConfigurationId][0]);
        broker.PendingRevision = mq.Revisions[broker.ConfigurationId].Count;

        var finding = Assert.Single((await CheckAsync()).Report.Findings);

        Assert.Equal((DriftKinds.PendingRevision, "MyBroker2"), (finding.Kind, finding.BrokerName));
        Assert.Contains($"revision {broker.PendingRevision} is pending", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckDrift_CommonUserDeleted_ReportsUserMissing()
    {
        await BuildAsync(Repo.Example("tutorial"));
        var username = SpecReader.ReadValid(Repo.Example("tutorial")).User.Username;
        Assert.True(mq.ByName("MyBroker2").Users.Remove(username));

        var report = (await CheckAsync()).Report;

        var finding = Assert.Single(report.Findings);
        Assert.Equal((DriftKinds.UserMissing, "MyBroker2"), (finding.Kind, finding.BrokerName));
        Assert.Contains(username, finding.Detail, StringComparison.Ordinal);
        Assert.False(report.InSync);
    }

    [Fact]
    public async Task CheckDrift_UserChangeWaitingForAReboot_ReportsUserChangePending()
    {
        await BuildAsync(Repo.Example("tutorial"));
        mq.ByName("MyBroker1").UsersPending.Add("someone");

        var finding = Assert.Single((await CheckAsync()).Report.Findings);

        Assert.Equal((DriftKinds.UserChangePending, "MyBroker1"), (finding.Kind, finding.BrokerName));
        Assert.Contains("someone", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckDrift_BrokerSharedWithAnotherNetwork_EachNetworkIsInSyncAndARebuildWritesNothing()
    {
        await BuildAsync(TutorialAs("tutorial"));
        await BuildAsync(TutorialAs("tutorial2")); // adopts both brokers and adds its connector after tutorial's
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2", "nob.tutorial2.MyBroker1.to.MyBroker2"], ConnectorNames(CurrentXml("MyBroker1")));

        foreach (var network in new[] { "tutorial", "tutorial2" })
        {
            var report = (await CheckAsync(network)).Report;
            Assert.True(report.InSync, $"{network}: {string.Join("; ", report.Findings)}");
        }

        var before = mq.Calls.Count;
        await BuildAsync(TutorialAs("tutorial"));
        await BuildAsync(TutorialAs("tutorial2"));
        Assert.DoesNotContain(mq.Calls.Skip(before), c => c.StartsWith("UpdateConfiguration", StringComparison.Ordinal)
            || c.StartsWith("UpdateBroker", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckDrift_NetworkNotStored_ThrowsNetworkNotFound() =>
        await Assert.ThrowsAsync<NetworkNotFoundException>(() => CheckAsync("nope"));

    [Fact]
    public void ReportDrift_VerificationFailed_AddsBridgeFailedWithTheLambdasErrorMessage()
    {
        var report = DriftReport.From("tutorial", [], time.GetUtcNow().AddMinutes(-1));
        var cause = """{"errorType":"BridgeVerificationFailedException","errorMessage":"MyBroker1 -> MyBroker2: no message within 30 s","stackTrace":[]}""";

        var final = new ReportDriftStep(time).Run(report, null, ("BridgeVerificationFailedException", cause));

        var finding = Assert.Single(final.Findings);
        Assert.Equal(DriftKinds.BridgeFailed, finding.Kind);
        Assert.Equal("bridge verification failed: MyBroker1 -> MyBroker2: no message within 30 s", finding.Detail);
        Assert.False(final.InSync);
        Assert.Equal("Network Drift Detected", final.DetailType);
        Assert.Equal(time.GetUtcNow(), final.CheckedAt);
    }

    [Fact]
    public void ReportDrift_ErrorWithPlainCause_ShowsErrorAndCause()
    {
        var final = new ReportDriftStep(time).Run(DriftReport.From("tutorial", [], time.GetUtcNow()), null, ("States.Timeout", "Task timed out"));
        Assert.Equal("bridge verification failed: States.Timeout: Task timed out", Assert.Single(final.Findings).Detail);
    }

    [Fact]
    public void ReportDrift_VerificationPassed_KeepsTheCheckFindingsAndInSync()
    {
        var passed = new VerificationResult("PASSED", "2 pair(s)", ["A -> B: 3 ms"], 3);
        Assert.True(new ReportDriftStep(time).Run(DriftReport.From("tutorial", [], time.GetUtcNow()), passed, null).InSync);

        var drift = DriftReport.From("tutorial", [new DriftFinding(DriftKinds.IngressMissing, null, "x")], time.GetUtcNow());
        var final = new ReportDriftStep(time).Run(drift, passed, null);
        Assert.False(final.InSync);
        Assert.Single(final.Findings);
    }

    // ---- teardown

    [Fact]
    public async Task PlanTeardown_StoredNetwork_UsesTheStoredSpecAndItsPollBounds()
    {
        await BuildAsync(Repo.Example("tutorial"));
        var plan = await new PlanTeardownStep(store).RunAsync("tutorial", GivenSpecs.Of(TutorialAs("other")), None);
        Assert.Equal((Repo.Example("tutorial"), true), (plan.SpecJson, plan.Stored));
        // The tutorial's polling (30 s, 60 min) with Amazon MQ's usual deletion time, for its two brokers' loops.
        Assert.Equal(PollPlan.For(new PollingSpec(30, 60), 2), plan.Polling);
        Assert.Equal((300, 30, 3600), (plan.Polling.ExpectedDeletionSeconds, plan.Polling.MaxWaitSeconds, plan.Polling.TimeoutSeconds));
        Assert.Equal(["MyBroker1", "MyBroker2"], plan.Brokers);
    }

    [Fact]
    public async Task PlanTeardown_PollingGiven_WaitsByItInsteadOfTheStoredSpecs()
    {
        await BuildAsync(Repo.Example("tutorial"));

        var plan = await new PlanTeardownStep(store).RunAsync("tutorial", null, None,
            SpecReader.ReadValidPolling(JsonNode.Parse("""{"intervalSeconds": 1, "timeoutMinutes": 10, "expectedDeletionSeconds": 1}""")));

        Assert.Equal(PollPlan.For(new PollingSpec(1, 10, ExpectedDeletionSeconds: 1), 2), plan.Polling);
        Assert.Equal(Repo.Example("tutorial"), plan.SpecJson); // the stored spec itself is unchanged
    }

    [Fact]
    public void ReadValidPolling_TeardownPollingOutOfRange_ThrowsInvalidSpecNamingTheField()
    {
        var e = Assert.Throws<InvalidSpecException>(() => SpecReader.ReadValidPolling(JsonNode.Parse("""{"expectedDeletionSeconds": 0}""")));

        Assert.Equal(["polling.expectedDeletionSeconds"], e.Errors.Select(x => x.Path));
    }

    [Fact]
    public void ReadValidPolling_IntervalLongerThanTimeout_ThrowsAsForASpec()
    {
        var e = Assert.Throws<InvalidSpecException>(() => SpecReader.ReadValidPolling(JsonNode.Parse("""{"intervalSeconds": 120, "timeoutMinutes": 1}""")));

        Assert.Equal(["polling.intervalSeconds"], e.Errors.Select(x => x.Path));
    }

    [Fact]
    public async Task PlanTeardown_InvalidSpecGivenButStored_UsesTheStoredSpec()
    {
        await BuildAsync(Repo.Example("tutorial"));

        var plan = await new PlanTeardownStep(store).RunAsync("tutorial", GivenSpecs.Of("""{"networkName": "tutorial"}"""), None);

        Assert.Equal((Repo.Example("tutorial"), true), (plan.SpecJson, plan.Stored));
        Assert.Equal(["MyBroker1", "MyBroker2"], plan.Brokers);
    }

    [Fact]
    public async Task PlanTeardown_InvalidSpecGivenNothingStored_ThrowsInvalidSpecWithItsErrors()
    {
        var given = GivenSpecs.Of("""{"networkName": "tutorial"}""");

        var e = await Assert.ThrowsAsync<InvalidSpecException>(() => new PlanTeardownStep(store).RunAsync("tutorial", given, None));

        Assert.Equal(given.Errors, e.Errors);
    }

    [Fact]
    public async Task PlanTeardown_NotStored_UsesTheGivenSpecOnlyWhenItNamesTheNetwork()
    {
        var plan = await new PlanTeardownStep(store).RunAsync("other", GivenSpecs.Of(TutorialAs("other")), None);
        Assert.False(plan.Stored);
        Assert.Equal("other", plan.NetworkName);

        var e = await Assert.ThrowsAsync<NetworkNotFoundException>(() => new PlanTeardownStep(store).RunAsync("tutorial", GivenSpecs.Of(TutorialAs("other")), None));
        Assert.Contains("\"other\"", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NetworkNotFoundException>(() => new PlanTeardownStep(store).RunAsync("tutorial", null, None));
    }

    [Fact]
    public async Task RevokeIngress_AfterABuild_RevokesOnlyRulesWithTheNetworksPrefix()
    {
        await BuildAsync(TutorialAs("tutorial"));
        // Another network in its own group: EC2 keeps one rule per group, port and source, whatever the description.
        await BuildAsync(TutorialAs("tutorial2").Replace("\"sg-1\"", "\"sg-2\"", StringComparison.Ordinal)
            .Replace("\"MyBroker1\"", "\"Other1\"", StringComparison.Ordinal).Replace("\"MyBroker2\"", "\"Other2\"", StringComparison.Ordinal));
        var others = new ExistingIngressRule[]
        {
            new("sg-1", "tcp", 61617, 61617, "192.0.2.10/32", null, "office VPN"),
            new("sg-1", "tcp", 61617, 61617, "192.0.2.11/32", null, null),
            new("sg-1", "tcp", 61617, 61617, "192.0.2.12/32", null, "nob tutorial"), // not the prefix: no trailing space
        };
        ec2.OtherRules.AddRange(others);
        var before = ec2.Rules.Count;

        var revoked = await new RevokeIngressStep(mq, ec2, store, verifier).RunAsync(SpecReader.ReadValid(TutorialAs("tutorial")), None);

        Assert.Equal(2, revoked.Count); // the connector's OpenWire rule and the verifier's STOMP rule
        Assert.All(revoked, r => Assert.StartsWith("nob tutorial ", r.Description, StringComparison.Ordinal));
        Assert.Equal(others, ec2.OtherRules);
        Assert.Equal(before - 2, ec2.Rules.Count);
        Assert.Equal(2, ec2.Rules.Count);
        Assert.All(ec2.Rules, r => Assert.StartsWith("nob tutorial2 ", r.Description, StringComparison.Ordinal));
        Assert.Empty(await new RevokeIngressStep(mq, ec2, store, verifier).RunAsync(SpecReader.ReadValid(TutorialAs("tutorial")), None));
    }

    [Fact]
    public async Task RevokeIngress_RuleAnotherStoredNetworkNeeds_IsSpared()
    {
        // tutorial2 adopts tutorial's brokers' group: both need sg-1 tcp 61617 from sg-1, one EC2 rule labelled "nob tutorial …".
        await BuildAsync(TutorialAs("tutorial"));
        await BuildAsync(TutorialAs("tutorial2").Replace("\"MyBroker1\"", "\"Other1\"", StringComparison.Ordinal).Replace("\"MyBroker2\"", "\"Other2\"", StringComparison.Ordinal));
        Assert.Contains(ec2.Rules, r => r.Description.StartsWith("nob tutorial ", StringComparison.Ordinal) && r.Port == 61617);

        var revoked = await new RevokeIngressStep(mq, ec2, store, verifier).RunAsync(SpecReader.ReadValid(TutorialAs("tutorial")), None);

        Assert.Empty(revoked); // every "nob tutorial" rule is one tutorial2 needs too
        Assert.True((await CheckAsync("tutorial2")).Report.InSync);
    }

    [Fact]
    public async Task RevokeIngress_OtherNetworkThatCannotBePlanned_ProtectsItsGroups()
    {
        await BuildAsync(TutorialAs("tutorial"));
        // A stored network in the same group whose brokers are gone: nob cannot tell which rules it needs, so it keeps them all.
        await store.PutAsync(new NetworkRecord(NetworkRecord.CurrentSchemaVersion, "tutorial2",
            TutorialAs("tutorial2").Replace("\"MyBroker1\"", "\"Gone1\"", StringComparison.Ordinal).Replace("\"MyBroker2\"", "\"Gone2\"", StringComparison.Ordinal),
            [], [], DateTimeOffset.UnixEpoch, null), None);

        var revoked = await new RevokeIngressStep(mq, ec2, store, verifier).RunAsync(SpecReader.ReadValid(TutorialAs("tutorial")), None);

        Assert.DoesNotContain(revoked, r => r.SecurityGroupId == "sg-1");
    }

    [Fact]
    public async Task TeardownBroker_CreatedBrokerAnotherStoredNetworkUses_IsUnwiredNotDeleted()
    {
        await BuildAsync(TutorialAs("tutorial"));
        // tutorial2 adopts MyBroker1, which nob created (and tagged) for tutorial.
        await BuildAsync(TutorialAs("tutorial2").Replace("\"MyBroker2\"", "\"Other2\"", StringComparison.Ordinal));

        var first = await TurnAsync("MyBroker1");

        Assert.NotEqual(TeardownActions.Delete, first.Action);
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));
        Assert.Equal(BrokerStates.RebootInProgress, mq.ByName("MyBroker1").State); // unwired: tutorial's connector removed, rebooting
        mq.FinishReboot(mq.ByName("MyBroker1").Id);
        Assert.DoesNotContain("nob.tutorial.MyBroker1.to.MyBroker2", ConnectorNames(CurrentXml("MyBroker1")));
        Assert.Contains("nob.tutorial2.MyBroker1.to.Other2", ConnectorNames(CurrentXml("MyBroker1")));
    }

    [Fact]
    public async Task Store_BrokerTheNewSpecNoLongerNames_IsKeptAsRetiredAndTornDown()
    {
        var three = JsonNode.Parse(TutorialAs("tutorial"))!;
        three["brokers"]!.AsArray().Add(new JsonObject { ["name"] = "MyBroker3" });
        three["topology"] = new JsonObject { ["type"] = "mesh" };
        await BuildAsync(three.ToJsonString());
        await BuildAsync(TutorialAs("tutorial")); // MyBroker3 dropped from the spec; the build leaves it running

        var record = await store.GetAsync("tutorial", None);
        Assert.Equal(["MyBroker3"], record!.RetiredBrokers!.Select(b => b.BrokerName));
        var plan = await new PlanTeardownStep(store).RunAsync("tutorial", null, None);
        Assert.Contains("MyBroker3", plan.Brokers);
        Assert.Equal(TeardownActions.Delete, (await TurnAsync("MyBroker3")).Action);
    }

    [Fact]
    public async Task PlanTeardown_NewerSpecGivenWhoseBuildWasNotStored_IncludesItsBrokers()
    {
        await BuildAsync(TutorialAs("tutorial"));
        var newer = JsonNode.Parse(TutorialAs("tutorial"))!;
        newer["brokers"]!.AsArray().Add(new JsonObject { ["name"] = "MyBroker3" });
        newer["topology"] = new JsonObject { ["type"] = "mesh" };

        var plan = await new PlanTeardownStep(store).RunAsync("tutorial", GivenSpecs.Of(newer.ToJsonString()), None);

        Assert.Equal(["MyBroker1", "MyBroker2", "MyBroker3"], plan.Brokers);
        Assert.True(plan.Stored);
    }

    static readonly PollPlan TeardownPolling = PollPlan.For(new PollingSpec(30, 60), 2);

    /// <summary>A turn as the loop runs it: the first from the plan, every later one from the status before (the ASL passes it on).</summary>
    async Task<BrokerTeardownStatus> TurnAsync(string brokerName, BrokerTeardownStatus? after = null) =>
        await new TeardownBrokerStep(mq, store, time).RunAsync(after is null
            ? new BrokerTeardown("tutorial", brokerName, 0, TeardownPolling)
            : new BrokerTeardown(after.NetworkName, after.BrokerName, after.Poll, after.Polling, after.Started, after.Phase, after.Since), None);

    [Fact]
    public async Task TeardownBroker_CreatedBrokerStillCreating_IsDeletedOnlyOnceRunning()
    {
        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);

        var waiting = await TurnAsync("MyBroker1");
        Assert.Equal((TeardownActions.None, "waiting for RUNNING to delete", false, 1), (waiting.Action, waiting.Outcome, waiting.Done, waiting.Poll));
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));

        mq.Brokers[ensured.BrokerId].State = BrokerStates.Running;
        var deleting = await TurnAsync("MyBroker1", waiting);
        Assert.Equal((TeardownActions.Delete, "deleting", false, ensured.BrokerId), (deleting.Action, deleting.Outcome, deleting.Done, deleting.BrokerId));

        var stillDeleting = await TurnAsync("MyBroker1", deleting);
        Assert.Equal((TeardownActions.None, BrokerStates.DeletionInProgress, false), (stillDeleting.Action, stillDeleting.State, stillDeleting.Done));
        Assert.Single(mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));

        mq.FinishDeletion(ensured.BrokerId);
        var gone = await TurnAsync("MyBroker1", stillDeleting);
        Assert.Equal((true, "deleted", (string?)null, 4), (gone.Done, gone.Outcome, gone.BrokerId, gone.Poll));
    }

    [Fact]
    public async Task TeardownBroker_BrokerAbsentOnTheFirstTurn_IsDoneAbsentNotDeleted()
    {
        var status = await TurnAsync("MyBroker1");
        Assert.Equal((true, "absent", TeardownActions.None, 1), (status.Done, status.Outcome, status.Action, status.Poll));
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeardownBroker_BrokerGoneBetweenListAndDescribe_IsDoneDeleted()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.GoneOnDescribe.Add(mq.ByName("MyBroker1").Id);
        mq.Calls.Clear();

        var status = await new TeardownBrokerStep(mq, store, time).RunAsync(new BrokerTeardown("tutorial", "MyBroker1", 3, TeardownPolling), None);

        Assert.Equal((true, "deleted", TeardownActions.None), (status.Done, status.Outcome, status.Action));
        Assert.All(mq.Calls, c => Assert.True(c.StartsWith("ListBrokers", StringComparison.Ordinal) || c.StartsWith("DescribeBroker", StringComparison.Ordinal), c)); // nothing else asked of a gone broker
    }

    [Fact]
    public async Task TeardownBroker_CreationFailed_IsDeleted()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.ByName("MyBroker1").State = BrokerStates.CreationFailed;
        Assert.Equal(TeardownActions.Delete, (await TurnAsync("MyBroker1")).Action);
        Assert.Equal(BrokerStates.DeletionInProgress, mq.ByName("MyBroker1").State);
    }

    [Fact]
    public async Task TeardownBroker_AdoptedBroker_IsUnwiredKeepingUserXmlAndOtherNetworksConnectors()
    {
        var adopted = mq.Add("MyBroker1");
        await BuildAsync(TutorialAs("tutorial"));
        await BuildAsync(TutorialAs("other"));
        EditCurrentRevision("MyBroker1", d => d.Root!.SetAttributeValue("schedulePeriodForDestinationPurge", "10000"));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2", "nob.other.MyBroker1.to.MyBroker2"], ConnectorNames(CurrentXml("MyBroker1")).Order(StringComparer.Ordinal).Reverse());

        var first = await TurnAsync("MyBroker1");
        Assert.Equal((TeardownActions.Unwire, "removing connectors", false), (first.Action, first.Outcome, first.Done));
        Assert.Equal(BrokerStates.RebootInProgress, adopted.State);
        var waiting = await TurnAsync("MyBroker1", first);
        Assert.Equal((TeardownActions.None, false), (waiting.Action, waiting.Done));

        mq.FinishReboot(adopted.Id);
        var done = await TurnAsync("MyBroker1", waiting);
        Assert.Equal((true, "connectors removed"), (done.Done, done.Outcome));

        Assert.Contains(adopted.Id, mq.Brokers.Keys);
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));
        var xml = XDocument.Parse(CurrentXml("MyBroker1"));
        Assert.Equal(["nob.other.MyBroker1.to.MyBroker2"], ConnectorNames(CurrentXml("MyBroker1")));
        Assert.Equal("10000", (string?)xml.Root!.Attribute("schedulePeriodForDestinationPurge"));
    }

    [Fact]
    public async Task TeardownBroker_ConsoleEditLandsWhileTheBrokerTakesTheUnwiredRevision_KeepsTheEdit()
    {
        var adopted = mq.Add("MyBroker1");
        await BuildAsync(TutorialAs("tutorial"));
        mq.BeforeUpdateBroker = id =>
        {
            mq.BeforeUpdateBroker = null;
            var revisions = mq.Revisions[mq.Brokers[id].ConfigurationId];
            var edit = XDocument.Parse(revisions[^1]); // a console user's edit of the newest revision: nob's unwired one
            edit.Root!.SetAttributeValue("schedulePeriodForDestinationPurge", "10000");
            revisions.Add(edit.ToString());
        };

        var first = await TurnAsync("MyBroker1");

        Assert.Equal(TeardownActions.Unwire, first.Action);
        var pending = XDocument.Parse(mq.Revisions[adopted.ConfigurationId][adopted.PendingRevision!.Value - 1]);
        Assert.Equal(mq.Revisions[adopted.ConfigurationId].Count, adopted.PendingRevision);
        Assert.Equal("10000", (string?)pending.Root!.Attribute("schedulePeriodForDestinationPurge"));
        Assert.Empty(ConnectorNames(pending.ToString()));
    }

    [Fact]
    public async Task TeardownBroker_AdoptedBrokerWithoutOurConnectors_IsDoneUntouched()
    {
        mq.Add("MyBroker1");
        var status = await TurnAsync("MyBroker1");
        Assert.Equal((true, "untouched", TeardownActions.None), (status.Done, status.Outcome, status.Action));
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("UpdateConfiguration", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeardownBroker_AdoptedBrokerAmazonMqStripsTheRevision_ThrowsConfigurationRejected()
    {
        mq.Add("MyBroker1");
        await BuildAsync(TutorialAs("tutorial"));
        mq.NextWarnings.Add(new ConfigurationWarning("networkConnector", "uri", "DISALLOWED_ATTRIBUTE_REMOVED"));
        await Assert.ThrowsAsync<ConfigurationRejectedException>(() => TurnAsync("MyBroker1"));
        Assert.Equal(1, mq.ByName("MyBroker1").Reboots); // the build's, none for the rejected revision
    }

    [Fact]
    public async Task TeardownBroker_NotDoneAtTheLastPoll_ThrowsTeardownTimedOut()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        var step = new TeardownBrokerStep(mq, store, time);
        var e = await Assert.ThrowsAsync<TeardownTimedOutException>(() =>
            step.RunAsync(new BrokerTeardown("tutorial", "MyBroker1", 9, TeardownPolling with { MaxPolls = 10 }, time.GetUtcNow()), None));
        Assert.Contains("MyBroker1", e.Message, StringComparison.Ordinal);
        Assert.Contains("CREATION_IN_PROGRESS", e.Message, StringComparison.Ordinal);
        Assert.Contains("after 0 s and 10 checks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeardownBroker_NotDoneAfterTheTimeoutOnTheClock_ThrowsTeardownTimedOut()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        var first = await TurnAsync("MyBroker1");
        time.Advance(TimeSpan.FromSeconds(TeardownPolling.TimeoutSeconds));

        var e = await Assert.ThrowsAsync<TeardownTimedOutException>(() => TurnAsync("MyBroker1", first));

        Assert.Contains("after 60 min and 2 checks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeardownBroker_DeletionItStarts_FirstWaitIsHalfTheExpectedDeletionThenHalvesTowardsIt()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.ByName("MyBroker1").State = BrokerStates.Running;

        var deleting = await TurnAsync("MyBroker1");
        time.Advance(TimeSpan.FromSeconds(deleting.NextWaitSeconds));
        var still = await TurnAsync("MyBroker1", deleting);
        time.Advance(TimeSpan.FromSeconds(still.NextWaitSeconds));
        var later = await TurnAsync("MyBroker1", still);

        // Expected deletion 300 s: 150 s to half of it, then half the time left capped at intervalSeconds (30).
        Assert.Equal((TeardownActions.Delete, WaitPhases.Deletion, time.GetUtcNow().AddSeconds(-180), 150), (deleting.Action, deleting.Phase, deleting.Since, deleting.NextWaitSeconds));
        Assert.Equal((deleting.Since, 30), (still.Since, still.NextWaitSeconds));
        Assert.Equal((deleting.Since, 30, deleting.Started), (later.Since, later.NextWaitSeconds, later.Started));
    }

    [Fact]
    public async Task TeardownBroker_DeletionAlreadyUnderWayOnTheFirstTurn_CountsAsHalfOverAndWaitsAtMostIntervalSeconds()
    {
        var ensured = await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.ByName("MyBroker1").State = BrokerStates.Running;
        await mq.DeleteBrokerAsync(ensured.BrokerId, None); // a teardown before this one started it

        var status = await TurnAsync("MyBroker1");

        Assert.Equal((TeardownActions.None, WaitPhases.Deletion, time.GetUtcNow().AddSeconds(-150), 30), (status.Action, status.Phase, status.Since, status.NextWaitSeconds));
    }

    [Fact]
    public async Task TeardownBroker_WaitingForACreationToDelete_TimesTheWaitFromTheBrokersCreation()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.ByName("MyBroker1").Created = time.GetUtcNow().AddSeconds(-100);

        var status = await TurnAsync("MyBroker1");

        // Expected creation 900 s, 100 s gone: the rest of the way to half of it.
        Assert.Equal((WaitPhases.Creation, time.GetUtcNow().AddSeconds(-100), 350), (status.Phase, status.Since, status.NextWaitSeconds));
    }

    [Fact]
    public async Task TeardownBroker_BrokerCreatingForLongerThanTheTimeout_WaitsIntervalSecondsNotTheMinimum()
    {
        // A build that timed out waiting for this creation, then a teardown: the broker is older than timeoutMinutes,
        // but the teardown's own timeout counts from its first turn.
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.ByName("MyBroker1").Created = time.GetUtcNow().AddHours(-2);

        var status = await TurnAsync("MyBroker1");

        Assert.Equal((WaitPhases.Creation, 30), (status.Phase, status.NextWaitSeconds));
    }

    [Fact]
    public async Task TeardownBroker_LastTurnFindsARunningBrokerToDelete_TimesOutWithoutDeletingIt()
    {
        await new EnsureBrokerStep(mq, ssm).RunAsync(Repo.Spec("tutorial"), "MyBroker1", None);
        mq.ByName("MyBroker1").State = BrokerStates.Running;
        var step = new TeardownBrokerStep(mq, store, time);

        await Assert.ThrowsAsync<TeardownTimedOutException>(() =>
            step.RunAsync(new BrokerTeardown("tutorial", "MyBroker1", 9, TeardownPolling with { MaxPolls = 10 }, time.GetUtcNow()), None));

        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));
        Assert.Equal(BrokerStates.Running, mq.ByName("MyBroker1").State);
    }

    [Fact]
    public async Task TeardownBroker_UnwireRebootThenRunning_WaitsForTheRebootFromWhenItStartedIt()
    {
        var adopted = mq.Add("MyBroker1");
        await BuildAsync(TutorialAs("tutorial"));

        var first = await TurnAsync("MyBroker1");
        time.Advance(TimeSpan.FromSeconds(first.NextWaitSeconds));
        var waiting = await TurnAsync("MyBroker1", first);

        Assert.Equal((TeardownActions.Unwire, WaitPhases.Reboot, 150), (first.Action, first.Phase, first.NextWaitSeconds));
        Assert.Equal((WaitPhases.Reboot, first.Since, 30), (waiting.Phase, waiting.Since, waiting.NextWaitSeconds));
        mq.FinishReboot(adopted.Id);
        var done = await TurnAsync("MyBroker1", waiting);
        Assert.Equal((true, (string?)null, 0), (done.Done, done.Phase, done.NextWaitSeconds));
    }

    [Fact]
    public async Task TeardownBroker_AdoptedBrokerBeingDeletedBySomeoneElse_ThrowsBrokerNotUsable()
    {
        mq.Add("MyBroker1", BrokerStates.DeletionInProgress);
        await Assert.ThrowsAsync<BrokerNotUsableException>(() => TurnAsync("MyBroker1"));
    }

    [Fact]
    public async Task FinishTeardown_StoredNetwork_DeletesTheRecordOnce()
    {
        await BuildAsync(Repo.Example("tutorial"));
        Assert.True(await new FinishTeardownStep(store).RunAsync("tutorial", None));
        Assert.Null(await store.GetAsync("tutorial", None));
        Assert.False(await new FinishTeardownStep(store).RunAsync("tutorial", None));
    }

    // ---- summary changes

    [Fact]
    public async Task Summarize_FirstAndSecondBuild_ListsWhatChangedThenNothing()
    {
        var spec = Repo.Spec("tutorial");
        async Task<IReadOnlyList<string>> RunAsync()
        {
            var built = await SlowPathAsync(spec, ingressVerifier: null);
            var summary = await new SummarizeStep(mq, time).RunAsync(spec, built.Brokers, built.Plan, built.Ingress, built.Revisions,
                new VerificationResult("SKIPPED", "", [], null), null, None);
            return summary.Changes;
        }

        var first = await RunAsync();
        var id1 = mq.ByName("MyBroker1").Id;
        Assert.Equal([
            "created broker MyBroker1", "created broker MyBroker2",
            "opened ingress sg-1 tcp 61617 from sg-1",
            "wrote configuration revision 2 on MyBroker1 (+1 -0 ~0 connectors)",
            "rebooted MyBroker1",
        ], first);
        Assert.Equal(1, mq.Brokers[id1].Reboots);

        Assert.Empty(await RunAsync());
    }
}
