using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Configuration;

namespace Nob.StateMachine.Tests;

/// <summary>
/// The converged fast path of statemachine/build-network.asl.json, run locally over the fakes: a re-run of a network
/// that already matches its spec goes Start, Validate, CheckConverged, Converged?, UseConvergedState, Verify,
/// StoreNetwork, Summarize, Succeeded — 9 state transitions for any number of brokers — and changes nothing; a drifted
/// network takes the slow path and is repaired.
/// </summary>
public class ConvergedBuildTests
{
    /// <summary>The fast path's states; the bound is 12.</summary>
    static readonly string[] FastPath = ["Start", "Validate", "AcquireLock", "CheckConverged", "Converged?", "UseConvergedState", "Verify", "StoreNetwork", "Summarize", "ReleaseLock", "Succeeded"];
    readonly ArmedFailure failOnce = new();
    readonly LocalNob nob;
    readonly FakeBrokerService mq;
    readonly FakeSecurityGroups ec2;
    readonly FakeNetworkStore store;
    readonly LocalStateMachine machine;
    readonly ITestOutputHelper log;

    public ConvergedBuildTests(ITestOutputHelper log)
    {
        this.log = log;
        nob = new LocalNob(log, "tutorial", "mesh") { WrapBrokers = brokers => FailOnce<IBrokerService>.Wrap(brokers, failOnce) };
        (mq, ec2, store) = (nob.Mq, nob.Ec2, nob.Networks);
        machine = nob.Machine("BuildNetworkStateMachine");
    }

    async Task<ExecutionResult> BuildAsync(string spec)
    {
        var result = await machine.ExecuteAsync(spec);
        log.WriteLine($"{result.Status}: {result.StateTransitions} state transitions; {string.Join(", ", Entered(result).Take(12))}");
        Assert.True(result.IsSucceeded, result.Explain());
        return result;
    }

    static IEnumerable<string> Entered(ExecutionResult result) => result.History.Where(e => e.IsStateEntered).Select(e => e.StateName ?? "");

    static IEnumerable<string> Mutations(IEnumerable<string> calls) => calls.Where(c =>
        c.StartsWith("CreateBroker", StringComparison.Ordinal) || c.StartsWith("UpdateConfiguration", StringComparison.Ordinal)
        || c.StartsWith("UpdateBroker", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal)
        || c.StartsWith("CreateUser", StringComparison.Ordinal));

