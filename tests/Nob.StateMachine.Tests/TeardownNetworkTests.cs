using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Configuration;

namespace Nob.StateMachine.Tests;

/// <summary>
/// statemachine/teardown-network.asl.json from template.yaml, run locally with the real handlers over the fakes, after a
/// real build-network run of the tutorial in which MyBroker1 was adopted (it existed before) and MyBroker2 created.
/// </summary>
public class TeardownNetworkTests(ITestOutputHelper log)
{
    static readonly XNamespace Core = ConnectorConfigurationWriter.Core;
    readonly LocalNob nob = new(log, "tutorial");

    static readonly ExistingIngressRule Ssh = new("sg-1", "tcp", 22, 22, "10.0.0.0/8", null, "ssh from the office");
    static readonly ExistingIngressRule OtherNetwork = new("sg-1", "tcp", 61617, 61617, "10.9.0.0/16", null, "nob tutorial2 MyBroker9 -> MyBroker1 openwire");
    static readonly ExistingIngressRule LongerName = new("sg-1", "tcp", 61617, 61617, "10.8.0.0/16", null, "nob tutorial-old MyBroker8 -> MyBroker1 openwire");

    Task<ExecutionResult> TeardownAsync(JsonObject input) => nob.RunAsync("TeardownNetworkStateMachine", input.ToJsonString());

