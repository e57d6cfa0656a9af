using System.Text.Json.Nodes;

namespace Nob.StateMachine.Tests;

/// <summary>
/// One run per network: build-network and teardown-network from template.yaml take the network's lock after reading
/// which network it is, and give it back on every way out. Run locally with the real handlers over the fakes.
/// </summary>
public class NetworkLockStateMachineTests(ITestOutputHelper log)
{
    const string Running = "arn:aws:states:us-east-1:123456789012:execution:BuildNetworkStateMachine:still-running";
    readonly LocalNob nob = new(log, "tutorial");

    static IEnumerable<string> Entered(ExecutionResult result) => result.History.Where(e => e.IsStateEntered && e.Scope == "").Select(e => e.StateName!);

    [Fact]
    public async Task Build_WhileAnotherExecutionHoldsTheLock_FailsWithNetworkBusyNamingItAndTouchesNoBroker()
    {
        nob.Locks.Set("tutorial", 4, Running);
        nob.Executions.Running[Running] = 0;

        var result = await nob.RunAsync("BuildNetworkStateMachine", Repo.Example("tutorial"));

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal(nameof(NetworkBusyException), result.Error);
        Assert.Contains(Running, result.Cause, StringComparison.Ordinal);
        Assert.Equal(["Start", "Validate", "AcquireLock", "FailedAcquireLock", "ReleaseLockAfterFailure", "Failed"], Entered(result));
        Assert.DoesNotContain(nob.Mq.Calls, c => !c.StartsWith("Describe", StringComparison.Ordinal) && !c.StartsWith("List", StringComparison.Ordinal) && !c.StartsWith("Find", StringComparison.Ordinal));
        Assert.Equal(new Dictionary<long, string> { [4] = Running }, nob.Locks.Generations("tutorial")); // the holder's lock is left alone
    }

