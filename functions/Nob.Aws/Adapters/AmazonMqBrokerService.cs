using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Core.Workflow;
using CoreBrokerInstance = Nob.Core.Workflow.BrokerInstance;
using CoreBrokerSummary = Nob.Core.Workflow.BrokerSummary;

namespace Nob.Aws.Adapters;

/// <summary>The workflow's view of Amazon MQ (<see cref="IBrokerService"/>) on our AWSSDK.Core-based client.</summary>
public sealed class AmazonMqBrokerService(IAmazonMqClient client) : IBrokerService
{
    public const string EngineType = "ACTIVEMQ";

    [IamActions("mq:ListBrokers")]
    public async Task<CoreBrokerSummary?> FindBrokerByNameAsync(string brokerName, CancellationToken cancellationToken)
    {
        return await Mq<CoreBrokerSummary?>("ListBrokers", async () =>
        {
            await foreach (var summary in client.ListBrokersPaginatedAsync(100, cancellationToken))
            {
                if (summary.BrokerName == brokerName && summary.BrokerId is { } id)
                    return new CoreBrokerSummary(id, brokerName, summary.BrokerState ?? "", summary.EngineType, summary.DeploymentMode);
            }
            return null;
        }, cancellationToken);
    }

    [IamActions("mq:ListBrokers")]
    public async Task<IReadOnlyList<CoreBrokerSummary>> ListBrokersAsync(CancellationToken cancellationToken)
    {
        var all = new List<CoreBrokerSummary>();
        await foreach (var summary in client.ListBrokersPaginatedAsync(100, cancellationToken))
        {
            if (summary.BrokerId is { } id && summary.BrokerName is { } name)
                all.Add(new CoreBrokerSummary(id, name, summary.BrokerState ?? "", summary.EngineType, summary.DeploymentMode));
        }
        return all;
    }

