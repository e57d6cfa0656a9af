using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Mq.Model;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Tests;

[CollectionDefinition(Name)]
public sealed class NoBrokersCollection
{
    public const string Name = "Local cloud without brokers";
}

/// <summary>What the network lifecycle (records in SSM, drift checks, teardown) needs of SSM, EC2 and the admin API; no JVMs.</summary>
[Collection(NoBrokersCollection.Name)]
public sealed class LifecycleSupportTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"nob-localcloud-lifecycle-{Guid.NewGuid():N}");
    private LocalCloud _cloud = null!;

    public async Task InitializeAsync() => _cloud = await LocalCloud.StartAsync(new LocalCloudOptions { DataDirectory = _root });

    public async Task DisposeAsync()
    {
        // DownAsync removes the data folder itself.
        await _cloud.DownAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task PutParameter_Tiers_AsSsmDecidesThem()
    {
        using var ssm = Clients.Ssm(_cloud, maxErrorRetry: 0);
        var small = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/small", Type = ParameterType.String, Value = "x" });
        var big = new string('v', 5000);
        var tooBig = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() =>
            ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/big", Type = ParameterType.String, Value = big, Tier = ParameterTier.Standard }));
        var noTier = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() =>
            ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/big", Type = ParameterType.String, Value = big }));
        var intelligent = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/big", Type = ParameterType.String, Value = big, Tier = ParameterTier.IntelligentTiering });
        var downgrade = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() =>
            ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/big", Type = ParameterType.String, Value = "x", Tier = ParameterTier.Standard, Overwrite = true }));
        var kept = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/big", Type = ParameterType.String, Value = "x", Overwrite = true });
        var advanced = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/adv", Type = ParameterType.String, Value = "x", Tier = ParameterTier.Advanced });
        var overLimit = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() =>
            ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/huge", Type = ParameterType.String, Value = new string('v', 8193), Tier = ParameterTier.Advanced }));

        Assert.Equal(ParameterTier.Standard, small.Tier);
        Assert.Equal("ValidationException", tooBig.ErrorCode);
        Assert.Contains("advanced-parameter tier", tooBig.Message, StringComparison.Ordinal);
        Assert.Equal("ValidationException", noTier.ErrorCode);
        Assert.Equal(ParameterTier.Advanced, intelligent.Tier);
        Assert.Equal("ValidationException", downgrade.ErrorCode);
        Assert.Contains("You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier", downgrade.Message, StringComparison.Ordinal);
        Assert.Equal(ParameterTier.Advanced, kept.Tier);
        Assert.Equal(ParameterTier.Advanced, advanced.Tier);
        Assert.Equal("ValidationException", overLimit.ErrorCode);
        Assert.Equal("x", (await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/networks/big" })).Parameter.Value);
    }

    [Fact]
    public async Task SsmNetworkStore_RecordShrinkingBackToStandardSize_IsStoredInTheAdvancedTier()
    {
        using var ssm = Clients.Ssm(_cloud, maxErrorRetry: 0);
        var store = new Nob.Aws.Adapters.SsmNetworkStore(ssm);
        static Nob.Core.Lifecycle.NetworkRecord Record(string spec) =>
            new(1, "shrinking", spec, [new Nob.Core.Lifecycle.StoredBroker("A", "b-1", true)], [], DateTimeOffset.UnixEpoch, null);
        // Random hex digits compress only to about two thirds with base64, so 8000 of them need the Advanced tier.
        var big = Record($"{{\"pad\":\"{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4000))}\"}}");

        await store.PutAsync(big, CancellationToken.None);
        await store.PutAsync(Record("{}"), CancellationToken.None);

        Assert.Equal("{}", (await store.GetAsync("shrinking", CancellationToken.None))?.SpecJson);
        var kept = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/shrinking", Type = ParameterType.String, Value = "x", Overwrite = true });
        Assert.Equal(ParameterTier.Advanced, kept.Tier);
    }

    [Fact]
    public async Task GetParametersByPath_PagesThroughOneLevelOrAll()
    {
        using var ssm = Clients.Ssm(_cloud, maxErrorRetry: 0);
        var names = Enumerable.Range(1, 13).Select(i => $"/nob/networks/net{i:00}").ToList();
        foreach (var name in names)
        {
            await ssm.PutParameterAsync(new PutParameterRequest { Name = name, Type = ParameterType.String, Value = $$"""{"name":"{{name}}"}""" });
        }

        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networks/deep/one", Type = ParameterType.String, Value = "d" });
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/networksother", Type = ParameterType.String, Value = "o" });
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/secret", Type = ParameterType.SecureString, Value = "s3cret-Value" });

        var listed = new List<Parameter>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/nob/networks", NextToken = token });
            listed.AddRange(page.Parameters);
            token = page.NextToken;
            pages++;
        }
        while (token is not null);
        var recursive = await ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/nob/networks/", Recursive = true, MaxResults = 10 });
        var small = await ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/nob", MaxResults = 1, WithDecryption = true });
        var noSlash = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() =>
            ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "nob" }));

        Assert.Equal(names, listed.Select(p => p.Name));
        Assert.Equal(2, pages);
        Assert.Equal("/nob/networks/net01", listed[0].Name);
        Assert.Equal("""{"name":"/nob/networks/net01"}""", listed[0].Value);
        Assert.Equal(ParameterType.String, listed[0].Type);
        Assert.Equal(10, recursive.Parameters.Count);
        Assert.Equal("/nob/networks/deep/one", recursive.Parameters[0].Name);
        Assert.NotNull(recursive.NextToken);
        Assert.Equal(["/nob/networksother"], small.Parameters.Select(p => p.Name));
        Assert.Equal("ValidationException", noSlash.ErrorCode);
        var second = await ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/nob", MaxResults = 1, WithDecryption = true, NextToken = small.NextToken });
        Assert.Equal("s3cret-Value", Assert.Single(second.Parameters).Value);
    }

    [Fact]
    public async Task SecurityGroupRules_KeepTheirDescriptions_AndRevokeRemovesExactlyTheNamedRule()
    {
        using var ec2 = Clients.Ec2(_cloud, maxErrorRetry: 0);
        var group = (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "lifecycle", Description = "lifecycle" })).GroupId;
        var source = (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "lifecycle-source", Description = "source" })).GroupId;
        await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = group,
            IpPermissions =
            [
                new IpPermission
                {
                    IpProtocol = "tcp", FromPort = 61617, ToPort = 61617,
                    Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.1/32", Description = "nob:shop/NetA (61617) #1" }, new IpRange { CidrIp = "10.0.0.2/32", Description = "nob:shop/NetB" }],
                    UserIdGroupPairs = [new UserIdGroupPair { GroupId = source, Description = "nob:shop from group" }],
                },
                new IpPermission { IpProtocol = "tcp", FromPort = 61614, ToPort = 61614, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.1/32", Description = "nob:shop stomp" }] },
            ],
        });

        await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 61617, ToPort = 61617, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.1/32" }] }],
        });
        var notFound = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 61616, ToPort = 61616, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.2/32" }] }],
        }));
        var described = Assert.Single((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group] })).SecurityGroups);

        Assert.Equal("InvalidPermission.NotFound", notFound.ErrorCode);
        var openWire = described.IpPermissions.Single(p => p.FromPort == 61617);
        Assert.Equal([("10.0.0.2/32", "nob:shop/NetB")], openWire.Ipv4Ranges.Select(r => (r.CidrIp, r.Description)));
        Assert.Equal([(source, "nob:shop from group")], openWire.UserIdGroupPairs.Select(p => (p.GroupId, p.Description)));
        var stomp = described.IpPermissions.Single(p => p.FromPort == 61614);
        Assert.Equal([("10.0.0.1/32", "nob:shop stomp")], stomp.Ipv4Ranges.Select(r => (r.CidrIp, r.Description)));
    }

    [Fact]
    public async Task Activity_CountsRequestsPerServiceAndOperation_AndDeleteClearsThem()
    {
        using var http = Clients.Http(_cloud);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("_localcloud/activity")).StatusCode);
        using var ssm = Clients.Ssm(_cloud, maxErrorRetry: 0);
        using var ec2 = Clients.Ec2(_cloud, maxErrorRetry: 0);
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/activity", Type = ParameterType.String, Value = "x" });
        await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/activity" });
        await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/activity" });
        await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest());

        var activity = await http.GetFromJsonAsync<JsonElement>("_localcloud/activity");
        Assert.Equal(1, activity.GetProperty("requests").GetProperty("ssm").GetProperty("PutParameter").GetInt32());
        Assert.Equal(2, activity.GetProperty("requests").GetProperty("ssm").GetProperty("GetParameter").GetInt32());
        Assert.Equal(1, activity.GetProperty("requests").GetProperty("ec2").GetProperty("DescribeSecurityGroups").GetInt32());
        Assert.Equal(2, _cloud.Activity.Requests["ssm"]["GetParameter"]);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("_localcloud/activity")).StatusCode);
        var cleared = await http.GetFromJsonAsync<JsonElement>("_localcloud/activity");
        Assert.Empty(cleared.GetProperty("requests").EnumerateObject());
    }

    [Fact]
    public async Task StopBroker_UnknownBroker_Is404_AndGetIs405()
    {
        using var http = Clients.Http(_cloud);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("_localcloud/brokers/b-nothing/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync("_localcloud/brokers/b-nothing/stop")).StatusCode);
    }
}