    static string Mesh(int brokers)
    {
        var spec = JsonNode.Parse(Repo.Example("mesh"))!;
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, brokers).Select(i => (JsonNode)new JsonObject { ["name"] = $"Mesh{i}" })]);
        return spec.ToJsonString();
    }

    [Theory]
    [InlineData("tutorial")]
    [InlineData("mesh21")]
    public async Task SecondBuild_OfAConvergedNetwork_TakesTheFastPathInAtMostTwelveTransitionsAndChangesNothing(string network)
    {
        var spec = network == "tutorial" ? Repo.Example("tutorial") : Mesh(21);
        var first = await BuildAsync(spec);
        var (calls, rules) = (mq.Calls.Count, ec2.Rules.Count);

        var second = await BuildAsync(spec);

        Assert.Equal(FastPath, Entered(second));
        Assert.True(second.StateTransitions <= 12, $"{second.StateTransitions} state transitions");
        Assert.Empty(Mutations(mq.Calls.Skip(calls)));
        Assert.Equal(rules, ec2.Rules.Count);
        var summary = JsonNode.Parse(second.Output!)!;
        Assert.Empty(summary["changes"]!.AsArray());
        Assert.All(summary["brokers"]!.AsArray(), b => Assert.False((bool)b!["created"]! || (bool)b["rebooted"]!));
        Assert.All(summary["ingress"]!.AsArray(), r => Assert.False((bool)r!["added"]!));
        // The summary reads as the first build's, less what that one changed.
        var firstSummary = JsonNode.Parse(first.Output!)!;
        Assert.Equal(firstSummary["connectors"]!.ToJsonString(), summary["connectors"]!.ToJsonString());
        Assert.Equal(firstSummary["verification"]!["pairs"]!.AsArray().Count, summary["verification"]!["pairs"]!.AsArray().Count);
        Assert.Equal(firstSummary["ingress"]!.AsArray().Select(r => r!["rule"]!.ToJsonString()), summary["ingress"]!.AsArray().Select(r => r!["rule"]!.ToJsonString()));
        Assert.NotNull(store.Records.GetValueOrDefault(network == "tutorial" ? "tutorial" : "mesh"));
    }

    [Fact]
    public async Task SecondBuild_WithOneDriftedBroker_TakesTheSlowPathAndRepairsIt()
    {
        await BuildAsync(Repo.Example("tutorial"));
        // Someone removes the connector from MyBroker1 in the console and reboots it.
        var broker = mq.ByName("MyBroker1");
        var document = XDocument.Parse(mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1]);
        document.Descendants(ConnectorConfigurationWriter.Core + "networkConnectors").Remove();
        mq.Revisions[broker.ConfigurationId].Add(document.ToString());
        broker.CurrentRevision = mq.Revisions[broker.ConfigurationId].Count;
        var calls = mq.Calls.Count;

        var repair = await BuildAsync(Repo.Example("tutorial"));

        Assert.Contains("EnsureBrokers", Entered(repair));
        Assert.DoesNotContain("UseConvergedState", Entered(repair));
        var changes = JsonNode.Parse(repair.Output!)!["changes"]!.AsArray().Select(c => (string?)c).ToList();
        Assert.Contains(changes, c => c!.StartsWith("wrote configuration revision", StringComparison.Ordinal) && c.Contains("MyBroker1 (+1 -0 ~0", StringComparison.Ordinal));
        Assert.Contains("rebooted MyBroker1", changes);
        Assert.Equal([$"RebootBroker {broker.Id}"], mq.Calls.Skip(calls).Where(c => c.StartsWith("RebootBroker", StringComparison.Ordinal)));

        var third = await BuildAsync(Repo.Example("tutorial"));
        Assert.Equal(FastPath, Entered(third));
    }

    [Fact]
    public async Task SecondBuild_WhenTheConvergedCheckFails_FallsThroughToTheSlowPath()
    {
        await BuildAsync(Repo.Example("tutorial"));
        failOnce.Arm(nameof(IBrokerService.ListUsernamesAsync));
        var calls = mq.Calls.Count;

        var second = await BuildAsync(Repo.Example("tutorial"));

        Assert.Equal(["Start", "Validate", "AcquireLock", "CheckConverged", "EnsureBrokers"], Entered(second).Take(5));
        Assert.Contains(second.History, e => e.Type == "TaskFailed" && e.StateName == "CheckConverged");
        Assert.Empty(Mutations(mq.Calls.Skip(calls)));
        Assert.Empty(JsonNode.Parse(second.Output!)!["changes"]!.AsArray());
    }

    [Fact]
    public async Task Build_WithAStoredNetworkInTheStore_IsConvergedFromTheSpecAlone()
    {
        // The fast path needs no stored record: a network built before StoreNetwork existed (or whose record was lost) is converged too.
        await BuildAsync(Repo.Example("tutorial"));
        store.Records.Clear();
        var second = await BuildAsync(Repo.Example("tutorial"));
        Assert.Equal(FastPath, Entered(second));
        Assert.Single(store.Records);
    }
}

/// <summary>The switch of a <see cref="FailOnce{T}"/>: the method whose next call fails, once.</summary>
public sealed class ArmedFailure
{
    string? armed;

    public void Arm(string methodName) => armed = methodName;

    /// <summary>Whether this call is the one to fail (disarming it).</summary>
    public bool Fires(string methodName)
    {
        if (methodName != armed) return false;
        armed = null;
        return true;
    }
}

/// <summary>Throws <see cref="InvalidOperationException"/> from the next call of one method, once, when its switch is armed.</summary>
public class FailOnce<T> : PortProxy<T> where T : class
{
    ArmedFailure? control;

    public static T Wrap(T inner, ArmedFailure control) => Wrap<FailOnce<T>>(inner, f => f.control = control);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (control!.Fires(targetMethod!.Name))
            throw new InvalidOperationException($"{targetMethod.Name} failed (armed by the test)");
        return Forward(targetMethod, args);
    }
}
