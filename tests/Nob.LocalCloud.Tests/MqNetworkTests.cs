using System.Xml.Linq;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Core.Configuration;
using Xunit.Abstractions;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// The tutorial through our own Amazon MQ client: two brokers, a connector revision on one, pending until a reboot that
/// restarts its process with the new revision, after which messages cross the bridge.
/// </summary>
[Collection(CloudCollection.Name)]
public sealed class MqNetworkTests(CloudFixture fixture, ITestOutputHelper output)
{
    private static readonly XNamespace Core = "http://activemq.apache.org/schema/core";

    [Fact]
    public async Task CreateBrokers_RunWithRealEndpoints_AsDescribed()
    {
        var (a, b) = await fixture.BothRunningAsync();

        foreach (var broker in new[] { a, b })
        {
            var instance = Assert.Single(broker.BrokerInstances);
            Assert.Equal("127.0.0.1", instance.IpAddress);
            Assert.Collection(instance.Endpoints,
                e => Assert.Matches(@"^ssl://127\.0\.0\.1:\d+$", e),
                e => Assert.Matches(@"^stomp\+ssl://127\.0\.0\.1:\d+$", e));
            Assert.StartsWith(fixture.Cloud.Endpoint.AbsoluteUri, instance.ConsoleUrl, StringComparison.Ordinal);
            Assert.Equal("ActiveMQ", broker.EngineType);
            Assert.Equal(DeploymentModes.SingleInstance, broker.DeploymentMode);
            Assert.StartsWith("c-", broker.Configurations!.Current!.Id, StringComparison.Ordinal); // revisions: see the next test
            Assert.Equal("localcloud-tests", broker.Tags["nob:network"]);
            var user = Assert.Single(broker.Users, u => u.Username == CloudFixture.Username);
            Assert.Null(user.PendingChange);
            Assert.Matches("^arn:aws:mq:us-east-1:000000000000:broker:", broker.BrokerArn);
        }

        Assert.Equal(["sg-0aaaaaaaaaaaaaaa1"], a.SecurityGroups);
        Assert.Equal(["subnet-a1"], a.SubnetIds);

        // The console URL answers (signed, as every request to the endpoint), and a producer/consumer round trip works on each broker's real endpoint.
        using var http = Clients.Http(fixture.Cloud);
        Assert.Contains(BrokerAName, await http.GetStringAsync(a.BrokerInstances[0].ConsoleUrl), StringComparison.Ordinal);
        var cli = fixture.Cli;
        var consumer = cli.ReceiveAsync(b.BrokerInstances[0].Endpoints[0], CloudFixture.Username, CloudFixture.Password, "queue://Local", 1, TimeSpan.FromSeconds(30));
        await cli.ProduceAsync(b.BrokerInstances[0].Endpoints[0], CloudFixture.Username, CloudFixture.Password, "queue://Local", 1, "hello");
        Assert.Equal(["hello"], (await consumer).Bodies);
    }

    private const string BrokerAName = CloudFixture.BrokerA;

