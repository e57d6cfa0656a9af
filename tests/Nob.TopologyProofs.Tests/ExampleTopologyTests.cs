using Nob.Testing.Brokers;
using Xunit.Abstractions;
using Nob.Testing;

namespace Nob.TopologyProofs.Tests;

/// <summary>
/// Every example spec, planned with real local endpoints and written by the real configuration writer, run on real
/// ActiveMQ brokers: each pair the plan says is connected carries messages, and no other pair does.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ExampleTopologyTests(RealBrokerFixture fixture, ITestOutputHelper output)
{
    /// <summary>Generous: a bridge that retries its first connection backs off 1, 2, 4… seconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>How long an unconnected receiver listens before we call it silent (bridges are up by then).</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(6);

    private static readonly string[] SingleInstanceExamples =
        ["tutorial.json", "hub-and-spoke.json", "mesh.json", "concentrator.json", "tree.json", "custom.json"];

    private const string ActiveStandbyExample = "active-standby.json";

    public static TheoryData<string> Examples => new(SingleInstanceExamples);

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task PlannedNetwork_ExampleSpec_ConnectedPairsDeliverAndOthersDoNot(string example)
    {
        await using var network = await PlannedNetwork.StartAsync(await fixture.NewHostAsync(Path.GetFileNameWithoutExtension(example)), ReadExample(example));
        Report(network);

        var connected = await network.CheckAsync(network.Plan.ConnectedPairs.Select(p => (p.Sender, p.Receiver)), Patience);
        // Only once every bridge has proven itself does silence mean "not connected".
        var unconnected = await network.CheckAsync(network.UnconnectedPairs, Silence, parallelism: 4, label: "negative", messages: 1);

        Report("connected", connected);
        Report("unconnected", unconnected);
        AssertDelivered(network, connected);
        AssertSilent(network, unconnected);
        Assert.NotEmpty(connected);
    }

    [Fact]
    public async Task PlannedNetwork_ActiveStandbyExample_DeliversBothWaysAcrossFailover()
    {
        await using var network = await PlannedNetwork.StartAsync(await fixture.NewHostAsync("active-standby"), ReadExample(ActiveStandbyExample));
        Report(network);
        var (name, pair) = Assert.Single(network.ActiveStandbyBrokers);
        var connector = Assert.Single(network.Plan.Connectors, c => c.Target == name);
        Assert.Equal(pair.MasterSlaveUri, connector.Uri);
        var pairs = network.Plan.ConnectedPairs.Select(p => (p.Sender, p.Receiver)).ToList();
        Assert.Contains(pairs, p => p.Receiver == name);
        Assert.Contains(pairs, p => p.Sender == name);

        var before = await network.CheckAsync(pairs, Patience, label: "before");
        var active = await pair.FailOverAsync(kill: true);
        var after = await network.CheckAsync(pairs, Patience, label: "after");

        Report("before failover", before);
        output.WriteLine($"failed over to {active}");
        Report("after failover", after);
        AssertDelivered(network, before);
        Assert.Same(pair.Second, active);
        AssertDelivered(network, after);
    }

    [Fact]
    public async Task PlannedNetwork_TutorialOnDefaultRevision_NothingFlowsUntilRevisionAppliedAndRebooted()
    {
        await using var network = await PlannedNetwork.StartAsync(
            await fixture.NewHostAsync("tutorial-reboot"), ReadExample("tutorial.json"), revisionsApplied: false);
        var pairs = network.Plan.ConnectedPairs.Select(p => (p.Sender, p.Receiver)).ToList();

        var beforeReboot = await network.CheckAsync(pairs, Silence, label: "default", messages: 1);
        var rebooted = await network.ApplyRevisionsAndRebootAsync();
        var afterReboot = await network.CheckAsync(pairs, Patience, label: "applied");

        Report("on the default revision", beforeReboot);
        output.WriteLine($"applied and rebooted: {string.Join(", ", rebooted)}");
        Report("after the reboot", afterReboot);
        AssertSilent(network, beforeReboot);
        Assert.Equal(["MyBroker1"], rebooted); // only the source owns the connector
        AssertDelivered(network, afterReboot);
    }

    [Fact]
    public async Task PlannedNetwork_HubAndSpokeForcedToNetworkTtlOne_SpokeToSpokeDeliversNothing()
    {
        // The planner's network TTL (longest shortest path) is not decoration: one hop less and spoke → hub → spoke breaks.
        var spec = System.Text.Json.Nodes.JsonNode.Parse(ReadExample("hub-and-spoke.json"))!.AsObject();
        spec["connectorOptions"] = new System.Text.Json.Nodes.JsonObject { ["networkTTL"] = 1 };
        await using var network = await PlannedNetwork.StartAsync(await fixture.NewHostAsync("hub-ttl1"), spec.ToJsonString());
        Assert.Equal(1, network.Plan.NetworkTtl);
        var direct = network.Plan.ConnectedPairs.Where(p => p.Hops == 1).Select(p => (p.Sender, p.Receiver)).ToList();
        var twoHops = network.Plan.ConnectedPairs.Where(p => p.Hops == 2).Select(p => (p.Sender, p.Receiver)).ToList();

        var directChecks = await network.CheckAsync(direct, Patience);
        var twoHopChecks = await network.CheckAsync(twoHops, Silence, parallelism: 4, label: "ttl1", messages: 1);

        Report("one hop", directChecks);
        Report("two hops with network TTL 1", twoHopChecks);
        AssertDelivered(network, directChecks);
        Assert.NotEmpty(twoHopChecks);
        AssertSilent(network, twoHopChecks);
    }

    [Fact]
    public void ExamplesFolder_EverySpec_IsProvenByATestHere()
    {
        var onDisk = Directory.GetFiles(Repository.PathOf("examples"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal([.. SingleInstanceExamples.Append(ActiveStandbyExample).Order(StringComparer.Ordinal)], onDisk);
    }

    private void AssertDelivered(PlannedNetwork network, IReadOnlyList<DeliveryCheck> checks)
    {
        var failed = checks.Where(c => !c.Delivered).ToList();
        if (failed.Count == 0)
        {
            return;
        }
        var paths = failed.SelectMany(f => network.Plan.ConnectedPairs.Single(p => p.Sender == f.Sender && p.Receiver == f.Receiver).Path);
        Assert.Fail(
            $"{failed.Count} of {checks.Count} connected pairs did not deliver (network TTL {network.Plan.NetworkTtl}):{Environment.NewLine}" +
            string.Join(Environment.NewLine, failed.Select(f => "  " + f + " via " +
                string.Join(" → ", network.Plan.ConnectedPairs.Single(p => p.Sender == f.Sender && p.Receiver == f.Receiver).Path))) +
            $"{Environment.NewLine}Broker logs on those paths:{Environment.NewLine}{network.Diagnose(paths)}" +
            $"{Environment.NewLine}Configurations:{Environment.NewLine}{network.DescribeConfigurations()}");
    }

    private static void AssertSilent(PlannedNetwork network, IReadOnlyList<DeliveryCheck> checks)
    {
        var leaked = checks.Where(c => c.Received > 0 || (c.Error is not null && !c.Error.StartsWith("unexpected", StringComparison.Ordinal))).ToList();
        Assert.True(leaked.Count == 0,
            $"pairs the plan does not connect delivered anyway (or failed):{Environment.NewLine}{string.Join(Environment.NewLine, leaked.Select(c => "  " + c))}" +
            $"{Environment.NewLine}{network.Diagnose(leaked.SelectMany(c => new[] { c.Sender, c.Receiver }))}");
    }

    private void Report(PlannedNetwork network)
    {
        output.WriteLine($"{network.Spec.NetworkName}: {network.Plan.Connectors.Count} connectors, network TTL {network.Plan.NetworkTtl}");
        foreach (var connector in network.Plan.Connectors)
        {
            output.WriteLine($"  {connector.Owner} → {connector.Target} {(connector.Duplex ? "duplex" : "one-way")} {connector.Uri}");
        }
    }

    private void Report(string title, IReadOnlyList<DeliveryCheck> checks)
    {
        output.WriteLine($"{title}: {checks.Count(c => c.Received > 0)}/{checks.Count} delivered");
        foreach (var check in checks)
        {
            output.WriteLine($"  {check}");
        }
    }

    private static string ReadExample(string name) => File.ReadAllText(Repository.PathOf("examples", name));
}
