using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Adapters;
using Nob.Core.Workflow;

namespace Nob.LocalMode.Tests;

/// <summary>
/// One endpoint with four small networks, each with its own security group so that revoking one network's ingress
/// touches no other: lc-conn (connector drift), lc-ingress (ingress drift), lc-stop (a crashed broker), lc-down
/// (teardown, with a broker adopted from before the build).
/// </summary>
public sealed class LifecycleFixture : LocalHomeFixture
{
    public const string AdoptedBroker = "LcDownAdopted";

    public string SpecOf(string network) => Path.Combine(Scratch, "specs", network + ".json");

    public override async Task InitializeAsync()
    {
        var specs = new (string Network, string First, string Second, string Group)[]
        {
            ("lc-conn", "LcConn1", "LcConn2", "sg-1c0a0001"),
            ("lc-ingress", "LcIngress1", "LcIngress2", "sg-1c0a0002"),
            ("lc-stop", "LcStop1", "LcStop2", "sg-1c0a0003"),
            ("lc-down", "LcDownCreated", AdoptedBroker, "sg-1c0a0004"),
        };
        foreach (var (network, first, second, group) in specs)
        {
            var spec = JsonNode.Parse(Specs.TwoBrokers(network, first, second))!;
            spec["brokerDefaults"]!["securityGroups"] = new JsonArray(group);
            WriteSpec(network, spec.ToJsonString());
        }
        var starting = await NobAsync("up", SpecOf("lc-conn"), "--json"); // starts the endpoint
        if (starting.ExitCode != 0) throw new InvalidOperationException(starting.ToString());

        // The broker lc-down adopts exists before its build, created by someone else (no nob:network tag).
        var brokers = Brokers();
        await brokers.CreateBrokerAsync(new BrokerCreation(AdoptedBroker, "adopted-" + Guid.NewGuid().ToString("N"), "5.18", "mq.m5.large", "SINGLE_INSTANCE",
            ["subnet-a"], ["sg-1c0a0004"], false, "admin", new Dictionary<string, string>()), new Secret(Password), CancellationToken.None);
        await WaitRunningAsync(AdoptedBroker);

        var rest = await Task.WhenAll(specs.Skip(1).Select(s => NobAsync("up", SpecOf(s.Network), "--json")));
        foreach (var run in rest) if (run.ExitCode != 0) throw new InvalidOperationException(run.ToString());
    }

    public IBrokerService Brokers() => new AmazonMqBrokerService(MqClient());

    public string EventsFile => Path.Combine(Home, "events.jsonl");

    /// <summary>The events put for a network, oldest first (detail-type and detail).</summary>
    public IReadOnlyList<JsonObject> EventsOf(string network) =>
        !File.Exists(EventsFile) ? [] : File.ReadAllLines(EventsFile).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(e => (string?)e["detail"]?["networkName"] == network).ToList();

    public async Task<BrokerDescription> WaitRunningAsync(string brokerName)
    {
        var brokers = Brokers();
        for (var i = 0; i < 240; i++)
        {
            if (await brokers.FindBrokerByNameAsync(brokerName, CancellationToken.None) is { } found)
            {
                var broker = await brokers.DescribeBrokerAsync(found.BrokerId, CancellationToken.None);
                if (broker.BrokerState == BrokerStates.Running) return broker;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"{brokerName} did not become RUNNING in 2 minutes");
    }

    /// <summary>What a person does in the console: a new revision with <paramref name="edit"/> applied, made current by a reboot.</summary>
    public async Task EditConfigurationAndRebootAsync(string brokerName, Action<XDocument> edit)
    {
        var brokers = Brokers();
        var broker = await WaitRunningAsync(brokerName);
        var current = broker.CurrentConfiguration!;
        var document = XDocument.Parse(await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, CancellationToken.None));
        edit(document);
        var update = await brokers.UpdateConfigurationAsync(current.Id, document.ToString(), "edited by hand", CancellationToken.None);
        Assert.Empty(update.Warnings);
        await brokers.SetConfigurationRevisionAsync(broker.BrokerId, current.Id, update.Revision, CancellationToken.None);
        await brokers.RebootBrokerAsync(broker.BrokerId, CancellationToken.None);
        await Task.Delay(500);
        await WaitRunningAsync(brokerName);
    }

    public async Task<XDocument> CurrentConfigurationAsync(string brokerName)
    {
        var broker = await WaitRunningAsync(brokerName);
        var current = broker.CurrentConfiguration!;
        return XDocument.Parse(await Brokers().GetConfigurationRevisionXmlAsync(current.Id, current.Revision, CancellationToken.None));
    }

