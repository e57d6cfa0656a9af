using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Mq.Model;
using Nob.LocalBrokers;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Tests;

[CollectionDefinition(Name)]
public sealed class RestartCollection
{
    public const string Name = "Local cloud restarts";
}

/// <summary>
/// State survives a restart of the host: brokers (an active/standby pair here) come back on the same endpoints with their
/// messages, parameters and rules are still there; stopping leaves no broker process behind, and Down removes everything.
/// </summary>
[Collection(RestartCollection.Name)]
public sealed class RestartTests : IAsyncLifetime
{
    private const string Secret = "restart-Secret-42";
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"nob-localcloud-restart-{Guid.NewGuid():N}");

    private string DataDirectory => Path.Combine(_root, "cloud");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root) && Environment.GetEnvironmentVariable("NOB_KEEP_TEST_BROKERS") != "1")
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task StopAndStartAgain_BrokersParametersAndRulesSurvive_DownRemovesEverything()
    {
        string brokerId;
        IReadOnlyList<string> endpoints;
        var first = await LocalCloud.StartAsync(new LocalCloudOptions { DataDirectory = DataDirectory });
        try
        {
            using var mq = Clients.Mq(first);
            using var ssm = Clients.Ssm(first);
            using var ec2 = Clients.Ec2(first);
            brokerId = (await mq.CreateBrokerAsync(Clients.Broker("Durable", CloudFixture.Password, DeploymentModes.ActiveStandbyMultiAz,
                subnets: ["subnet-r1", "subnet-r2"], securityGroups: ["sg-0ddddddddddddddd1"]))).BrokerId!;
            await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/restart/password", Type = ParameterType.SecureString, Value = Secret });
            await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = "sg-0ddddddddddddddd1",
                IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 61617, ToPort = 61617, Ipv4Ranges = [new IpRange { CidrIp = "10.9.9.9/32" }] }],
            });

            var running = await Clients.WaitForStateAsync(mq, brokerId, BrokerStates.Running, CloudFixture.StartPatience);
            Assert.Equal(2, running.BrokerInstances.Count);
            endpoints = [.. running.BrokerInstances.SelectMany(i => i.Endpoints)];
            Assert.Equal(4, endpoints.Distinct().Count());
            // Instance 1 is active, instance 2 waits on the shared store's lock.
            Assert.True(await FreePorts.IsAcceptingAsync(new Uri(endpoints[0]).Port));
            Assert.False(await FreePorts.IsAcceptingAsync(new Uri(endpoints[2]).Port));
            Assert.Equal(2, BrokerJvms().Count);

            await first.CreateCli().ProduceAsync(endpoints[0], CloudFixture.Username, CloudFixture.Password, "queue://Kept", 1, "kept across restarts");
        }
        finally
        {
            await first.StopAsync();
        }

        Assert.Empty(BrokerJvms());
        Assert.False(await FreePorts.IsAcceptingAsync(new Uri(endpoints[0]).Port));

        var second = await LocalCloud.StartAsync(new LocalCloudOptions { DataDirectory = DataDirectory });
        try
        {
            using var mq = Clients.Mq(second);
            using var ssm = Clients.Ssm(second);
            using var ec2 = Clients.Ec2(second);
            Assert.Contains((await mq.DescribeBrokerAsync(new() { BrokerId = brokerId })).BrokerState, new[] { BrokerStates.RebootInProgress, BrokerStates.Running });

            var back = await Clients.WaitForStateAsync(mq, brokerId, BrokerStates.Running, CloudFixture.StartPatience);

            Assert.Equal(endpoints, back.BrokerInstances.SelectMany(i => i.Endpoints));
            var kept = await second.CreateCli().ReceiveAsync(endpoints[0], CloudFixture.Username, CloudFixture.Password, "queue://Kept", 1, TimeSpan.FromSeconds(30));
            Assert.Equal(["kept across restarts"], kept.Bodies);
            Assert.Equal(Secret, (await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/restart/password", WithDecryption = true })).Parameter.Value);
            var group = Assert.Single((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-0ddddddddddddddd1"] })).SecurityGroups);
            Assert.Equal("10.9.9.9/32", Assert.Single(Assert.Single(group.IpPermissions).Ipv4Ranges).CidrIp);
            Assert.Equal("Durable", Assert.Single(await Nob.Aws.Mq.AmazonMqClientExtensions.ListAllBrokersAsync(mq)).BrokerName);
        }
        finally
        {
            await second.DownAsync();
        }

        Assert.Empty(BrokerJvms());
        Assert.False(Directory.Exists(DataDirectory));
    }

    /// <summary>The broker JVMs whose command line points into this test's folder.</summary>
    private List<int> BrokerJvms()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (command == "java" && cmdline.Contains(_root, StringComparison.Ordinal) && cmdline.Contains(" start ", StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }
}
