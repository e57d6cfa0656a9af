using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Configuration;

namespace Nob.StateMachine.Tests;

/// <summary>
/// statemachine/build-network.asl.json with template.yaml's substitutions, run locally: the real handler classes
/// (Nob.Functions, loaded through their Handler strings) over the in-memory fakes of Amazon MQ, EC2 and SSM.
/// </summary>
public class BuildNetworkTests
{
    readonly FakeBrokerService mq;
    readonly FakeNetworkStore networks;
    readonly FakeLockStore locks;
    readonly List<HistoryEvent> progress = [];
    readonly LocalStateMachine machine;
    readonly ManualClock clock = ManualClock.AutoAdvancing();
    readonly ITestOutputHelper log;

    public BuildNetworkTests(ITestOutputHelper log)
    {
        this.log = log;
        var nob = new LocalNob(log, "tutorial", "mesh", "hub-and-spoke");
        (mq, networks, locks) = (nob.Mq, nob.Networks, nob.Locks);
        machine = nob.Machine("BuildNetworkStateMachine", progress.Add, clock);
    }

    async Task<ExecutionResult> BuildAsync(string spec)
    {
        var watch = Stopwatch.StartNew();
        var result = await machine.ExecuteAsync(spec);
        log.WriteLine($"{result.Status} in {watch.ElapsedMilliseconds} ms: {result.StateTransitions} state transitions, {result.History.Count} events, {result.Retries} retries");
        if (!result.IsSucceeded) log.WriteLine(result.Explain());
        return result;
    }

    /// <summary>The build failed at Validate with InvalidSpecException naming <paramref name="cause"/>, before any call to Amazon MQ.</summary>
    void AssertRefusedAtValidate(ExecutionResult result, string cause)
    {
        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("InvalidSpecException", result.Error);
        Assert.Contains(cause, result.Cause, StringComparison.Ordinal);
        Assert.Equal("Validate", result.History.Single(e => e.Type == "TaskFailed").StateName);
        Assert.Empty(mq.Calls);
    }

    static IEnumerable<string> Mutations(IEnumerable<string> calls) => calls.Where(c =>
        c.StartsWith("CreateBroker", StringComparison.Ordinal) || c.StartsWith("UpdateConfiguration", StringComparison.Ordinal)
        || c.StartsWith("UpdateBroker", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal));

