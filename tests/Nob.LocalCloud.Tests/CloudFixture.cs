using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.LocalBrokers;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// One local cloud shared by the tests of <see cref="CloudCollection"/>, with two brokers (NetA, NetB) whose creation
/// starts as the fixture starts, so that their JVMs come up while other tests run. Set NOB_KEEP_TEST_BROKERS=1 to keep
/// the data folder (state files, broker logs) after the run.
/// </summary>
public sealed class CloudFixture : IAsyncLifetime
{
    public const string Username = "commonUser";
    public const string Password = "local-Cloud-Pass-42";
    public const string BrokerA = "NetA";
    public const string BrokerB = "NetB";

    /// <summary>Brokers created in this collection whose creation fails at once (no JVM): for paging and failure tests.</summary>
    public static readonly string[] Doomed = [.. Enumerable.Range(1, 6).Select(i => $"Doomed{i}"), "DoomedAdapter", "DoomedDelay", "DoomedDelete", "DoomedRotate", "DoomedLost"];

    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(120);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"nob-localcloud-tests-{Guid.NewGuid():N}");

    public LocalCloud Cloud { get; private set; } = null!;

    public AmazonMqClient Mq { get; private set; } = null!;

    public string BrokerAId { get; private set; } = "";

    public string BrokerBId { get; private set; } = "";

    /// <summary>Lifecycle lines the cloud logged (for failure messages).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    public async Task InitializeAsync()
    {
        Cloud = await LocalCloud.StartAsync(new LocalCloudOptions
        {
            DataDirectory = Path.Combine(Root, "cloud"),
            Faults = new FaultSettings { FailCreationOf = Doomed },
            Log = Log.Enqueue,
        });
        Mq = Clients.Mq(Cloud);
        var a = await Mq.CreateBrokerAsync(Clients.Broker(BrokerA, Password, subnets: ["subnet-a1"], securityGroups: ["sg-0aaaaaaaaaaaaaaa1"]));
        var b = await Mq.CreateBrokerAsync(Clients.Broker(BrokerB, Password, subnets: ["subnet-b1"], securityGroups: ["sg-0bbbbbbbbbbbbbbb1"]));
        BrokerAId = a.BrokerId!;
        BrokerBId = b.BrokerId!;
    }

    /// <summary>Waits until both shared brokers are RUNNING.</summary>
    public async Task<(DescribeBrokerResponse A, DescribeBrokerResponse B)> BothRunningAsync()
    {
        var a = Clients.WaitForStateAsync(Mq, BrokerAId, BrokerStates.Running, StartPatience);
        var b = Clients.WaitForStateAsync(Mq, BrokerBId, BrokerStates.Running, StartPatience);
        return (await a, await b);
    }

    public ActiveMqCli Cli => Cloud.CreateCli();

    public async Task DisposeAsync()
    {
        Mq?.Dispose();
        var keep = Environment.GetEnvironmentVariable("NOB_KEEP_TEST_BROKERS") == "1";
        if (Cloud is not null)
        {
            await (keep ? Cloud.StopAsync() : Cloud.DownAsync());
        }

        if (!keep && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CloudCollection : ICollectionFixture<CloudFixture>
{
    public const string Name = "Shared local cloud";
}
