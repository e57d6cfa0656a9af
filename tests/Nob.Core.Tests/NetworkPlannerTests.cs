using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

public class NetworkPlannerTests
{
    static NetworkPlan PlanOf(string topologyJson, params string[] brokers)
    {
        var spec = SpecReader.ReadValid(Repo.SpecJson(topologyJson, brokers));
        return NetworkPlanner.Plan(spec, PlaceholderEndpoints.For(spec));
    }

    static bool Connected(NetworkPlan plan, string sender, string receiver) =>
        plan.ConnectedPairs.Any(p => p.Sender == sender && p.Receiver == receiver);

    [Fact]
    public void Plan_Tutorial_GivesMyBroker1OneDuplexConnectorToMyBroker2()
    {
        var spec = Repo.Spec("tutorial");
        var endpoints = new Dictionary<string, IReadOnlyList<string>>
        {
            ["MyBroker1"] = ["ssl://b-1111-1.mq.us-east-2.amazonaws.com:61617"],
            ["MyBroker2"] = ["ssl://b-2222-1.mq.us-east-2.amazonaws.com:61617"],
        };
        var plan = NetworkPlanner.Plan(spec, endpoints);

        var connector = Assert.Single(plan.Connectors);
        Assert.Equal("MyBroker1", connector.Owner);
        Assert.Equal("MyBroker2", connector.Target);
        Assert.True(connector.Duplex);
        Assert.Equal("myCommonUser", connector.UserName);
        Assert.Equal("static:(ssl://b-2222-1.mq.us-east-2.amazonaws.com:61617)", connector.Uri);
        Assert.Empty(plan.Broker("MyBroker2").Connectors);
        Assert.True(Connected(plan, "MyBroker1", "MyBroker2"));
        Assert.True(Connected(plan, "MyBroker2", "MyBroker1"));
        Assert.DoesNotContain(connector.Attributes(), a => a.Key.Contains("password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Plan_ActiveStandbyTarget_UsesMasterslaveWithBothEndpointsAndNoSpaces()
    {
        var spec = Repo.Spec("active-standby");
        var endpoints = new Dictionary<string, IReadOnlyList<string>>
        {
            ["MyBroker1"] = ["ssl://one-1.example:61617"],
            ["MyBroker2"] = ["ssl://two-1.example:61617", "ssl://two-2.example:61617"],
        };
        var connector = Assert.Single(NetworkPlanner.Plan(spec, endpoints).Connectors);
        Assert.Equal("masterslave:(ssl://two-1.example:61617,ssl://two-2.example:61617)", connector.Uri);
    }

    [Fact]
    public void Plan_WrongNumberOfEndpoints_Throws()
    {
        var spec = Repo.Spec("active-standby");
        var endpoints = new Dictionary<string, IReadOnlyList<string>>
        {
            ["MyBroker1"] = ["ssl://one-1.example:61617"],
            ["MyBroker2"] = ["ssl://two-1.example:61617"],
        };
        var e = Assert.Throws<ArgumentException>(() => NetworkPlanner.Plan(spec, endpoints));
        Assert.Contains("MyBroker2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://host:61616")]
    [InlineData("ssl://host")]
    [InlineData("ssl://host:61617?x=1")]
    public void Plan_EndpointThatIsNotOpenWireTls_Throws(string endpoint)
    {
        var spec = Repo.Spec("tutorial");
        var endpoints = new Dictionary<string, IReadOnlyList<string>> { ["MyBroker1"] = ["ssl://a:61617"], ["MyBroker2"] = [endpoint] };
        Assert.Throws<ArgumentException>(() => NetworkPlanner.Plan(spec, endpoints));
    }

    [Fact]
    public void Plan_HubAndSpoke_ReachesSpokeToSpokeThroughTheHubWithTtlTwo()
    {
        var plan = Repo.Plan("hub-and-spoke");
        Assert.All(plan.Connectors, c => Assert.Equal("Hub", c.Target));
        Assert.Equal(3, plan.Connectors.Count);
        Assert.Equal(2, plan.NetworkTtl);
        Assert.All(plan.Connectors, c => { Assert.Equal(2, c.NetworkTtl); Assert.Equal(2, c.ConsumerTtl); });
        var pair = Assert.Single(plan.ConnectedPairs, p => p.Sender == "Spoke1" && p.Receiver == "Spoke3");
        Assert.Equal(["Spoke1", "Hub", "Spoke3"], pair.Path);
        Assert.Equal(4 * 3, plan.ConnectedPairs.Count);
    }

    [Fact]
    public void Plan_Tree_ReachesLeafToLeafWithTtlOfTheLongestPath()
    {
        var plan = Repo.Plan("tree");
        var pair = Assert.Single(plan.ConnectedPairs, p => p.Sender == "Leaf1" && p.Receiver == "Branch2");
        Assert.Equal(["Leaf1", "Branch1", "Root", "Branch2"], pair.Path);
        Assert.Equal(3, plan.NetworkTtl);
        Assert.All(plan.Connectors, c => Assert.Equal(c.Target, Repo.Spec("tree").Topology is TreeTopology t ? t.Parents[c.Owner] : null));
    }

    [Fact]
    public void Plan_Mesh_ConnectsEveryPairOnceWithTtlOne()
    {
        var plan = Repo.Plan("mesh");
        Assert.Equal(4 * 3 / 2, plan.Connectors.Count);
        var pairs = plan.Connectors.Select(c => string.Join("|", new[] { c.Owner, c.Target }.Order(StringComparer.Ordinal))).ToList();
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
        Assert.Equal(1, plan.NetworkTtl);
        Assert.Equal(4 * 3, plan.ConnectedPairs.Count);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(21)]
    [InlineData(40)]
    [InlineData(41)]
    public void MeshPairs_AnySize_EveryPairOnceAndOwnershipWithinOneOfEven(int n)
    {
        var names = Enumerable.Range(0, n).Select(i => $"B{i}").ToList();
        var pairs = TopologyLinks.MeshPairs(names).ToList();
        Assert.Equal(n * (n - 1) / 2, pairs.Count);
        Assert.Equal(pairs.Count, pairs.Select(p => string.Join("|", new[] { p.Owner, p.Target }.Order(StringComparer.Ordinal))).Distinct().Count());
        var owned = names.Select(b => pairs.Count(p => p.Owner == b)).ToList();
        Assert.True(owned.Max() - owned.Min() <= 1, $"ownership {string.Join(",", owned)}");
        Assert.Equal((n - 1 + 1) / 2, owned.Max()); // ⌈(n-1)/2⌉
    }

    [Fact]
    public void Plan_Concentrator_ForwardsOneWayToTheConcentratorOnly()
    {
        var plan = Repo.Plan("concentrator");
        Assert.All(plan.Connectors, c => { Assert.Equal("Central", c.Target); Assert.False(c.Duplex); });
        Assert.True(Connected(plan, "Edge1", "Central"));
        Assert.False(Connected(plan, "Central", "Edge1"));
        Assert.False(Connected(plan, "Edge1", "Edge2"));
    }

    [Fact]
    public void Plan_MeshWithDuplexOff_ConnectsBothWaysWithTwoConnectorsPerPair()
    {
        var spec = SpecReader.ReadValid(Repo.SpecJson("""{ "type": "mesh" }""", "A", "B", "C").Replace("\"user\":", "\"connectorOptions\": {\"duplex\": false}, \"user\":", StringComparison.Ordinal));
        var plan = NetworkPlanner.Plan(spec, PlaceholderEndpoints.For(spec));
        Assert.Equal(6, plan.Connectors.Count);
        Assert.All(plan.Connectors, c => Assert.False(c.Duplex));
        Assert.Equal(6, plan.ConnectedPairs.Count);
    }

    [Fact]
    public void Plan_Custom_FollowsEachConnectorsDuplexAndOptions()
    {
        var plan = Repo.Plan("custom");
        Assert.True(plan.Connectors.Single(c => c.Owner == "Orders").Duplex);
        Assert.False(plan.Connectors.Single(c => c.Owner == "Billing").Duplex);
        Assert.False(Connected(plan, "Archive", "Billing"));
        Assert.True(Connected(plan, "Orders", "Archive"));
        Assert.Equal(2, plan.NetworkTtl);
        var attributes = plan.Connectors[0].Attributes().ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("1000", attributes["prefetchSize"]);
        Assert.Equal("true", attributes["conduitSubscriptions"]);
    }

    [Fact]
    public void Plan_ExplicitTtlOptions_OverrideTheComputedOnes()
    {
        var json = Repo.SpecJson("""{ "type": "hub-and-spoke", "hub": "H" }""", "H", "S1", "S2")
            .Replace("\"user\":", "\"connectorOptions\": {\"networkTTL\": 5, \"consumerTTL\": 4}, \"user\":", StringComparison.Ordinal);
        var spec = SpecReader.ReadValid(json);
        var plan = NetworkPlanner.Plan(spec, PlaceholderEndpoints.For(spec));
        Assert.All(plan.Connectors, c => { Assert.Equal(5, c.NetworkTtl); Assert.Equal(4, c.ConsumerTtl); });
        Assert.All(plan.Connectors, c => Assert.Single(c.Attributes(), a => a.Key == "networkTTL"));
    }

    [Fact]
    public void Plan_SameInputTwice_GivesTheSameConnectorNamesInTheSameOrder()
    {
        var first = Repo.Plan("mesh").Connectors.Select(c => c.Name).ToList();
        var second = Repo.Plan("mesh").Connectors.Select(c => c.Name).ToList();
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.All(first, n => Assert.True(ConnectorNaming.IsManaged(n, "mesh")));
    }

    [Fact]
    public void ConnectorNaming_OtherNetworksConnectors_AreNotManaged()
    {
        Assert.True(ConnectorNaming.IsManaged("nob.a.X.to.Y", "a"));
        Assert.False(ConnectorNaming.IsManaged("nob.ab.X.to.Y", "a"));
        Assert.False(ConnectorNaming.IsManaged("connector_1_to_2", "a"));
        Assert.False(ConnectorNaming.IsManaged(null, "a"));
    }
}