    [Fact]
    public async Task Mesh_LargestAmazonMqAllows_SucceedsWithinThePayloadLimit()
    {
        // 41 brokers in a duplex mesh: 820 connectors, 1640 verified pairs; every state stays under 256 KiB.
        var spec = JsonNode.Parse(Repo.Example("mesh"))!;
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, 41).Select(i => (JsonNode)new JsonObject { ["name"] = $"Mesh{i}" })]);
        var result = await BuildAsync(spec.ToJsonString());
        Assert.True(result.IsSucceeded, result.Explain());
        var summary = JsonNode.Parse(result.Output!)!;
        Assert.Equal(820, summary["connectors"]!.AsArray().Count);
        Assert.Equal(1640, summary["verification"]!["pairs"]!.AsArray().Count);
        // The estimate Validate checks is an upper bound of the largest state the build carried.
        var largest = result.History.Max(e => Math.Max(System.Text.Encoding.UTF8.GetByteCount(e.Input ?? ""), System.Text.Encoding.UTF8.GetByteCount(e.Output ?? "")));
        var estimate = StateBudget.EstimateLargestStateBytes(Core.Specs.SpecReader.ReadValid(spec.ToJsonString()), System.Text.Encoding.UTF8.GetByteCount(spec.ToJsonString()));
        log.WriteLine($"largest state {largest} bytes, estimate {estimate} bytes");
        Assert.True(estimate >= largest, $"estimate {estimate} < largest {largest}");
        Assert.True(estimate <= StateBudget.BudgetBytes, $"{estimate} bytes");
    }

    [Fact]
    public async Task Mesh_LargestWithLongestBrokerNames_IsRefusedAtValidateBeforeAnyBrokerIsCreated()
    {
        // 41 brokers named with 50 characters: 1640 pair lines naming two brokers each would pass 256 KiB at Verify.
        var spec = JsonNode.Parse(Repo.Example("mesh"))!;
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, 41).Select(i => (JsonNode)new JsonObject { ["name"] = $"Mesh{i}".PadRight(50, 'x') })]);
        var result = await BuildAsync(spec.ToJsonString());
        AssertRefusedAtValidate(result, "shorter broker names or fewer brokers");
    }

    [Fact]
    public async Task Tutorial_Succeeds_AndOutputsTheSummary()
    {
        var result = await BuildAsync(Repo.Example("tutorial"));
        Assert.True(result.IsSucceeded, result.Explain());

        var summary = JsonNode.Parse(result.Output!)!;
        Assert.Equal("tutorial", (string?)summary["networkName"]);
        Assert.Equal(["MyBroker1", "MyBroker2"], summary["brokers"]!.AsArray().Select(b => (string?)b!["brokerName"]));
        Assert.All(summary["brokers"]!.AsArray(), b => Assert.Equal("RUNNING", (string?)b!["brokerState"]));
        Assert.Equal("MyBroker1 <==> MyBroker2", (string?)summary["connectors"]![0]);
        Assert.Equal("sg-1", (string?)summary["ingress"]![0]!["rule"]!["sourceSecurityGroupId"]);
        // The loopback probe delivers everything.
        Assert.Equal("PASSED", (string?)summary["verification"]!["status"]);
        Assert.Equal(1, mq.ByName("MyBroker1").Reboots);
        Assert.Equal(0, mq.ByName("MyBroker2").Reboots);
        Assert.Equal(2, mq.Calls.Count(c => c.StartsWith("CreateBroker", StringComparison.Ordinal)));
        Assert.DoesNotContain(LocalNob.Password, string.Join("\n", result.History.Select(e => e.Input + e.Output + e.Cause)), StringComparison.Ordinal);

        // The history is Step Functions': states entered and exited by name, Map iterations with their index.
        Assert.Equal("ExecutionStarted", result.History[0].Type);
        Assert.Equal("ExecutionSucceeded", result.History[^1].Type);
        Assert.Equal([0, 1], result.History.Where(e => e.Type == "MapIterationStarted" && e.StateName == "EnsureBrokers").Select(e => e.MapIterationIndex!.Value).Order());
        Assert.Equal(result.History, progress);

        // After Verify, StoreNetwork recorded the network: the spec as run, both brokers (created by nob), the connector.
        var record = Assert.Single(networks.Records).Value;
        Assert.Equal("tutorial", record.NetworkName);
        Assert.Equal(JsonNode.Parse(Repo.Example("tutorial"))!.ToJsonString(), JsonNode.Parse(record.SpecJson)!.ToJsonString());
        Assert.Equal([new StoredBroker("MyBroker1", mq.ByName("MyBroker1").Id, true), new StoredBroker("MyBroker2", mq.ByName("MyBroker2").Id, true)], record.Brokers);
        Assert.Equal(["MyBroker1 <==> MyBroker2"], record.Connectors);
        Assert.Equal(result.Name, record.ExecutionName);
        Assert.Equal(["Verify", "StoreNetwork", "Summarize"], result.History.Where(e => e.IsStateEntered && e.Scope.Length == 0).Select(e => e.StateName).SkipWhile(n => n != "Verify").Take(3));
        log.WriteLine(string.Join("\n", result.History.Where(e => e.IsStateEntered).Select(e => $"{e.Timestamp:HH:mm:ss} {e.QualifiedStateName}")));
    }

    [Fact]
    public async Task Tutorial_WaitLoopPolls_UntilTheBrokerIsRunning()
    {
        var result = await BuildAsync(Repo.Example("tutorial"));
        Assert.True(result.IsSucceeded, result.Explain());
        // Both brokers are created before the first check; one CheckBrokers per turn checks both from one ListBrokers (the
        // fake settles on a broker's third sighting: the first turn lists and describes each, for its creation time; the
        // second turn's listing is the third), at the top level: no per-broker loop.
        var firstCheck = result.History.First(e => e.StateName == "CheckBrokers").Id;
        Assert.Equal(2, result.History.Count(e => e.Type == "TaskScheduled" && e.StateName == "EnsureBroker" && e.Id < firstCheck));
        var turns = result.History
            .Where(e => e.Type == "TaskSucceeded" && e.StateName == "CheckBrokers")
            .Select(e => JsonNode.Parse(e.Output!)!["Payload"]!)
            .ToList();
        Assert.All(turns, t => Assert.Equal("", result.History.First(e => e.StateName == "CheckBrokers").Scope));
        Assert.Equal([false, true], turns.Select(t => (bool)t["ready"]!));
        Assert.All(turns, t => Assert.Equal(2, t["waits"]!.AsArray().Count));
        Assert.Equal([2, 2], turns[^1]["waits"]!.AsArray().Select(w => (int)w!["poll"]!));
        Assert.Equal(1, result.History.Count(e => e.Type == "WaitStateEntered" && e.StateName == "WaitForBrokers"));
        // MyBroker1 gets the connector, so it reboots: the first turn of the reboot stage reboots it, three more check it.
        var rebootTurns = result.History.Where(e => e.Type == "TaskSucceeded" && e.StateName == "RebootBrokers")
            .Select(e => JsonNode.Parse(e.Output!)!["Payload"]!).ToList();
        Assert.Equal([false, false, false, true], rebootTurns.Select(t => (bool)t["ready"]!));
        Assert.All(rebootTurns, t => Assert.Equal(["MyBroker1"], t["waits"]!.AsArray().Select(w => (string?)w!["brokerName"])));

        // Each Wait sleeps what the turn before it asked for (PollPlan): the handlers run in real time, so every check
        // is at the start of its wait, and asks for half the expected time: 450 s of 15 min, 150 s of 5 min.
        Assert.Equal([150, 150, 150, 450], clock.Delays.Select(d => d.TotalSeconds).Order());
    }

    [Fact]
    public async Task SecondExecution_WithTheSameSpec_ChangesNothing()
    {
        Assert.True((await BuildAsync(Repo.Example("tutorial"))).IsSucceeded);
        var before = mq.Calls.Count;
        var second = await BuildAsync(Repo.Example("tutorial"));
        Assert.True(second.IsSucceeded, second.Explain());
        Assert.Empty(Mutations(mq.Calls.Skip(before)));
        Assert.Equal([false, false], JsonNode.Parse(second.Output!)!["brokers"]!.AsArray().Select(b => (bool)b!["created"]!));
        Assert.DoesNotContain(second.History, e => e.StateName is "WaitForBrokers" or "RebootBrokers");
        // The second run stores the record again: the brokers carry nob's network tag, so they are still nob's (created).
        var record = networks.Records["tutorial"];
        Assert.Equal(second.Name, record.ExecutionName);
        Assert.All(record.Brokers, b => Assert.True(b.Created, b.BrokerName));
    }

    [Theory]
    [InlineData("tutorial")]
    [InlineData("mesh")]
    public async Task StateTransitions_OfAConvergedBuild_AreNineWhateverTheSize(string example)
    {
        Assert.True((await BuildAsync(Repo.Example(example))).IsSucceeded);
        var second = await BuildAsync(Repo.Example(example));
        Assert.True(second.IsSucceeded, second.Explain());
        log.WriteLine($"converged {example} build: {second.StateTransitions} state transitions ({string.Join(", ", second.History.Where(e => e.IsStateEntered).GroupBy(e => e.StateName).Select(g => $"{g.Key}={g.Count()}"))})");
        // A build that changes nothing takes the fast path: Start, Validate, CheckConverged, Converged?, UseConvergedState,
        // Verify, StoreNetwork, Summarize, Succeeded = 9, and the network's lock taken and given back (AcquireLock,
        // ReleaseLock) = 11; the per-broker Maps do not run at all.
        Assert.Equal(11, second.StateTransitions);
        Assert.DoesNotContain(second.History, e => e.StateName is "EnsureBrokers" or "WriteRevisions");
        Assert.Equal(0, second.Retries);
    }

    [Fact]
    public async Task Mesh_OfFourBrokers_Succeeds()
    {
        var result = await BuildAsync(Repo.Example("mesh"));
        Assert.True(result.IsSucceeded, result.Explain());
        var summary = JsonNode.Parse(result.Output!)!;
        Assert.Equal(4, summary["brokers"]!.AsArray().Count);
        Assert.Equal(6, summary["connectors"]!.AsArray().Count);
        Assert.Equal(4, mq.Brokers.Count);
        var before = mq.Calls.Count;
        Assert.True((await BuildAsync(Repo.Example("mesh"))).IsSucceeded);
        Assert.Empty(Mutations(mq.Calls.Skip(before)));
    }

    [Fact]
    public async Task BrokerCreationFailedOnce_IsDeletedAndCreatedAgain_AndTheBuildSucceedsWithOneBrokerOfTheName()
    {
        mq.FailCreationOf.Add("MyBroker2");
        mq.FailCreationTimes = 1;
        var result = await BuildAsync(Repo.Example("tutorial"));
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Single(mq.Brokers.Values, b => b.Creation.BrokerName == "MyBroker2");
        Assert.Equal(BrokerStates.Running, mq.ByName("MyBroker2").State);
        Assert.Equal(3, mq.Calls.Count(c => c.StartsWith("CreateBroker ", StringComparison.Ordinal)));
        Assert.Single(mq.Calls, c => c.StartsWith("DeleteBroker ", StringComparison.Ordinal));
        Assert.Equal(mq.ByName("MyBroker2").Id, networks.Records["tutorial"].Brokers.Single(b => b.BrokerName == "MyBroker2").BrokerId);
        // MyBroker2 went through the recreation once: RecreateBrokers after the CREATION_FAILED check (EnsureBroker deletes
        // it) and after the deletion finished (EnsureBroker creates it again), each time for MyBroker2 alone.
        var recreations = result.History.Where(e => e.Type == "MapIterationStarted" && e.StateName == "RecreateBrokers")
            .Select(e => (string?)JsonNode.Parse(e.Input!)!["brokerName"]).ToList();
        Assert.Equal(["MyBroker2", "MyBroker2"], recreations);
        Assert.Equal(2, result.History.Count(e => e.Type == "TaskStateEntered" && e.StateName == "RecreateBroker"));
    }

    [Fact]
    public async Task BrokerCreationFailed_FailsTheExecution_NamingTheBroker()
    {
        mq.FailCreationOf.Add("MyBroker2");
        var result = await BuildAsync(Repo.Example("tutorial"));
        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Empty(networks.Records);
        Assert.DoesNotContain(result.History, e => e.StateName == "StoreNetwork");
        Assert.Equal("BrokerCreationFailedException", result.Error);
        Assert.Contains("Broker \\\"MyBroker2\\\"", result.Cause, StringComparison.Ordinal);
        Assert.Contains("CREATION_FAILED after nob deleted it and created it again 2 time(s)", result.Cause, StringComparison.Ordinal);
        // Recreated at most twice: three creations, two deletions, and the last broker stays for its events.
        Assert.Equal(4, mq.Calls.Count(c => c.StartsWith("CreateBroker ", StringComparison.Ordinal)));
        Assert.Equal(2, mq.Calls.Count(c => c.StartsWith("DeleteBroker ", StringComparison.Ordinal)));
        Assert.Single(mq.Brokers.Values, b => b.Creation.BrokerName == "MyBroker2");
        var failed = result.History.Single(e => e.Type == "TaskFailed");
        Assert.Equal(("CheckBrokers", ""), (failed.StateName, failed.Scope));
        Assert.Contains(result.History, e => e.Type == "PassStateEntered" && e.StateName == "FailedEnsureBrokers");
        Assert.Equal("FailStateEntered", result.History[^2].Type);
        Assert.DoesNotContain(result.History, e => e.StateName == "PlanNetwork");
    }

    [Fact]
    public async Task ConsoleEditWhileTheBrokerTakesNobsRevision_IsMergedAndTheBrokerRunsBoth()
    {
        var core = ConnectorConfigurationWriter.Core;
        mq.BeforeUpdateBroker = id =>
        {
            mq.BeforeUpdateBroker = null;
            var revisions = mq.Revisions[mq.Brokers[id].ConfigurationId];
            var edit = XDocument.Parse(revisions[^1]);
            edit.Root!.Add(new XElement(core + "destinations", new XElement(core + "queue", new XAttribute("physicalName", "console.edit"))));
            revisions.Add(edit.ToString());
        };

        var result = await BuildAsync(Repo.Example("tutorial"));

        Assert.True(result.IsSucceeded, result.Explain());
        var broker = mq.ByName("MyBroker1");
        var running = XDocument.Parse(mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1]);
        Assert.Equal(3, broker.CurrentRevision);
        Assert.Equal(["console.edit"], running.Descendants(core + "queue").Select(q => (string?)q.Attribute("physicalName")));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], running.Descendants(core + "networkConnector").Select(c => (string?)c.Attribute("name")));
    }

    [Fact]
    public async Task BrokerRunsAnotherRevisionAfterTheReboot_FailsWithBrokerRevisionMismatch_CaughtByName()
    {
        mq.BeforeFinishReboot = b => b.PendingRevision = 1; // someone set revision 1 again while the broker rebooted

        var result = await BuildAsync(Repo.Example("tutorial"));

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("BrokerRevisionMismatchException", result.Error);
        Assert.Contains("revision 2", result.Cause, StringComparison.Ordinal);
        Assert.Contains("runs revision 1", result.Cause, StringComparison.Ordinal);
        Assert.Contains(result.History, e => e.Type == "PassStateEntered" && e.StateName == "FailedWriteRevisions");
        Assert.Empty(networks.Records);
    }

    [Fact]
    public async Task BadSpec_FailsAtValidate_WithInvalidSpecException()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["brokers"]![0]!["name"] = "My Broker";
        var result = await BuildAsync(spec.ToJsonString());
        AssertRefusedAtValidate(result, "My Broker");
        Assert.Empty(networks.Records);
        Assert.Equal(["Start", "Validate", "FailedValidate", "Failed"], result.History.Where(e => e.IsStateEntered).Select(e => e.StateName));
    }

    [Fact]
    public async Task StateTransitions_OfATutorialBuild_AreCounted()
    {
        var result = await BuildAsync(Repo.Example("tutorial"));
        Assert.True(result.IsSucceeded, result.Explain());
        var perState = result.History.Where(e => e.IsStateEntered).GroupBy(e => e.StateName).Select(g => $"{g.Key}={g.Count()}");
        log.WriteLine($"tutorial build: {result.StateTransitions} state transitions ({string.Join(", ", perState)})");
        // Once: Start, Validate, AcquireLock, CheckConverged, Converged?, EnsureBrokers, StartWaitForBrokers, BrokersReady,
        // PlanNetwork, OpenIngress, WriteRevisions, StartReboots, RevisionsApplied, Verify, StoreNetwork, Summarize,
        // ReleaseLock, Succeeded = 18; per broker EnsureBroker and WriteConnectorRevision = 2, twice = 4; the creation
        // stage's two turns (CheckBrokers, BrokersRunning?) with one WaitForBrokers between them = 5; the reboot stage's
        // four turns (RebootBrokers, RebootsDone?: the reboot, then three checks) with three WaitForReboots = 11.
        // A converged re-run is 11 whatever the size (ConvergedBuildTests).
        Assert.Equal(18 + 4 + 5 + 11, result.StateTransitions);
    }
}
