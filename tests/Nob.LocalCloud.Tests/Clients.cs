using System.Runtime.CompilerServices;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Tests;

/// <summary>The workflow's own clients, pointed at a local cloud and signing with its credentials.</summary>
internal static class Clients
{
    public const string Region = "us-east-1";

    /// <summary>The access key the cloud made on its first start (the only one it accepts).</summary>
    public static AWSCredentials Credentials(LocalCloud cloud) => new BasicAWSCredentials(cloud.Credentials.AccessKeyId, cloud.Credentials.SecretAccessKey);

    /// <summary>Plain HTTP to the cloud (admin routes, hand-made requests), signed by AWSSDK.Core for <paramref name="service"/>.</summary>
    public static HttpClient Http(LocalCloud cloud, string service = Nob.Aws.SignedHttp.LocalCloudAdminService) =>
        Nob.Aws.SignedHttp.Client(cloud.Endpoint, Credentials(cloud), Region, service);

    [ModuleInitializer]
    internal static void Initialize()
    {
        // Nothing in these tests may reach a real AWS endpoint or instance metadata.
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", null);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_MQ", null);
    }

    public static AmazonMqClient Mq(LocalCloud cloud, int maxErrorRetry = 2) =>
        new(Credentials(cloud), new AmazonMqConfig { ServiceURL = cloud.Endpoint.AbsoluteUri, AuthenticationRegion = Region, MaxErrorRetry = maxErrorRetry });

    public static AmazonEC2Client Ec2(LocalCloud cloud, int maxErrorRetry = 2) =>
        new(Credentials(cloud), new AmazonEC2Config { ServiceURL = cloud.Endpoint.AbsoluteUri, AuthenticationRegion = Region, MaxErrorRetry = maxErrorRetry });

    public static AmazonSimpleSystemsManagementClient Ssm(LocalCloud cloud, int maxErrorRetry = 2) =>
        new(Credentials(cloud), new AmazonSimpleSystemsManagementConfig { ServiceURL = cloud.Endpoint.AbsoluteUri, AuthenticationRegion = Region, MaxErrorRetry = maxErrorRetry });

    /// <summary>A CreateBroker request as the workflow makes it.</summary>
    public static CreateBrokerRequest Broker(string name, string password, string deploymentMode = DeploymentModes.SingleInstance,
        IReadOnlyList<string>? subnets = null, IReadOnlyList<string>? securityGroups = null, string? creatorRequestId = null) => new()
    {
        BrokerName = name,
        CreatorRequestId = creatorRequestId,
        DeploymentMode = deploymentMode,
        EngineType = EngineTypes.ActiveMq,
        EngineVersion = "5.18",
        HostInstanceType = "mq.m5.large",
        PubliclyAccessible = false,
        AutoMinorVersionUpgrade = true,
        SubnetIds = subnets,
        SecurityGroups = securityGroups,
        Users = [new User { Username = CloudFixture.Username, Password = password, ConsoleAccess = false }],
        Tags = new Dictionary<string, string> { ["nob:network"] = "localcloud-tests" },
    };

    /// <summary>Polls DescribeBroker until the broker is in <paramref name="state"/>; fails on a terminal other state or after <paramref name="timeout"/>.</summary>
    public static async Task<DescribeBrokerResponse> WaitForStateAsync(IAmazonMqClient mq, string brokerId, string state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var broker = await mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = brokerId });
            if (broker.BrokerState == state)
            {
                return broker;
            }

            if (broker.BrokerState != state && broker.BrokerState is BrokerStates.CreationFailed or BrokerStates.CriticalActionRequired)
            {
                Assert.Fail($"broker {broker.BrokerName} ended in {broker.BrokerState} while waiting for {state}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"broker {broker.BrokerName} still {broker.BrokerState} after {timeout.TotalSeconds:0} s (waiting for {state})");
            }

            await Task.Delay(250);
        }
    }
}
