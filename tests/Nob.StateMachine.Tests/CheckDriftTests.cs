using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Configuration;

namespace Nob.StateMachine.Tests;

/// <summary>
/// statemachine/check-drift.asl.json from template.yaml, run locally with the real handlers over the fakes, after a
/// real build-network run stored the network (and, for a repair, with build-network as its nested execution).
/// </summary>
public class CheckDriftTests(ITestOutputHelper log)
{
    static readonly XNamespace Core = ConnectorConfigurationWriter.Core;
    readonly LocalNob nob = new(log, "tutorial", "mesh");

    static string Tutorial(string networkName = "tutorial", string suffix = "", int? verifyTimeoutSeconds = null)
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["networkName"] = networkName;
        foreach (var broker in spec["brokers"]!.AsArray()) broker!["name"] = (string)broker["name"]! + suffix;
        spec["topology"]!["sources"] = new JsonArray("MyBroker1" + suffix);
        spec["topology"]!["sinks"] = new JsonArray("MyBroker2" + suffix);
        if (verifyTimeoutSeconds is { } t) spec["verification"]!["timeoutSeconds"] = t;
        return spec.ToJsonString();
    }

    Task<ExecutionResult> CheckAsync(object input) =>
        nob.RunAsync("CheckDriftStateMachine", System.Text.Json.JsonSerializer.Serialize(input));

    static JsonNode Detail(PutEventsEntry e) => JsonNode.Parse(e.Detail)!;

    static IEnumerable<string> ConnectorNames(string xml) =>
        XDocument.Parse(xml).Descendants(Core + "networkConnector").Select(e => (string)e.Attribute("name")!);

    string CurrentXml(string brokerName)
    {
        var broker = nob.Mq.ByName(brokerName);
        return nob.Mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1];
    }

    /// <summary>Someone applies a revision of the broker's configuration without any network connector.</summary>
    void RemoveConnectors(string brokerName)
    {
        var broker = nob.Mq.ByName(brokerName);
        var document = XDocument.Parse(CurrentXml(brokerName));
        document.Descendants(Core + "networkConnectors").Remove();
        nob.Mq.Revisions[broker.ConfigurationId].Add(document.ToString());
        broker.CurrentRevision = nob.Mq.Revisions[broker.ConfigurationId].Count;
    }

    static IEnumerable<string> Entered(ExecutionResult result) => result.History.Where(e => e.IsStateEntered).Select(e => e.StateName!);

    [Fact]
    public async Task CheckDrift_AfterABuild_IsInSyncAndPutsOneEvent()
    {
        await nob.BuildAsync(Tutorial());
        nob.Events.Clear();

        var result = await CheckAsync(new { networkName = "tutorial" });

        Assert.True(result.IsSucceeded, result.Explain());
        var e = Assert.Single(result.PutEvents);
        Assert.Equal(("nob", "Network In Sync", "PublishReport"), (e.Source, e.DetailType, e.StateName));
        Assert.Equal("arn:aws:events:us-east-1:123456789012:event-bus/default", e.EventBusName);
        Assert.Equal([e], nob.Events);
        var detail = Detail(e);
        Assert.Equal("tutorial", (string?)detail["networkName"]);
        Assert.True((bool)detail["inSync"]!);
        Assert.Empty(detail["findings"]!.AsArray());
        // The bridge was verified with real messages (verify defaults to true); nothing was changed.
        Assert.Contains("VerifyBridge", Entered(result));
        Assert.Empty(result.ChildExecutions);
        var network = Assert.Single(JsonNode.Parse(result.Output!)!["networks"]!.AsArray())!;
        Assert.Equal(("tutorial", true, false), ((string?)network["networkName"], (bool)network["inSync"]!, (bool)network["repaired"]!));
        Assert.DoesNotContain(LocalNob.Password, string.Join("\n", result.History.Select(h => h.Input + h.Output + h.Cause)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckDrift_VerifyBridge_GetsTheStoredSpecTextSoItReadsTheCheckedSpec()
    {
        await nob.BuildAsync(Tutorial());

        var result = await CheckAsync(new { networkName = "tutorial" });

        Assert.True(result.IsSucceeded, result.Explain());
        // CheckNetwork read the stored text; VerifyBridge's payload holds the spec it passed on. The same text is the same
        // spec instance in the handlers' process (SpecMemo), so Verify plans nothing again (PlanMemo keeps the check's plan).
        var stored = (await nob.Networks.GetAsync("tutorial", CancellationToken.None))!.SpecJson;
        var verify = Assert.Single(result.History, e => e.Type == HistoryEventTypes.TaskScheduled && e.StateName == "VerifyBridge");
        using var parameters = System.Text.Json.JsonDocument.Parse(verify.Input!);
        Assert.Equal(stored, parameters.RootElement.GetProperty("Payload").GetProperty("spec").GetRawText());
    }

    [Fact]
    public async Task CheckDrift_ConnectorRemoved_PutsDriftDetectedWithConnectorMissing()
    {
        await nob.BuildAsync(Tutorial());
        RemoveConnectors("MyBroker1");
        var before = nob.Mq.Calls.Count;

        var result = await CheckAsync(new { networkName = "tutorial", verify = false });

        Assert.True(result.IsSucceeded, result.Explain());
        var e = Assert.Single(result.PutEvents);
        Assert.Equal(("nob", "Network Drift Detected"), (e.Source, e.DetailType));
        var finding = Assert.Single(Detail(e)["findings"]!.AsArray())!;
        Assert.Equal((DriftKinds.ConnectorMissing, "MyBroker1"), ((string?)finding["kind"], (string?)finding["brokerName"]));
        Assert.Contains("nob.tutorial.MyBroker1.to.MyBroker2", (string?)finding["detail"], StringComparison.Ordinal);
        // Without repair nothing is changed, and with verify false no message is sent.
        Assert.Empty(result.ChildExecutions);
        Assert.DoesNotContain("VerifyBridge", Entered(result));
        Assert.DoesNotContain(nob.Mq.Calls.Skip(before), c => c.StartsWith("UpdateConfiguration", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal));
        Assert.Empty(ConnectorNames(CurrentXml("MyBroker1")));
    }

    [Fact]
    public async Task CheckDrift_RepairOfTheLargestMesh_StaysFarBelowThePayloadQuota()
    {
        // 41 brokers, 820 connectors, 1640 verified pairs: the repair build's summary is the largest output of the product;
        // what the Repair task gets back (startExecution.sync:2 returns the child's input and output) must stay under 256 KiB.
        var spec = JsonNode.Parse(Repo.Example("mesh"))!;
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, Nob.Core.Specs.SpecReader.MaxBrokersPerNetwork).Select(i => (JsonNode)new JsonObject { ["name"] = $"Mesh{i}" })]);
        await nob.BuildAsync(spec.ToJsonString());
        RemoveConnectors("Mesh1");

        var result = await CheckAsync(new { networkName = "mesh", repair = true });

        Assert.True(result.IsSucceeded, result.Explain());
        var network = JsonNode.Parse(result.Output!)!["networks"]![0]!;
        Assert.True((bool)network["repaired"]!);
        var build = Assert.Single(result.ChildExecutions);
        Assert.True(build.IsSucceeded, build.Explain());
        var summary = System.Text.Encoding.UTF8.GetByteCount(build.Output!);
        var repair = result.History.Single(e => e.Type == "TaskSucceeded" && e.StateName == "Repair");
        var returned = System.Text.Encoding.UTF8.GetByteCount(repair.Output!);
        var largest = result.History.Max(e => System.Text.Encoding.UTF8.GetByteCount((e.Input ?? "") + (e.Output ?? "")));
        log.WriteLine($"repair build's summary {summary} bytes; the Repair task got {returned} bytes; largest event {largest} bytes");
        // The child's input (the stored spec) and output (its summary) come back whole: about 70 KB here, of 256 KiB.
        Assert.True(returned < LocalStateMachine.PayloadLimitBytes / 3, $"{returned} bytes");
        Assert.True(largest < LocalStateMachine.PayloadLimitBytes / 3, $"{largest} bytes");
        Assert.Contains("Mesh1", repair.Output!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckDrift_RepairOfAMissingConnector_RunsBuildNetworkAndPutsDriftRepaired()
    {
        await nob.BuildAsync(Tutorial());
        RemoveConnectors("MyBroker1");

        var result = await CheckAsync(new { networkName = "tutorial", repair = true });

        Assert.True(result.IsSucceeded, result.Explain());
        var build = Assert.Single(result.ChildExecutions);
        Assert.Equal(ExecutionResult.Succeeded, build.Status);
        Assert.EndsWith(":stateMachine:BuildNetworkStateMachine", build.StateMachineArn, StringComparison.Ordinal);
        Assert.Equal(["Network Drift Detected", "Network Drift Repaired"], result.PutEvents.Select(e => e.DetailType));
        var repaired = Detail(result.PutEvents[1]);
        Assert.Equal("tutorial", (string?)repaired["networkName"]);
        Assert.Equal(build.ExecutionArn, (string?)repaired["executionArn"]);
        Assert.Equal(DriftKinds.ConnectorMissing, (string?)repaired["findings"]![0]!["kind"]);
        // The build's summary lists what it changed: MyBroker1's new revision and its reboot.
        var changes = repaired["changes"]!.ToJsonString();
        Assert.Equal(JsonNode.Parse(build.Output!)!["changes"]!.ToJsonString(), changes);
        Assert.Contains("MyBroker1", changes, StringComparison.Ordinal);
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], ConnectorNames(CurrentXml("MyBroker1")));
        Assert.Null(nob.Mq.ByName("MyBroker1").PendingRevision);
        var network = JsonNode.Parse(result.Output!)!["networks"]![0]!;
        Assert.True((bool)network["repaired"]!);
        // The child's transitions are billed to the child: the total adds them.
        Assert.Equal(result.StateTransitions + build.StateTransitions, result.TotalStateTransitions);
        // The check: 3 (ListNetworks, CheckNetworks, Done) + CheckNetwork, AssumeNotVerified, VerifyWanted?, ReportDrift,
        // PublishReport, RepairWanted?, Repair, PublishRepair, Repaired = 12 (no VerifyBridge: the configuration drifted, so
        // messages would only wait out the timeout; the repair build verifies). The repair build takes the slow
        // path (the network is not converged): 18 states once (BenchMath.BuildFixedTransitions) + per broker EnsureBroker
        // and WriteConnectorRevision (2 × 2 brokers), one turn of the creation stage (CheckBrokers, BrokersRunning?: both
        // RUNNING), and four of the reboot stage for MyBroker1 (the reboot, then three checks: 4 × RebootBrokers and
        // RebootsDone? + 3 × WaitForReboots = 11): 35.
        Assert.Equal((12, 35), (result.StateTransitions, build.StateTransitions));
        Assert.DoesNotContain(result.History, e => e.StateName == "VerifyBridge");

        // And the next check finds the network in sync.
        var again = await CheckAsync(new { networkName = "tutorial" });
        Assert.Equal("Network In Sync", Assert.Single(again.PutEvents).DetailType);
    }

    [Fact]
    public async Task CheckDrift_WithoutNetworkName_ChecksEveryStoredNetwork()
    {
        await nob.BuildAsync(Tutorial());
        await nob.BuildAsync(Tutorial("tutorial2", suffix: "b"));
        RemoveConnectors("MyBroker1b");

        var result = await CheckAsync(new { verify = false });

        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal([0, 1], result.History.Where(e => e.Type == "MapIterationStarted" && e.StateName == "CheckNetworks").Select(e => e.MapIterationIndex!.Value).Order());
        Assert.Equal(2, result.History.Count(e => e.Type == "TaskStateEntered" && e.StateName == "CheckNetwork"));
        var networks = JsonNode.Parse(result.Output!)!["networks"]!.AsArray();
        Assert.Equal([("tutorial", true), ("tutorial2", false)], networks.Select(n => ((string)n!["networkName"]!, (bool)n["inSync"]!)));
        Assert.Equal([("tutorial", "Network In Sync"), ("tutorial2", "Network Drift Detected")],
            result.PutEvents.Select(e => ((string)Detail(e)["networkName"]!, e.DetailType)).Order());
    }

    [Fact]
    public async Task CheckDrift_NamedNetworkNotStored_FailsWithNetworkNotFound()
    {
        await nob.BuildAsync(Tutorial());

        var result = await CheckAsync(new { networkName = "nosuch" });

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("NetworkNotFoundException", result.Error);
        Assert.Contains("nosuch", result.Cause, StringComparison.Ordinal);
        Assert.Equal(["ListNetworks", "FailedListNetworks", "Failed"], Entered(result));
        Assert.Empty(result.PutEvents);
    }

    [Fact]
    public async Task CheckDrift_BridgeVerificationFails_IsABridgeFailedFindingNotAFailedExecution()
    {
        await nob.BuildAsync(Tutorial(verifyTimeoutSeconds: 1));
        // MyBroker1's messages no longer leave it: its pair times out after the spec's 1 s.
        nob.Probe.Isolated.Add("MyBroker1");

        var result = await CheckAsync(new { networkName = "tutorial" });

        Assert.True(result.IsSucceeded, result.Explain());
        var failed = Assert.Single(result.History, e => e.Type == "TaskFailed");
        Assert.Equal(("VerifyBridge", "BridgeVerificationFailedException"), (failed.StateName, failed.Error));
        var e = Assert.Single(result.PutEvents);
        Assert.Equal("Network Drift Detected", e.DetailType);
        var finding = Assert.Single(Detail(e)["findings"]!.AsArray())!;
        Assert.Equal(DriftKinds.BridgeFailed, (string?)finding["kind"]);
        Assert.Contains("MyBroker1", (string?)finding["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckDrift_BrokerNotRunning_ReportsItAndSkipsVerification()
    {
        await nob.BuildAsync(Tutorial());
        // Rebooting: with SettleAfterDescribes = 3 the check's single DescribeBroker still sees REBOOT_IN_PROGRESS.
        nob.Mq.ByName("MyBroker2").State = BrokerStates.RebootInProgress;

        var result = await CheckAsync(new { networkName = "tutorial" });

        Assert.True(result.IsSucceeded, result.Explain());
        var e = Assert.Single(result.PutEvents);
        Assert.Equal("Network Drift Detected", e.DetailType);
        var findings = Detail(e)["findings"]!.AsArray();
        Assert.Equal([(DriftKinds.BrokerNotRunning, "MyBroker2"), (DriftKinds.NotChecked, null)],
            findings.Select(f => ((string)f!["kind"]!, (string?)f["brokerName"])));
        // verify is true, but without a plan (a broker not RUNNING) the Choice goes straight to ReportDrift.
        Assert.DoesNotContain("VerifyBridge", Entered(result));
        Assert.Equal(["CheckNetwork", "AssumeNotVerified", "VerifyWanted?", "ReportDrift"], Entered(result).SkipWhile(s => s != "CheckNetwork").Take(4));
    }

    [Fact]
    public async Task CheckDrift_CheckNetworkThrows_PutsCheckFailedAndSucceeds()
    {
        // A record whose spec is no longer valid (no brokers, no user): CheckDrift throws InvalidSpecException.
        nob.Networks.Records["broken"] = new NetworkRecord(NetworkRecord.CurrentSchemaVersion, "broken", """{"networkName":"broken"}""", [], [], DateTimeOffset.UnixEpoch, null);

        var result = await CheckAsync(new { networkName = "broken" });

        Assert.True(result.IsSucceeded, result.Explain());
        var failed = Assert.Single(result.History, h => h.Type == "TaskFailed");
        Assert.Equal(("CheckNetwork", "InvalidSpecException"), (failed.StateName, failed.Error));
        var e = Assert.Single(result.PutEvents);
        Assert.Equal(("nob", "Network Drift Check Failed"), (e.Source, e.DetailType));
        var detail = Detail(e);
        Assert.Equal("broken", (string?)detail["networkName"]);
        Assert.Equal("InvalidSpecException", (string?)detail["error"]!["Error"]);
        var network = Assert.Single(JsonNode.Parse(result.Output!)!["networks"]!.AsArray())!;
        Assert.Equal("Network Drift Check Failed", (string?)network["detailType"]);
    }

    /// <summary>The build's converged fast path (see ConvergedBuildTests): 9 state transitions.</summary>
    static readonly string[] FastPath = ["Start", "Validate", "AcquireLock", "CheckConverged", "Converged?", "UseConvergedState", "Verify", "StoreNetwork", "Summarize", "ReleaseLock", "Succeeded"];

    static IEnumerable<string> Mutations(IEnumerable<string> calls) => calls.Where(c =>
        c.StartsWith("CreateBroker", StringComparison.Ordinal) || c.StartsWith("UpdateConfiguration", StringComparison.Ordinal)
        || c.StartsWith("UpdateBroker", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal)
        || c.StartsWith("CreateUser", StringComparison.Ordinal));

    [Fact]
    public async Task SharedBroker_SecondNetworkAdoptsIt_RebuildsTakeTheFastPathAndEachNetworkIsInSync()
    {
        await nob.BuildAsync(Tutorial());
        // tutorial2 adopts MyBroker1 (which tutorial created) and creates MyBroker3; its connector goes after tutorial's.
        var second = JsonNode.Parse(Tutorial("tutorial2"))!;
        second["brokers"] = new JsonArray(new JsonObject { ["name"] = "MyBroker1" }, new JsonObject { ["name"] = "MyBroker3" });
        second["topology"]!["sinks"] = new JsonArray("MyBroker3");
        await nob.BuildAsync(second.ToJsonString());
        Assert.Equal(3, nob.Mq.Brokers.Count);
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2", "nob.tutorial2.MyBroker1.to.MyBroker3"], ConnectorNames(CurrentXml("MyBroker1")));
        var before = nob.Mq.Calls.Count;

        // Neither network's connectors on the shared broker are drift for the other: both rebuilds are converged.
        foreach (var spec in new[] { Tutorial(), second.ToJsonString() })
        {
            var rebuild = await nob.BuildAsync(spec);
            Assert.Equal(FastPath, Entered(rebuild));
            Assert.Equal(11, rebuild.StateTransitions);
        }
        Assert.Empty(Mutations(nob.Mq.Calls.Skip(before)));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2", "nob.tutorial2.MyBroker1.to.MyBroker3"], ConnectorNames(CurrentXml("MyBroker1")));

        nob.Events.Clear();
        var result = await CheckAsync(new { });

        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(["tutorial", "tutorial2"], result.PutEvents.Select(e => (string?)Detail(e)["networkName"]).Order(StringComparer.Ordinal));
        Assert.All(result.PutEvents, e => Assert.True(e.DetailType == "Network In Sync", e.Detail));
        Assert.Empty(Mutations(nob.Mq.Calls.Skip(before)));
    }

    [Fact]
    public async Task CheckDrift_CommonUserDeleted_PutsDriftDetectedWithUserMissing()
    {
        await nob.BuildAsync(Tutorial());
        Assert.True(nob.Mq.ByName("MyBroker2").Users.Remove("myCommonUser"));

        var result = await CheckAsync(new { networkName = "tutorial", verify = false });

        Assert.True(result.IsSucceeded, result.Explain());
        var e = Assert.Single(result.PutEvents);
        Assert.Equal("Network Drift Detected", e.DetailType);
        var finding = Assert.Single(Detail(e)["findings"]!.AsArray())!;
        Assert.Equal((DriftKinds.UserMissing, "MyBroker2"), ((string?)finding["kind"], (string?)finding["brokerName"]));
    }

    [Theory]
    [InlineData("tutorial", 2)]
    [InlineData("mesh", 4)]
    public async Task StateTransitions_OfADriftCheckInSync_AreThreePlusEightPerNetwork(string example, int brokers)
    {
        var spec = example == "tutorial" ? Tutorial() : Repo.Example(example);
        await nob.BuildAsync(spec);
        Assert.Equal(brokers, nob.Mq.Brokers.Count);

        var result = await CheckAsync(new { networkName = example });

        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("Network In Sync", Assert.Single(result.PutEvents).DetailType);
        log.WriteLine($"drift check of {example} in sync: {result.StateTransitions} state transitions ({LocalNob.StatesEntered(result)})");
        // ListNetworks, CheckNetworks (the Map), Done = 3; per network checked: CheckNetwork, AssumeNotVerified,
        // VerifyWanted?, VerifyBridge, ReportDrift, PublishReport, RepairWanted?, Checked = 8.
        // Transitions = 3 + 8 × networks, whatever the number of brokers: CheckDrift looks at every broker inside one
        // Lambda invocation, and Verify sends every pair's message inside one (so their cost is Lambda time, not transitions).
        Assert.Equal(3 + 8 * 1, result.StateTransitions);
        Assert.Equal(0, result.Retries);
    }
}