    [IamActions("mq:DescribeBroker")]
    public async Task<BrokerDescription> DescribeBrokerAsync(string brokerId, CancellationToken cancellationToken)
    {
        DescribeBrokerResponse b;
        try
        {
            b = await Mq("DescribeBroker", () => client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = brokerId }, cancellationToken), cancellationToken);
        }
        catch (MqNotFoundException)
        {
            // A step's own named error (the ASL catches it by name), not an SDK type the core cannot know.
            throw new BrokerMissingException(brokerId);
        }
        return new BrokerDescription(
            b.BrokerId ?? brokerId,
            b.BrokerName ?? "",
            b.BrokerArn ?? "",
            b.BrokerState ?? "",
            b.EngineType ?? "",
            b.EngineVersion ?? "",
            b.DeploymentMode ?? "",
            b.PubliclyAccessible ?? false,
            b.SecurityGroups,
            [.. b.BrokerInstances.Select(i => new CoreBrokerInstance(i.Endpoints, i.IpAddress, i.ConsoleUrl))],
            Ref(b.Configurations?.Current),
            Ref(b.Configurations?.Pending),
            [.. b.ActionsRequired.Select(a => a.ActionRequiredCode).OfType<string>()],
            [.. b.Users.Where(u => u.PendingChange is not null).Select(u => u.Username).OfType<string>()],
            b.Tags,
            b.Created);
    }

    static ConfigurationRef? Ref(ConfigurationId? id) => id is { Revision: { } revision } ? new ConfigurationRef(id.Id, revision) : null;

    // Amazon MQ creates the broker's network interfaces with the caller's EC2 permissions, and tags need CreateTags;
    // an account's first broker also makes it create its service-linked role (AWSServiceRoleForAmazonMQ) as the caller.
    [IamActions("mq:CreateBroker", "mq:CreateTags", "iam:CreateServiceLinkedRole",
        "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
        "ec2:DetachNetworkInterface", "ec2:DescribeInternetGateways", "ec2:DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfacePermissions",
        "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs")]
    public async Task<string> CreateBrokerAsync(BrokerCreation creation, Secret password, CancellationToken cancellationToken)
    {
        CreateBrokerResponse response;
        try
        {
            response = await Mq("CreateBroker", () => client.CreateBrokerAsync(new CreateBrokerRequest
        {
            BrokerName = creation.BrokerName,
            CreatorRequestId = creation.CreatorRequestId,
            EngineType = EngineType,
            EngineVersion = creation.EngineVersion,
            HostInstanceType = creation.HostInstanceType,
            DeploymentMode = creation.DeploymentMode,
            PubliclyAccessible = creation.PubliclyAccessible,
            AutoMinorVersionUpgrade = true,
            SubnetIds = creation.SubnetIds.Count == 0 ? null : creation.SubnetIds,
            SecurityGroups = creation.SecurityGroups.Count == 0 ? null : creation.SecurityGroups,
            Users = [new User { Username = creation.Username, Password = password.Reveal(), ConsoleAccess = false }],
            Tags = creation.Tags,
        }, cancellationToken), cancellationToken);
        }
        catch (MqConflictException e)
        {
            // 409: the name is taken (e.g. this call's first attempt created the broker and its answer was lost).
            throw new BrokerNameTakenException(creation.BrokerName, e.Message);
        }
        return response.BrokerId ?? throw new InvalidOperationException($"CreateBroker for \"{creation.BrokerName}\" returned no brokerId");
    }

    [IamActions("mq:DescribeConfigurationRevision")]
    public async Task<string> GetConfigurationRevisionXmlAsync(string configurationId, int revision, CancellationToken cancellationToken)
    {
        var response = await Mq("DescribeConfigurationRevision", () => client.DescribeConfigurationRevisionAsync(
            new DescribeConfigurationRevisionRequest { ConfigurationId = configurationId, ConfigurationRevision = revision }, cancellationToken), cancellationToken);
        return response.Xml ?? throw new InvalidOperationException($"configuration {configurationId} revision {revision} has no data");
    }

    [IamActions("mq:DescribeConfiguration")]
    public async Task<int> GetLatestConfigurationRevisionAsync(string configurationId, CancellationToken cancellationToken)
    {
        var response = await Mq("DescribeConfiguration", () => client.DescribeConfigurationAsync(new DescribeConfigurationRequest { ConfigurationId = configurationId }, cancellationToken), cancellationToken);
        return response.LatestRevision?.Revision ?? throw new InvalidOperationException($"DescribeConfiguration of {configurationId} returned no latest revision");
    }

    [IamActions("mq:UpdateConfiguration")]
    public async Task<ConfigurationUpdate> UpdateConfigurationAsync(string configurationId, string xml, string description, CancellationToken cancellationToken)
    {
        var response = await Mq("UpdateConfiguration", () => client.UpdateConfigurationAsync(
            new UpdateConfigurationRequest { ConfigurationId = configurationId, Xml = xml, Description = description }, cancellationToken), cancellationToken);
        var revision = response.LatestRevision?.Revision ?? throw new InvalidOperationException($"UpdateConfiguration of {configurationId} returned no revision");
        return new ConfigurationUpdate(revision, [.. response.Warnings.Select(w => new ConfigurationWarning(w.ElementName, w.AttributeName, w.Reason))]);
    }

    [IamActions("mq:UpdateBroker")]
    public Task SetConfigurationRevisionAsync(string brokerId, string configurationId, int revision, CancellationToken cancellationToken) =>
        Mq("UpdateBroker", () => client.UpdateBrokerAsync(new UpdateBrokerRequest { BrokerId = brokerId, Configuration = new ConfigurationId { Id = configurationId, Revision = revision } }, cancellationToken), cancellationToken);

    /// <summary>
    /// Reboots the broker. A refusal because the broker is already REBOOT_IN_PROGRESS counts as done: it is what the
    /// client's own retry of a RebootBroker whose answer was lost (a 500 or a reset after Amazon MQ had started the
    /// reboot) gets back, and the reboot it asked for is under way.
    /// </summary>
    [IamActions("mq:RebootBroker", "mq:DescribeBroker")]
    public async Task RebootBrokerAsync(string brokerId, CancellationToken cancellationToken)
    {
        try
        {
            await Mq("RebootBroker", () => client.RebootBrokerAsync(new RebootBrokerRequest { BrokerId = brokerId }, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is MqBadRequestException or MqConflictException)
        {
            var state = (await Mq("DescribeBroker", () => client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = brokerId }, cancellationToken), cancellationToken)).BrokerState;
            if (state != Nob.Core.Workflow.BrokerStates.RebootInProgress) throw;
        }
    }

    [IamActions("mq:ListUsers")]
    public async Task<IReadOnlyList<string>> ListUsernamesAsync(string brokerId, CancellationToken cancellationToken) =>
        [.. (await Mq("ListUsers", () => client.ListAllUsersAsync(brokerId, null, cancellationToken), cancellationToken)).Select(u => u.Username).OfType<string>()];

    [IamActions("mq:CreateUser")]
    public Task CreateUserAsync(string brokerId, string username, Secret password, CancellationToken cancellationToken) =>
        Mq("CreateUser", () => client.CreateUserAsync(new CreateUserRequest { BrokerId = brokerId, Username = username, Password = password.Reveal(), ConsoleAccess = false }, cancellationToken), cancellationToken);

    [IamActions("mq:UpdateUser")]
    public Task UpdateUserPasswordAsync(string brokerId, string username, Secret password, CancellationToken cancellationToken) =>
        Mq("UpdateUser", () => client.UpdateUserAsync(new UpdateUserRequest { BrokerId = brokerId, Username = username, Password = password.Reveal() }, cancellationToken), cancellationToken);

    [IamActions("mq:CreateTags")]
    public Task TagBrokerAsync(string brokerArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        Mq("CreateTags", () => client.CreateTagsAsync(new CreateTagsRequest { ResourceArn = brokerArn, Tags = tags }, cancellationToken), cancellationToken);

    // Deleting a broker also deletes the network interfaces Amazon MQ made with the caller's EC2 permissions.
    [IamActions("mq:DeleteBroker", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission", "ec2:DetachNetworkInterface",
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfacePermissions")]
    public Task DeleteBrokerAsync(string brokerId, CancellationToken cancellationToken) =>
        Mq("DeleteBroker", () => client.DeleteBrokerAsync(new DeleteBrokerRequest { BrokerId = brokerId }, cancellationToken), cancellationToken);

    // Throttling and 5xx that outlast the client's retries become the named errors the state machine retries.
    static Task<T> Mq<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken) =>
        TransientFaults.RunAsync("Amazon MQ", operation, call, cancellationToken);
}