/// <summary>The simulated crash, on the shared cloud's broker A (put back by a reboot).</summary>
[Collection(CloudCollection.Name)]
public sealed class BrokerCrashTests(CloudFixture fixture)
{
    [Fact]
    public async Task StopBroker_KillsTheJvm_DescribeStillRunning_RebootBringsItBack()
    {
        var (a, _) = await fixture.BothRunningAsync();
        var port = new Uri(a.BrokerInstances[0].Endpoints[0].Replace("ssl://", "tcp://", StringComparison.Ordinal)).Port;
        Assert.True(await AcceptsAsync(port));
        using var http = Clients.Http(fixture.Cloud);

        var stop = await http.PostAsync($"_localcloud/brokers/{fixture.BrokerAId}/stop", null);
        var body = await stop.Content.ReadFromJsonAsync<JsonElement>();
        var described = await fixture.Mq.DescribeBrokerAsync(new() { BrokerId = fixture.BrokerAId });
        var refused = !await AcceptsAsync(port);
        var again = await (await http.PostAsync($"_localcloud/brokers/{fixture.BrokerAId}/stop", null)).Content.ReadFromJsonAsync<JsonElement>();
        await fixture.Mq.RebootBrokerAsync(new() { BrokerId = fixture.BrokerAId });
        await Clients.WaitForStateAsync(fixture.Mq, fixture.BrokerAId, BrokerStates.Running, CloudFixture.StartPatience);

        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.True(body.GetProperty("stopped").GetBoolean());
        Assert.Equal(BrokerStates.Running, described.BrokerState);
        Assert.True(refused);
        Assert.False(again.GetProperty("stopped").GetBoolean());
        Assert.True(await AcceptsAsync(port));
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