    [Fact]
    public async Task Teardown_WhileABuildHoldsTheLock_FailsWithNetworkBusyAndKeepsTheNetwork()
    {
        await nob.BuildAsync(Repo.Example("tutorial"));
        var brokers = nob.Mq.Calls.Count(c => c.StartsWith("CreateBroker", StringComparison.Ordinal));
        nob.Locks.Set("tutorial", 100, Running);
        nob.Executions.Running[Running] = 0;

        var result = await nob.RunAsync("TeardownNetworkStateMachine", new JsonObject { ["networkName"] = "tutorial" }.ToJsonString());

        Assert.Equal((ExecutionResult.Failed, nameof(NetworkBusyException)), (result.Status, result.Error));
        Assert.Contains(Running, result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain(nob.Mq.Calls, c => c.StartsWith("DeleteBroker", StringComparison.Ordinal));
        Assert.NotNull(nob.Networks.Records.GetValueOrDefault("tutorial"));
        Assert.Equal(brokers, nob.Mq.Calls.Count(c => c.StartsWith("CreateBroker", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Build_HolderNoLongerRuns_TakesTheLockOverSucceedsAndGivesItBack()
    {
        nob.Locks.Set("tutorial", 7, "arn:aws:states:us-east-1:123456789012:execution:BuildNetworkStateMachine:killed");

        var result = await nob.BuildAsync(Repo.Example("tutorial"));

        Assert.Equal(new Dictionary<long, string> { [8] = NetworkLock.ReleasedPrefix + result.ExecutionArn }, nob.Locks.Generations("tutorial"));
        Assert.Contains("ReleaseLock", Entered(result));
    }

    [Fact]
    public async Task Build_ThatFailsAfterTakingTheLock_GivesItBack()
    {
        nob.Ssm.Values.Clear(); // the common user's password is missing: EnsureBrokers fails

        var result = await nob.RunAsync("BuildNetworkStateMachine", Repo.Example("tutorial"));

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal(["ReleaseLockAfterFailure", "Failed"], Entered(result).TakeLast(2));
        Assert.Equal(new Dictionary<long, string> { [1] = NetworkLock.ReleasedPrefix + result.ExecutionArn }, nob.Locks.Generations("tutorial"));
        // And the next build is not blocked.
        nob.Ssm.Values["/nob/tutorial/password"] = LocalNob.Password;
        await nob.BuildAsync(Repo.Example("tutorial"));
    }

    [Fact]
    public async Task Teardown_AfterABuild_TakesAndGivesBackTheLock()
    {
        var build = await nob.BuildAsync(Repo.Example("tutorial"));

        var result = await nob.RunAsync("TeardownNetworkStateMachine", new JsonObject { ["networkName"] = "tutorial" }.ToJsonString());

        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(new Dictionary<long, string> { [2] = NetworkLock.ReleasedPrefix + result.ExecutionArn }, nob.Locks.Generations("tutorial"));
        Assert.NotEqual(build.ExecutionArn, result.ExecutionArn);
    }

    [Fact]
    public async Task DriftCheck_WhileABuildHoldsTheLock_ChecksWithoutTheLockAndItsRepairIsRefusedAsBusy()
    {
        await nob.BuildAsync(Repo.Example("tutorial"));
        nob.Locks.Set("tutorial", 50, Running);
        nob.Executions.Running[Running] = 0;
        var rules = nob.Ec2.Rules.Count;
        nob.Ec2.Rules.Clear(); // drifted: every ingress rule gone

        var check = await nob.RunAsync("CheckDriftStateMachine", new JsonObject { ["networkName"] = "tutorial", ["verify"] = false }.ToJsonString());
        var repair = await nob.RunAsync("CheckDriftStateMachine", new JsonObject { ["networkName"] = "tutorial", ["verify"] = false, ["repair"] = true }.ToJsonString());

        Assert.True(check.IsSucceeded, check.Explain());
        Assert.False((bool)JsonNode.Parse(check.Output!)!["networks"]![0]!["inSync"]!);
        Assert.True(repair.IsSucceeded, repair.Explain()); // a failed repair is a finding of the check, not a failed check
        var network = JsonNode.Parse(repair.Output!)!["networks"]![0]!;
        Assert.False((bool)network["repaired"]!);
        Assert.Contains(nameof(NetworkBusyException), network["repairError"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(Running, network["repairError"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(nob.Ec2.Rules); // the refused repair opened nothing
        Assert.True(rules > 0);
        Assert.Equal([1, 50], nob.Locks.Generations("tutorial").Keys.Order()); // the first build's released 1, the holder's 50
        Assert.Equal(Running, nob.Locks.Generations("tutorial")[50]);
    }

    [Theory]
    [InlineData("build-network.asl.json")]
    [InlineData("teardown-network.asl.json")]
    public void EveryWayOutAfterAcquireLock_GoesThroughAReleaseOfTheLock(string file)
    {
        var states = JsonNode.Parse(File.ReadAllText(Repo.PathOf("statemachine", file)))!["States"]!.AsObject();
        var releases = new[] { "ReleaseLock", "ReleaseLockAfterFailure" };
        foreach (var release in releases)
        {
            Assert.Equal("${ReleaseLockFunctionArn}", (string?)states[release]!["Parameters"]!["FunctionName"]);
            Assert.Equal("$$.Execution.Id", (string?)states[release]!["Parameters"]!["Payload"]!["owner.$"]);
        }
        Assert.Equal("$$.Execution.Id", (string?)states["AcquireLock"]!["Parameters"]!["Payload"]!["owner.$"]);
        Assert.Equal((string?)states["AcquireLock"]!["Parameters"]!["Payload"]!["networkName.$"], (string?)states["ReleaseLock"]!["Parameters"]!["Payload"]!["networkName.$"]);

        // Walk every transition from AcquireLock (Next, Default, Choices, Catch); stop at a release. A terminal state
        // reached on the way is a way out that keeps the lock.
        var seen = new HashSet<string>();
        var todo = new Stack<string>([(string)states["AcquireLock"]!["Next"]!, .. states["AcquireLock"]!["Catch"]!.AsArray().Select(c => (string)c!["Next"]!)]);
        while (todo.TryPop(out var name))
        {
            if (releases.Contains(name) || !seen.Add(name)) continue;
            var state = states[name]!;
            var type = (string)state["Type"]!;
            Assert.False(type is "Succeed" or "Fail" || (bool?)state["End"] == true, $"{file}: {name} ends the execution without giving the lock back");
            foreach (var next in new[] { state["Next"], state["Default"] }.OfType<JsonNode>()) todo.Push((string)next!);
            foreach (var rule in state["Choices"]?.AsArray() ?? []) todo.Push((string)rule!["Next"]!);
            foreach (var catcher in state["Catch"]?.AsArray() ?? []) todo.Push((string)catcher!["Next"]!);
        }
        Assert.Contains("Failed", states.Select(s => s.Key));
        Assert.True(seen.Count > 5, $"{file}: only {seen.Count} states after AcquireLock");
        // A release that fails still ends the run as it would have ended: success stays success, the failure its error.
        Assert.Equal((string?)states["ReleaseLock"]!["Next"], (string?)states["ReleaseLock"]!["Catch"]![0]!["Next"]);
        Assert.Equal("Failed", (string?)states["ReleaseLockAfterFailure"]!["Catch"]![0]!["Next"]);
        Assert.Null(states["ReleaseLockAfterFailure"]!["ResultPath"]?.GetValue<string>());
    }
}
