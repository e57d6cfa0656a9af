using Nob.Testing.Brokers;
using static Nob.LocalBrokers.Tests.TestConfigurations;

namespace Nob.LocalBrokers.Tests;

/// <summary>
/// Hand-written network connectors as the tutorial writes them (userName only; the runtime injects the password) on real
/// brokers, checked with the ActiveMQ CLI: a producer on one broker, a consumer on another.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class NetworkOfBrokersTests(RealBrokerFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task DuplexStaticConnector_UserNameOnly_CarriesMessagesBothWays()
    {
        await using var host = await fixture.NewHostAsync();
        var portA = FreePorts.Allocate();
        var brokerA = host.CreateBroker("BrokerA", AmazonMqDefault().Xml(), Users, portA, withStomp: false);
        var brokerB = host.CreateBroker("BrokerB",
            WithNetworkConnectors(NetworkConnector("connector_B_to_A", $"static:(ssl://127.0.0.1:{portA})", duplex: true)).Xml(),
            Users, withStomp: false);
        await Task.WhenAll(brokerA.StartAsync(), brokerB.StartAsync());

        var bToA = await SendAsync(host, from: brokerB, to: brokerA, "queue://BToA", 3, Patience);
        var aToB = await SendAsync(host, from: brokerA, to: brokerB, "queue://AToB", 3, Patience);

        Assert.True(bToA == 3, $"B→A delivered {bToA} of 3.\nBrokerB log:\n{brokerB.LogTail(30)}\nBrokerA log:\n{brokerA.LogTail(30)}");
        Assert.True(aToB == 3, $"A→B delivered {aToB} of 3.\nBrokerB log:\n{brokerB.LogTail(30)}\nBrokerA log:\n{brokerA.LogTail(30)}");
        Assert.Contains("Network connection between", brokerB.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_BrokerWithNetworkConnectors_ReturnsOnlyOnceEveryConnectorHasStarted()
    {
        await using var host = await fixture.NewHostAsync();
        var ports = new[] { FreePorts.Allocate(), FreePorts.Allocate(), FreePorts.Allocate() };
        var targets = ports.Select((port, i) => host.CreateBroker($"Target{i}", AmazonMqDefault().Xml(), Users, port, withStomp: false)).ToList();
        await Task.WhenAll(targets.Select(t => t.StartAsync()));
        var source = host.CreateBroker("Source",
            WithNetworkConnectors([.. ports.Select((port, i) => NetworkConnector($"connector_Source_to_Target{i}", $"static:(ssl://127.0.0.1:{port})", duplex: false))]).Xml(),
            Users, withStomp: false);

        await source.StartAsync();

        // ActiveMQ opens its ports first and starts its network connectors one after another afterwards: a start that
        // ended at the open ports would find some of these lines missing.
        var log = source.ReadLog();
        Assert.All(Enumerable.Range(0, 3), i =>
            Assert.Contains($"Network Connector DiscoveryNetworkConnector:connector_Source_to_Target{i}:BrokerService[Source] started", log, StringComparison.Ordinal));
        Assert.True(source.HasReportedThisStart());
    }

    [Fact]
    public async Task NoConnector_ProducerOnOneBroker_ConsumerOnOtherGetsNothing()
    {
        await using var host = await fixture.NewHostAsync();
        var brokerA = host.CreateBroker("LonelyA", AmazonMqDefault().Xml(), Users, withStomp: false);
        var brokerB = host.CreateBroker("LonelyB", AmazonMqDefault().Xml(), Users, withStomp: false);
        await Task.WhenAll(brokerA.StartAsync(), brokerB.StartAsync());

        var delivered = await SendAsync(host, from: brokerB, to: brokerA, "queue://Isolated", 2, Silence);

        Assert.Equal(0, delivered);
    }

    [Fact]
    public async Task MasterSlaveConnector_ActiveStandbyTarget_DeliversBeforeAndAfterFailover()
    {
        await using var host = await fixture.NewHostAsync();
        var (first, second) = (FreePorts.Allocate(), FreePorts.Allocate());
        var pair = host.CreateActiveStandbyPair("PairTarget", AmazonMqDefault().Xml(), Users, first, second, withStomp: false);
        var source = host.CreateBroker("PairSource",
            WithNetworkConnectors(NetworkConnector("connector_source_to_pair", pair.MasterSlaveUri, duplex: true)).Xml(),
            Users, withStomp: false);
        await Task.WhenAll(pair.StartAsync(), source.StartAsync());
        Assert.Same(pair.First, await pair.FindActiveAsync());
        Assert.False(await pair.Second.IsAcceptingConnectionsAsync());
        Assert.True(pair.Second.IsRunning);

        var before = await SendAsync(host, from: source, to: pair.First, "queue://IntoPair", 2, Patience);
        // A persistent message left on the active instance must survive the failover (shared KahaDB).
        await host.Cli.ProduceAsync(pair.First.OpenWireUri, User.Username, User.Password, "queue://Stranded", 1, "stranded");

        var active = await pair.FailOverAsync();

        Assert.Same(pair.Second, active);
        Assert.Same(pair.Second, await pair.FindActiveAsync());
        Assert.Equal(1, await host.Cli.ConsumeAsync(active.OpenWireUri, User.Username, User.Password, "queue://Stranded", 1, Patience));
        var after = await SendAsync(host, from: source, to: active, "queue://IntoPairAfterFailover", 2, Patience);
        var back = await SendAsync(host, from: active, to: source, "queue://OutOfPairAfterFailover", 2, Patience);
        Assert.True(before == 2, $"before failover: {before} of 2.\n{source.LogTail(30)}");
        Assert.True(after == 2, $"after failover: {after} of 2.\nsource log:\n{source.LogTail(40)}\nnew active log:\n{active.LogTail(20)}");
        Assert.True(back == 2, $"back after failover: {back} of 2.\n{source.LogTail(40)}");
        Assert.True(pair.First.IsRunning, "the failed instance comes back as the standby");
        Assert.False(await pair.First.IsAcceptingConnectionsAsync());
    }

    /// <summary>Starts a consumer on <paramref name="to"/>, produces on <paramref name="from"/>, returns how many arrived.</summary>
    private static async Task<int> SendAsync(LocalBrokerHost host, LocalBroker from, LocalBroker to, string destination, int count, TimeSpan patience)
    {
        var body = $"from {from.Name} to {to.Name}";
        var consumer = host.Cli.ReceiveAsync(to.OpenWireUri, User.Username, User.Password, destination, count, patience);
        await host.Cli.ProduceAsync(from.OpenWireUri, User.Username, User.Password, destination, count, body);
        var result = await consumer;
        Assert.All(result.Bodies, b => Assert.Equal(body, b));
        return result.Received;
    }
}
