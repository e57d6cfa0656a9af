using System.Text;
using Amazon.Runtime;

namespace Nob.Aws.Mq.Model;

/// <summary>CreateBroker's response.</summary>
public sealed class CreateBrokerResponse : AmazonWebServiceResponse
{
    public string? BrokerArn { get; init; }

    public string? BrokerId { get; init; }
}

/// <summary>DescribeBroker's response (the members this project reads).</summary>
public sealed class DescribeBrokerResponse : AmazonWebServiceResponse
{
    public IReadOnlyList<ActionRequired> ActionsRequired { get; init; } = [];

    public string? AuthenticationStrategy { get; init; }

    public bool? AutoMinorVersionUpgrade { get; init; }

    public string? BrokerArn { get; init; }

    public string? BrokerId { get; init; }

    /// <summary><c>brokerInstances</c>: one per instance, with its <c>endpoints</c>.</summary>
    public IReadOnlyList<BrokerInstance> BrokerInstances { get; init; } = [];

    public string? BrokerName { get; init; }

    /// <summary><c>brokerState</c>; see <see cref="Nob.Core.Workflow.BrokerStates"/>.</summary>
    public string? BrokerState { get; init; }

    /// <summary><c>configurations</c>: current, pending, history.</summary>
    public Configurations? Configurations { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? DeploymentMode { get; init; }

    public EncryptionOptions? EncryptionOptions { get; init; }

    public string? EngineType { get; init; }

    public string? EngineVersion { get; init; }

    public string? HostInstanceType { get; init; }

    public LogsSummary? Logs { get; init; }

    public WeeklyStartTime? MaintenanceWindowStartTime { get; init; }

    public string? PendingAuthenticationStrategy { get; init; }

    public string? PendingEngineVersion { get; init; }

    public string? PendingHostInstanceType { get; init; }

    /// <summary><c>pendingSecurityGroups</c>: applied on the next reboot.</summary>
    public IReadOnlyList<string> PendingSecurityGroups { get; init; } = [];

    public bool? PubliclyAccessible { get; init; }

    public IReadOnlyList<string> SecurityGroups { get; init; } = [];

    public string? StorageType { get; init; }

    public IReadOnlyList<string> SubnetIds { get; init; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary><c>users</c>, with <c>pendingChange</c>.</summary>
    public IReadOnlyList<UserSummary> Users { get; init; } = [];
}

/// <summary>One page of ListBrokers.</summary>
public sealed class ListBrokersResponse : AmazonWebServiceResponse
{
    public IReadOnlyList<BrokerSummary> BrokerSummaries { get; init; } = [];

    /// <summary><c>nextToken</c>; null on the last page.</summary>
    public string? NextToken { get; init; }
}

/// <summary>DeleteBroker's response.</summary>
public sealed class DeleteBrokerResponse : AmazonWebServiceResponse
{
    public string? BrokerId { get; init; }
}

/// <summary>UpdateBroker's response.</summary>
public sealed class UpdateBrokerResponse : AmazonWebServiceResponse
{
    public string? AuthenticationStrategy { get; init; }

    public bool? AutoMinorVersionUpgrade { get; init; }

    public string? BrokerId { get; init; }

    public ConfigurationId? Configuration { get; init; }

    public string? EngineVersion { get; init; }

    public string? HostInstanceType { get; init; }

    public Logs? Logs { get; init; }

    public WeeklyStartTime? MaintenanceWindowStartTime { get; init; }

    public IReadOnlyList<string> SecurityGroups { get; init; } = [];
}

/// <summary>RebootBroker's (empty) response.</summary>
public sealed class RebootBrokerResponse : AmazonWebServiceResponse
{
}

/// <summary>CreateConfiguration's response.</summary>
public sealed class CreateConfigurationResponse : AmazonWebServiceResponse
{
    public string? Arn { get; init; }

    public string? AuthenticationStrategy { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? Id { get; init; }

    public ConfigurationRevision? LatestRevision { get; init; }

    public string? Name { get; init; }
}

/// <summary>DescribeConfiguration's response.</summary>
public sealed class DescribeConfigurationResponse : AmazonWebServiceResponse
{
    public string? Arn { get; init; }

    public string? AuthenticationStrategy { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? Description { get; init; }

    public string? EngineType { get; init; }

    public string? EngineVersion { get; init; }

    public string? Id { get; init; }

    public ConfigurationRevision? LatestRevision { get; init; }

    public string? Name { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>One page of ListConfigurationRevisions.</summary>
public sealed class ListConfigurationRevisionsResponse : AmazonWebServiceResponse
{
    public string? ConfigurationId { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }

    public IReadOnlyList<ConfigurationRevision> Revisions { get; init; } = [];
}

/// <summary>DescribeConfigurationRevision's response; <see cref="Xml"/> is <see cref="Data"/> decoded.</summary>
public sealed class DescribeConfigurationRevisionResponse : AmazonWebServiceResponse
{
    public string? ConfigurationId { get; init; }

    public DateTimeOffset? Created { get; init; }

    /// <summary><c>data</c> as sent: base64 of the configuration XML.</summary>
    public string? Data { get; init; }

    public string? Description { get; init; }

    /// <summary>The configuration XML (UTF-8 decoded from <see cref="Data"/>); null when there is no data.</summary>
    public string? Xml => Data is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(Data));
}

/// <summary>UpdateConfiguration's response: the new revision and what Amazon MQ stripped.</summary>
public sealed class UpdateConfigurationResponse : AmazonWebServiceResponse
{
    public string? Arn { get; init; }

    public DateTimeOffset? Created { get; init; }

    public string? Id { get; init; }

    /// <summary><c>latestRevision</c>: the revision just made.</summary>
    public ConfigurationRevision? LatestRevision { get; init; }

    public string? Name { get; init; }

    /// <summary><c>warnings</c>: elements/attributes Amazon MQ removed.</summary>
    public IReadOnlyList<SanitizationWarning> Warnings { get; init; } = [];
}

/// <summary>One page of ListUsers.</summary>
public sealed class ListUsersResponse : AmazonWebServiceResponse
{
    public string? BrokerId { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }

    public IReadOnlyList<UserSummary> Users { get; init; } = [];
}

/// <summary>CreateUser's (empty) response.</summary>
public sealed class CreateUserResponse : AmazonWebServiceResponse
{
}

public sealed class UpdateUserResponse : AmazonWebServiceResponse
{
}

public sealed class CreateTagsResponse : AmazonWebServiceResponse
{
}

/// <summary>DescribeUser's response (never contains a password).</summary>
public sealed class DescribeUserResponse : AmazonWebServiceResponse
{
    public string? BrokerId { get; init; }

    public bool? ConsoleAccess { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    public UserPendingChanges? Pending { get; init; }

    public string? Username { get; init; }
}