    [Fact]
    public async Task ConnectorRevision_PendingUntilReboot_ThenBridgeCarriesMessages()
    {
        var mq = fixture.Mq;
        var (a, b) = await fixture.BothRunningAsync();
        var configurationId = a.Configurations!.Current!.Id;

        // Revision 1 is Amazon MQ's default.
        var first = await mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = configurationId, ConfigurationRevision = 1 });
        Assert.True(XmlSemantics.Equivalent(AmazonMqDefaults.ConfigurationXml, first.Xml!));

        // A duplex connector A -> B, plus what Amazon MQ strips: a password, an unknown attribute, an element it does not allow.
        var document = XDocument.Parse(first.Xml!);
        document.Root!.Element(Core + "plugins")!.AddBeforeSelf(new XElement(Core + "networkConnectors",
            new XElement(Core + "networkConnector",
                new XAttribute("name", "nob.test.NetA.to.NetB"),
                new XAttribute("uri", $"static:({b.BrokerInstances[0].Endpoints[0]})"),
                new XAttribute("userName", CloudFixture.Username),
                new XAttribute("duplex", "true"),
                new XAttribute("password", "never-stored"),
                new XAttribute("bogus", "1"),
                new XElement(Core + "bridge"))));
        var update = await mq.UpdateConfigurationAsync(new() { ConfigurationId = configurationId, Xml = document.ToString(), Description = "A to B" });

        Assert.Equal(2, update.LatestRevision!.Revision);
        Assert.Equal(
            ["DISALLOWED_ATTRIBUTE_REMOVED networkConnector password", "DISALLOWED_ATTRIBUTE_REMOVED networkConnector bogus", "DISALLOWED_ELEMENT_REMOVED bridge "],
            update.Warnings.Select(w => $"{w.Reason} {w.ElementName} {w.AttributeName}"));
        var second = await mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = configurationId, ConfigurationRevision = 2 });
        Assert.DoesNotContain("never-stored", second.Xml, StringComparison.Ordinal);
        Assert.Equal("A to B", second.Description);
        var configuration = await mq.DescribeConfigurationAsync(new() { ConfigurationId = configurationId });
        Assert.Equal((2, "A to B"), (configuration.LatestRevision!.Revision, configuration.LatestRevision.Description));
        Assert.Equal($"{CloudFixture.BrokerA}-configuration", configuration.Name);
        var revisions = await mq.ListAllConfigurationRevisionsAsync(configurationId, pageSize: 1);
        Assert.Equal([1, 2], revisions.Select(r => r.Revision));

        // UpdateBroker makes it pending only; a user added now is pending too.
        await mq.UpdateBrokerAsync(new() { BrokerId = a.BrokerId!, Configuration = new ConfigurationId { Id = configurationId, Revision = 2 } });
        await mq.CreateUserAsync(new() { BrokerId = a.BrokerId!, Username = "lateUser", Password = "late-User-Pass-42" });
        var pending = await mq.DescribeBrokerAsync(new() { BrokerId = a.BrokerId! });
        Assert.Equal(1, pending.Configurations!.Current!.Revision);
        Assert.Equal(2, pending.Configurations.Pending!.Revision);
        Assert.Equal("CREATE", pending.Users.Single(u => u.Username == "lateUser").PendingChange);
        var lateUser = await mq.DescribeUserAsync(new() { BrokerId = a.BrokerId!, Username = "lateUser" });
        Assert.Equal("CREATE", lateUser.Pending!.PendingChange);
        await Assert.ThrowsAsync<MqConflictException>(() =>
            mq.CreateUserAsync(new() { BrokerId = a.BrokerId!, Username = "lateUser", Password = "late-User-Pass-42" }));

        // Reboot: REBOOT_IN_PROGRESS at once, refused a second time, then RUNNING with revision 2 current.
        await mq.RebootBrokerAsync(new() { BrokerId = a.BrokerId! });
        Assert.Equal(BrokerStates.RebootInProgress, (await mq.DescribeBrokerAsync(new() { BrokerId = a.BrokerId! })).BrokerState);
        var again = await Assert.ThrowsAsync<MqBadRequestException>(() => mq.RebootBrokerAsync(new() { BrokerId = a.BrokerId! }));
        Assert.Equal("broker-id", again.ErrorAttribute);
        var rebooted = await Clients.WaitForStateAsync(mq, a.BrokerId!, BrokerStates.Running, CloudFixture.StartPatience);
        Assert.Equal(2, rebooted.Configurations!.Current!.Revision);
        Assert.Null(rebooted.Configurations.Pending);
        Assert.Equal([1], rebooted.Configurations.History.Select(h => h.Revision!.Value));
        Assert.All(rebooted.Users, u => Assert.Null(u.PendingChange));
        Assert.Equal(a.BrokerInstances[0].Endpoints, rebooted.BrokerInstances[0].Endpoints);

        // The restarted process runs revision 2: a message produced on B reaches a consumer on A and back.
        var cli = fixture.Cli;
        var aUrl = rebooted.BrokerInstances[0].Endpoints[0];
        var bUrl = b.BrokerInstances[0].Endpoints[0];
        Assert.Equal(2, await SendAsync(cli, bUrl, aUrl, "queue://BToA", 2));
        Assert.Equal(2, await SendAsync(cli, aUrl, bUrl, "queue://AToB", 2));
        // The user created before the reboot now exists on the broker.
        Assert.Equal(1, await cli.ProduceAsync(aUrl, "lateUser", "late-User-Pass-42", "queue://LateUser", 1));
        output.WriteLine(string.Join('\n', fixture.Log));
    }

    [Fact]
    public async Task CreateBroker_WithARevisionActiveMqRefuses_EndsCreationFailed()
    {
        var mq = fixture.Mq;
        var configuration = await mq.CreateConfigurationAsync(new() { Name = "unstartable", EngineType = EngineTypes.ActiveMq, EngineVersion = "5.18" });
        var revision1 = await mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = configuration.Id!, ConfigurationRevision = 1 });
        // Amazon MQ's XSD allows no such attribute; this endpoint passes it on, and ActiveMQ's schema refuses it at start.
        var broken = await mq.UpdateConfigurationAsync(new()
        {
            ConfigurationId = configuration.Id!,
            Xml = revision1.Xml!.Replace("schedulePeriodForDestinationPurge=", "noSuchBrokerAttribute=\"1\" schedulePeriodForDestinationPurge=", StringComparison.Ordinal),
        });

        var request = Clients.Broker("Unstartable", CloudFixture.Password);
        var id = (await mq.CreateBrokerAsync(new CreateBrokerRequest
        {
            BrokerName = request.BrokerName,
            DeploymentMode = request.DeploymentMode,
            EngineType = request.EngineType,
            EngineVersion = request.EngineVersion,
            HostInstanceType = request.HostInstanceType,
            PubliclyAccessible = false,
            AutoMinorVersionUpgrade = true,
            Users = request.Users,
            Configuration = new ConfigurationId { Id = configuration.Id!, Revision = broken.LatestRevision!.Revision },
        })).BrokerId!;

        var failed = await Clients.WaitForStateAsync(mq, id, BrokerStates.CreationFailed, CloudFixture.StartPatience);
        Assert.Empty(failed.BrokerInstances);
        Assert.Equal(2, failed.Configurations!.Current!.Revision);
        Assert.Contains(fixture.Log, line => line.Contains("Unstartable", StringComparison.Ordinal) && line.Contains("CREATION_FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reboot_IntoARevisionActiveMqRefuses_CriticalActionRequired_ThenRebootBackToRunning()
    {
        var mq = fixture.Mq;
        var (_, b) = await fixture.BothRunningAsync();
        var current = b.Configurations!.Current!;
        var good = await mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = current.Id, ConfigurationRevision = current.Revision!.Value });
        var broken = await mq.UpdateConfigurationAsync(new()
        {
            ConfigurationId = current.Id,
            Xml = good.Xml!.Replace("schedulePeriodForDestinationPurge=", "noSuchBrokerAttribute=\"1\" schedulePeriodForDestinationPurge=", StringComparison.Ordinal),
        });
        await mq.UpdateBrokerAsync(new() { BrokerId = b.BrokerId!, Configuration = new ConfigurationId { Id = current.Id, Revision = broken.LatestRevision!.Revision } });

        await mq.RebootBrokerAsync(new() { BrokerId = b.BrokerId! });
        var critical = await Clients.WaitForStateAsync(mq, b.BrokerId!, BrokerStates.CriticalActionRequired, CloudFixture.StartPatience);
        await mq.UpdateBrokerAsync(new() { BrokerId = b.BrokerId!, Configuration = new ConfigurationId { Id = current.Id, Revision = current.Revision } });
        await mq.RebootBrokerAsync(new() { BrokerId = b.BrokerId! });
        var back = await Clients.WaitForStateAsync(mq, b.BrokerId!, BrokerStates.Running, CloudFixture.StartPatience);

        Assert.Equal("BROKER_START_FAILED", Assert.Single(critical.ActionsRequired).ActionRequiredCode);
        Assert.Equal(broken.LatestRevision.Revision, critical.Configurations!.Current!.Revision);
        Assert.Equal(current.Revision, back.Configurations!.Current!.Revision);
        Assert.Empty(back.ActionsRequired);
        Assert.Equal(b.BrokerInstances[0].Endpoints, back.BrokerInstances[0].Endpoints);
    }

    /// <summary>Starts a consumer on <paramref name="to"/>, produces on <paramref name="from"/>, returns how many arrived.</summary>
    private static async Task<int> SendAsync(Nob.LocalBrokers.ActiveMqCli cli, string from, string to, string destination, int count)
    {
        var consumer = cli.ReceiveAsync(to, CloudFixture.Username, CloudFixture.Password, destination, count, TimeSpan.FromSeconds(45));
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the consumer's demand reach the other broker
        await cli.ProduceAsync(from, CloudFixture.Username, CloudFixture.Password, destination, count, $"{destination} payload");
        return (await consumer).Received;
    }
}