    string CurrentXml(string brokerName)
    {
        var broker = nob.Mq.ByName(brokerName);
        return nob.Mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1];
    }

    /// <summary>MyBroker1 exists with a user's own setting in its configuration; the other groups' rules are someone else's.</summary>
    async Task<FakeBrokerService.Broker> BuildWithAdoptedBrokerAsync()
    {
        var adopted = nob.Mq.Add("MyBroker1");
        var document = XDocument.Parse(nob.Mq.Revisions[adopted.ConfigurationId][0]);
        document.Root!.SetAttributeValue("schedulePeriodForDestinationPurge", "10000");
        nob.Mq.Revisions[adopted.ConfigurationId][0] = document.ToString();
        nob.Ec2.OtherRules.AddRange([Ssh, OtherNetwork, LongerName]);
        var build = await nob.BuildAsync(Repo.Example("tutorial"));
        Assert.Equal([false, true], JsonNode.Parse(build.Output!)!["brokers"]!.AsArray().Select(b => (bool)b!["created"]!));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], Connectors(CurrentXml("MyBroker1")));
        Assert.NotEmpty(nob.Ec2.Rules);
        return adopted;
    }

    static IEnumerable<string> Connectors(string xml) =>
        XDocument.Parse(xml).Descendants(Core + "networkConnector").Select(e => (string)e.Attribute("name")!);

    static List<(string? State, string Action, string Outcome)> Turns(ExecutionResult result, int index) =>
        [.. result.History
            .Where(e => e.Type == "TaskSucceeded" && e.StateName == "TeardownBroker" && e.Scope == $"TeardownBrokers[{index}]")
            .Select(e => JsonNode.Parse(e.Output!)!["Payload"]!)
            .Select(p => ((string?)p["state"], (string)p["action"]!, (string)p["outcome"]!))];

    [Theory]
    [InlineData(false, 150)] // the stored spec's polling (the tutorial's has none): half of Amazon MQ's 5 minutes
    [InlineData(true, 1)]    // a polling object in the input, as local mode sends its own
    public async Task Teardown_PollingInTheInput_WaitsByItInsteadOfTheStoredSpecs(bool givePolling, int firstWait)
    {
        await BuildWithAdoptedBrokerAsync();
        var input = new JsonObject { ["networkName"] = "tutorial" };
        if (givePolling)
            input["polling"] = new JsonObject { ["intervalSeconds"] = 1, ["timeoutMinutes"] = 10, ["expectedRebootSeconds"] = 2, ["expectedDeletionSeconds"] = 1 };

        var result = await TeardownAsync(input);

        Assert.True(result.IsSucceeded, result.Explain());
        // The first turn of each broker started its reboot (MyBroker1, adopted) or deletion (MyBroker2) and asked for a wait.
        var firstWaits = Enumerable.Range(0, 2).Select(index => result.History
            .Where(e => e.Type == "TaskSucceeded" && e.StateName == "TeardownBroker" && e.Scope == $"TeardownBrokers[{index}]")
            .Select(e => JsonNode.Parse(e.Output!)!["Payload"]!)
            .First())
            .Select(p => ((string?)p["phase"], (int)p["nextWaitSeconds"]!))
            .ToList();
        Assert.Equal([(WaitPhases.Reboot, firstWait), (WaitPhases.Deletion, firstWait)], firstWaits);
    }

    [Fact]
    public async Task Teardown_CreatedAndAdoptedBrokers_DeletesTheCreatedUnwiresTheAdoptedRevokesOursForgetsTheNetwork()
    {
        var adopted = await BuildWithAdoptedBrokerAsync();
        var created = nob.Mq.ByName("MyBroker2");
        var createdId = created.Id;
        var nobRules = nob.Ec2.Rules.ToList();
        // MyBroker2 is being rebooted when the teardown starts: Amazon MQ would refuse to delete it before it is RUNNING.
        created.State = BrokerStates.RebootInProgress;
        var before = nob.Mq.Calls.Count;

        var result = await TeardownAsync(new JsonObject { ["networkName"] = "tutorial" });

        Assert.True(result.IsSucceeded, result.Explain());
        // The created broker: the reboot settles on its 3rd DescribeBroker (RevokeIngress made the 1st), so one turn
        // waits, the next deletes it once RUNNING (the fake throws otherwise), then the turns wait until it is gone.
        var createdTurns = Turns(result, 1);
        Assert.Equal(
            [(BrokerStates.RebootInProgress, TeardownActions.None, "waiting for RUNNING to delete"), (BrokerStates.Running, TeardownActions.Delete, "deleting"),
             (BrokerStates.DeletionInProgress, TeardownActions.None, "deleting")],
            createdTurns.Take(3));
        Assert.Equal((null, TeardownActions.None, "deleted"), createdTurns[^1]);
        Assert.Single(nob.Mq.Calls.Skip(before), c => c == $"DeleteBroker {createdId}");
        Assert.DoesNotContain(createdId, nob.Mq.Brokers.Keys);

        // The adopted broker: still there, never deleted; a revision without our connector, applied by its reboot.
        Assert.Contains(adopted.Id, nob.Mq.Brokers.Keys);
        Assert.DoesNotContain(nob.Mq.Calls.Skip(before), c => c == $"DeleteBroker {adopted.Id}");
        Assert.Equal((TeardownActions.Unwire, "removing connectors"), (Turns(result, 0)[0].Action, Turns(result, 0)[0].Outcome));
        Assert.Equal((BrokerStates.Running, null), (adopted.State, adopted.PendingRevision));
        Assert.Empty(Connectors(CurrentXml("MyBroker1")));
        Assert.Equal("10000", (string?)XDocument.Parse(CurrentXml("MyBroker1")).Root!.Attribute("schedulePeriodForDestinationPurge"));

        // Ingress: exactly the rules nob opened for "tutorial" are revoked; a rule without the prefix, and rules of
        // networks whose names merely start with "tutorial", stay.
        Assert.Empty(nob.Ec2.Rules);
        Assert.Equal([Ssh, OtherNetwork, LongerName], nob.Ec2.OtherRules);
        Assert.All(nob.Ec2.Revoked, r => Assert.StartsWith("nob tutorial ", r.Description, StringComparison.Ordinal));
        Assert.Equal(nobRules.Count, nob.Ec2.Revoked.Count);

        Assert.Empty(nob.Networks.Records);
        var output = JsonNode.Parse(result.Output!)!;
        Assert.Equal("tutorial", (string?)output["networkName"]);
        Assert.True((bool)output["recordDeleted"]!);
        Assert.Equal(nobRules.Count, output["revokedIngress"]!.AsArray().Count);
        Assert.Equal(
            [("MyBroker1", adopted.Id, TeardownActions.None, "connectors removed"), ("MyBroker2", null, TeardownActions.None, "deleted")],
            output["brokers"]!.AsArray().Select(b => ((string)b!["brokerName"]!, (string?)b["brokerId"], (string)b["action"]!, (string)b["outcome"]!)));
        log.WriteLine($"teardown: {result.StateTransitions} state transitions ({LocalNob.StatesEntered(result)})");
        // PlanTeardown, AcquireLock, RevokeIngress, TeardownBrokers, FinishTeardown, ReleaseLock, TornDown = 7; a broker torn down in t turns enters
        // TeardownBroker and BrokerDone? t times, TeardownWait t - 1 times and BrokerTornDown once = 3t. MyBroker1: unwire,
        // 2 × waiting for the reboot, done = 4 turns; MyBroker2: waiting, delete, 3 × deleting, gone = 6 turns.
        Assert.Equal((4, 6), (Turns(result, 0).Count, createdTurns.Count));
        Assert.Equal(7 + 3 * (4 + 6), result.StateTransitions);
    }

    [Fact]
    public async Task Teardown_UnknownNetworkWithoutSpec_FailsWithNetworkNotFound()
    {
        var result = await TeardownAsync(new JsonObject { ["networkName"] = "tutorial" });

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("NetworkNotFoundException", result.Error);
        Assert.Contains("tutorial", result.Cause, StringComparison.Ordinal);
        Assert.Equal(["PlanTeardown", "FailedPlanTeardown", "Failed"], result.History.Where(e => e.IsStateEntered).Select(e => e.StateName));
        // With no record, PlanTeardown only looks for brokers nob tagged for the network (there are none); nothing changes.
        Assert.Equal(["ListBrokers"], nob.Mq.Calls);
    }

    [Fact]
    public async Task Teardown_AfterAFirstBuildThatFailed_DeletesEveryBrokerItCreatedAndRevokesNothingElse()
    {
        nob.Mq.FailCreationOf.Add("MyBroker2"); // fails on every creation: the build gives up after its recreations
        var build = await nob.RunAsync("BuildNetworkStateMachine", Repo.Example("tutorial"));
        Assert.Equal("BrokerCreationFailedException", build.Error);
        Assert.Empty(nob.Networks.Records);
        // A broker this network's earlier spec had, tagged by nob, that the spec given no longer names.
        nob.Mq.Add("MyBroker0", createdFor: "tutorial");
        nob.Mq.Add("Stranger");
        nob.Ec2.OtherRules.Add(Ssh);
        Assert.Equal(["MyBroker0", "MyBroker1", "MyBroker2", "Stranger"], nob.Mq.Brokers.Values.Select(b => b.Creation.BrokerName).Order(StringComparer.Ordinal));

        var result = await TeardownAsync(new JsonObject { ["networkName"] = "tutorial", ["spec"] = JsonNode.Parse(Repo.Example("tutorial")) });

        Assert.True(result.IsSucceeded, result.Explain());
        var output = JsonNode.Parse(result.Output!)!;
        Assert.Equal(["MyBroker1", "MyBroker2", "MyBroker0"], output["brokers"]!.AsArray().Select(b => (string?)b!["brokerName"]));
        Assert.All(output["brokers"]!.AsArray(), b => Assert.Equal("deleted", (string?)b!["outcome"]));
        Assert.Equal(["Stranger"], nob.Mq.Brokers.Values.Select(b => b.Creation.BrokerName));
        Assert.Equal([Ssh], nob.Ec2.OtherRules);
    }

    [Fact]
    public async Task Teardown_WithSpecButNoRecord_TearsDownFromTheSpec()
    {
        await BuildWithAdoptedBrokerAsync();
        nob.Networks.Records.Clear();

        var result = await TeardownAsync(new JsonObject { ["networkName"] = "tutorial", ["spec"] = JsonNode.Parse(Repo.Example("tutorial")) });

        Assert.True(result.IsSucceeded, result.Explain());
        var output = JsonNode.Parse(result.Output!)!;
        Assert.False((bool)output["recordDeleted"]!);
        // The tag tells MyBroker2 is nob's even without a record: deleted; MyBroker1 (untagged) is only unwired.
        Assert.Equal(["MyBroker1"], nob.Mq.Brokers.Values.Select(b => b.Creation.BrokerName));
        Assert.Empty(Connectors(CurrentXml("MyBroker1")));
        Assert.Empty(nob.Ec2.Rules);
        Assert.Equal(3, nob.Ec2.OtherRules.Count);
    }
}