    public static IReadOnlyList<XElement> Connectors(XDocument configuration, string network) =>
        configuration.Descendants().Where(e => e.Name.LocalName == "networkConnector" && ((string?)e.Attribute("name"))?.StartsWith($"nob.{network}.", StringComparison.Ordinal) == true).ToList();

    /// <summary>The ingress rules of a security group, each with its description.</summary>
    public async Task<IReadOnlyList<(int Port, string Source, string? Description)>> IngressAsync(string groupId)
    {
        using var ec2 = Ec2Client();
        var group = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] })).SecurityGroups.Single();
        return (group.IpPermissions ?? [])
            .SelectMany(p => (p.Ipv4Ranges ?? []).Select(r => ((int)p.FromPort!, r.CidrIp, (string?)r.Description))
                .Concat((p.UserIdGroupPairs ?? []).Select(g => ((int)p.FromPort!, g.GroupId, (string?)g.Description))))
            .ToList();
    }
}

public sealed class LifecycleTests(LifecycleFixture fixture, ITestOutputHelper output) : IClassFixture<LifecycleFixture>
{
    [Fact]
    public async Task Drift_RightAfterUp_ExitsZeroInSyncAndPutsAnInSyncEvent()
    {
        var drift = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-conn"));

        Assert.True(drift.ExitCode == 0, drift.ToString());
        Assert.Contains("is in sync", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains(fixture.EventsOf("lc-conn"), e => (string?)e["detail-type"] == "Network In Sync" && (string?)e["source"] == "nob");
        var status = await fixture.NobAsync(output, "status");
        Assert.Matches(@"lc-conn\s+2 broker\(s\), 1 connector\(s\), stored ", status.Stdout);
    }

    [Fact]
    public async Task Drift_UserEditThenManagedConnectorRemovedThroughTheApi_OnlyTheConnectorIsDriftAndRepairRestoresIt()
    {
        // Someone adds a policy entry of their own: not drift (it is not ours to manage).
        static void AddPolicyEntry(XDocument d)
        {
            var entries = d.Descendants().First(e => e.Name.LocalName == "policyEntries");
            entries.Add(new XElement(entries.Name.Namespace + "policyEntry", new XAttribute("queue", "lc.user.>"), new XAttribute("gcInactiveDestinations", "true"),
                new XAttribute("inactiveTimoutBeforeGC", "600000")));
        }
        await fixture.EditConfigurationAndRebootAsync("LcConn1", AddPolicyEntry);
        var afterUserEdit = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-conn"), "--no-verify");
        Assert.True(afterUserEdit.ExitCode == 0, afterUserEdit.ToString());

        // Then someone removes our connector from the broker that owns it, and reboots.
        var owner = (await fixture.CurrentConfigurationAsync("LcConn1") is var c1 && LifecycleFixture.Connectors(c1, "lc-conn").Count > 0) ? "LcConn1" : "LcConn2";
        await fixture.EditConfigurationAndRebootAsync(owner, d =>
        {
            foreach (var connector in LifecycleFixture.Connectors(d, "lc-conn")) connector.Remove();
        });

        var drifted = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-conn"), "--no-verify");
        Assert.True(drifted.ExitCode == 3, drifted.ToString());
        Assert.Contains("ConnectorMissing", drifted.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("IngressMissing", drifted.Stdout, StringComparison.Ordinal);
        var detected = fixture.EventsOf("lc-conn").Last(e => (string?)e["detail-type"] == "Network Drift Detected");
        Assert.Contains(detected["detail"]!["findings"]!.AsArray(), f => (string?)f!["kind"] == "ConnectorMissing" && (string?)f["brokerName"] == owner);

        var repair = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-conn"), "--repair");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("Repaired", repair.Stdout, StringComparison.Ordinal);
        Assert.Contains(fixture.EventsOf("lc-conn"), e => (string?)e["detail-type"] == "Network Drift Repaired");
        var repaired = await fixture.CurrentConfigurationAsync(owner);
        Assert.Single(LifecycleFixture.Connectors(repaired, "lc-conn"));
        var user = await fixture.CurrentConfigurationAsync("LcConn1");
        Assert.Contains(user.Descendants(), e => e.Name.LocalName == "policyEntry" && (string?)e.Attribute("queue") == "lc.user.>");

        var after = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-conn"));
        Assert.True(after.ExitCode == 0, after.ToString());
    }

    [Fact]
    public async Task Drift_RevokedIngressRule_ReportedAndRepaired()
    {
        var ours = (await fixture.IngressAsync("sg-1c0a0002")).Where(r => r.Description?.StartsWith("nob lc-ingress ", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(ours);
        using (var ec2 = fixture.Ec2Client())
        {
            var rule = ours[0];
            var permission = new IpPermission { IpProtocol = "tcp", FromPort = rule.Port, ToPort = rule.Port };
            if (rule.Source.StartsWith("sg-", StringComparison.Ordinal)) permission.UserIdGroupPairs = [new UserIdGroupPair { GroupId = rule.Source }];
            else permission.Ipv4Ranges = [new IpRange { CidrIp = rule.Source }];
            await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = "sg-1c0a0002", IpPermissions = [permission] });
        }

        var drifted = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-ingress"), "--no-verify");
        Assert.True(drifted.ExitCode == 3, drifted.ToString());
        Assert.Contains("IngressMissing", drifted.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Connector", drifted.Stdout, StringComparison.Ordinal);

        var repair = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-ingress"), "--repair", "--no-verify");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("opened ingress", repair.Stdout, StringComparison.Ordinal);
        Assert.Equal(ours.Count, (await fixture.IngressAsync("sg-1c0a0002")).Count(r => r.Description?.StartsWith("nob lc-ingress ", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Drift_StoppedBroker_ReportedByTheBridgeVerificationUntilARebootBringsItBack()
    {
        var broker = await fixture.WaitRunningAsync("LcStop2");
        using (var http = fixture.AdminHttp(TimeSpan.FromSeconds(30)))
        {
            using var stop = await http.PostAsync($"/_localcloud/brokers/{broker.BrokerId}/stop", null);
            Assert.True(stop.IsSuccessStatusCode, await stop.Content.ReadAsStringAsync());
        }

        var drifted = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-stop"));
        Assert.True(drifted.ExitCode == 3, drifted.ToString());
        Assert.Contains("BridgeFailed", drifted.Stdout, StringComparison.Ordinal);
        Assert.Contains("LcStop2", drifted.Stdout, StringComparison.Ordinal);

        await fixture.Brokers().RebootBrokerAsync(broker.BrokerId, CancellationToken.None);
        await Task.Delay(500);
        await fixture.WaitRunningAsync("LcStop2");
        var after = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-stop"));
        Assert.True(after.ExitCode == 0, after.ToString());
    }

    [Fact]
    public async Task Down_NetworkWithCreatedAndAdoptedBroker_DeletesCreatedUnwiresAdoptedAndRemovesIngressAndRecord()
    {
        Assert.NotEmpty(LifecycleFixture.Connectors(await fixture.CurrentConfigurationAsync("LcDownCreated"), "lc-down")
            .Concat(LifecycleFixture.Connectors(await fixture.CurrentConfigurationAsync(LifecycleFixture.AdoptedBroker), "lc-down")));

        var down = await fixture.NobAsync(output, "down", fixture.SpecOf("lc-down"));

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("keeps running for the other brokers", down.Stdout, StringComparison.Ordinal);
        Assert.Null(await fixture.Brokers().FindBrokerByNameAsync("LcDownCreated", CancellationToken.None));
        var adopted = await fixture.CurrentConfigurationAsync(LifecycleFixture.AdoptedBroker); // still there, RUNNING
        Assert.Empty(LifecycleFixture.Connectors(adopted, "lc-down"));
        Assert.DoesNotContain(await fixture.IngressAsync("sg-1c0a0004"), r => r.Description?.StartsWith("nob lc-down ", StringComparison.Ordinal) == true);
        using (var ssm = fixture.SsmClient())
            await Assert.ThrowsAsync<ParameterNotFoundException>(() => ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/networks/lc-down" }));

        // Nothing stored any more: a drift check has nothing to compare with and says so.
        var drift = await fixture.NobAsync(output, "drift", fixture.SpecOf("lc-down"));
        Assert.True(drift.ExitCode == 1, drift.ToString());
        Assert.Contains("NetworkNotFoundException", drift.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_NetworkNeverBuilt_SaysNothingWasFoundAndTouchesNoOtherNetwork()
    {
        var spec = fixture.WriteSpec("lc-never", Specs.TwoBrokers("lc-never", "LcNever1", "LcNever2"));

        var down = await fixture.NobAsync(output, "down", spec);

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("Nothing of network \"lc-never\" was found", down.Stdout, StringComparison.Ordinal);
        await fixture.WaitRunningAsync("LcIngress1"); // the others are untouched
    }
}
