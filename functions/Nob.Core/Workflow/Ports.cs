namespace Nob.Core.Workflow;

// The small interfaces the workflow needs from AWS. Adapters (functions/Nob.Aws) implement them; tests fake them.

/// <summary>Amazon MQ, as far as the workflow uses it.</summary>
public interface IBrokerService
{
    /// <summary>The broker with this exact name, or null (walks every ListBrokers page).</summary>
    Task<BrokerSummary?> FindBrokerByNameAsync(string brokerName, CancellationToken cancellationToken);

    /// <summary>Every broker of the account and region (walks every ListBrokers page).</summary>
    Task<IReadOnlyList<BrokerSummary>> ListBrokersAsync(CancellationToken cancellationToken);

    Task<BrokerDescription> DescribeBrokerAsync(string brokerId, CancellationToken cancellationToken);

    /// <summary>Creates a broker; <see cref="BrokerCreation.CreatorRequestId"/> makes a retried call return the same broker.</summary>
    Task<string> CreateBrokerAsync(BrokerCreation creation, Secret password, CancellationToken cancellationToken);

    Task<string> GetConfigurationRevisionXmlAsync(string configurationId, int revision, CancellationToken cancellationToken);

    /// <summary>The newest revision of a configuration (DescribeConfiguration's latestRevision), whether or not a broker uses it.</summary>
    Task<int> GetLatestConfigurationRevisionAsync(string configurationId, CancellationToken cancellationToken);

    /// <summary>Writes a new revision; returns it and the warnings Amazon MQ gives about what it stripped.</summary>
    Task<ConfigurationUpdate> UpdateConfigurationAsync(string configurationId, string xml, string description, CancellationToken cancellationToken);

    /// <summary>Makes a revision the broker's pending configuration (applied at the next reboot).</summary>
    Task SetConfigurationRevisionAsync(string brokerId, string configurationId, int revision, CancellationToken cancellationToken);

    Task RebootBrokerAsync(string brokerId, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListUsernamesAsync(string brokerId, CancellationToken cancellationToken);

    Task CreateUserAsync(string brokerId, string username, Secret password, CancellationToken cancellationToken);

    /// <summary>Sets an existing user's password; like any user change it is pending until the broker's next reboot.</summary>
    Task UpdateUserPasswordAsync(string brokerId, string username, Secret password, CancellationToken cancellationToken);

    /// <summary>Adds or overwrites tags on a broker (by its ARN).</summary>
    Task TagBrokerAsync(string brokerArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>Starts deleting a broker (it goes DELETION_IN_PROGRESS, then disappears).</summary>
    Task DeleteBrokerAsync(string brokerId, CancellationToken cancellationToken);
}

/// <summary>EC2 security groups, as far as ingress needs them.</summary>
public interface ISecurityGroupService
{
    /// <summary>The VPC of each security group.</summary>
    Task<IReadOnlyDictionary<string, string>> GetVpcIdsAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken);

    /// <summary>Adds the rule; false when an identical rule already exists (InvalidPermission.Duplicate).</summary>
    Task<bool> AuthorizeIngressAsync(IngressRule rule, CancellationToken cancellationToken);

    /// <summary>Every IPv4 and security-group ingress rule of these groups, one entry per source, with its description.</summary>
    Task<IReadOnlyList<ExistingIngressRule>> DescribeIngressAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken);

    /// <summary>Removes the rule; false when it does not exist (InvalidPermission.NotFound).</summary>
    Task<bool> RevokeIngressAsync(IngressRule rule, CancellationToken cancellationToken);
}

/// <summary>
/// SSM Parameter Store: the common user's password, a SecureString. A parameter that does not exist fails with
/// <see cref="PasswordParameterMissingException"/>.
/// </summary>
public interface IParameterStore
{
    Task<Secret> GetSecureStringAsync(string parameterName, CancellationToken cancellationToken);

    /// <summary>The value and its version (SSM counts every write of a parameter up from 1).</summary>
    Task<VersionedSecret> GetSecureStringWithVersionAsync(string parameterName, CancellationToken cancellationToken);

    /// <summary>Only the version, without decrypting the value.</summary>
    Task<long> GetVersionAsync(string parameterName, CancellationToken cancellationToken);
}

/// <summary>A parameter's value and the version it has in Parameter Store.</summary>
public sealed record VersionedSecret(Secret Value, long Version);

/// <summary>A secret value that never shows itself in logs, exceptions or serialized state.</summary>
public sealed class Secret(string value)
{
    public string Reveal() => value;
    public override string ToString() => "***";
}

public sealed record BrokerSummary(string BrokerId, string BrokerName, string BrokerState, string? EngineType, string? DeploymentMode);

public sealed record BrokerInstance(IReadOnlyList<string> Endpoints, string? IpAddress, string? ConsoleUrl);

public sealed record ConfigurationRef(string Id, int Revision);

public sealed record BrokerDescription(
    string BrokerId,
    string BrokerName,
    string BrokerArn,
    string BrokerState,
    string EngineType,
    string EngineVersion,
    string DeploymentMode,
    bool PubliclyAccessible,
    IReadOnlyList<string> SecurityGroups,
    IReadOnlyList<BrokerInstance> Instances,
    ConfigurationRef? CurrentConfiguration,
    ConfigurationRef? PendingConfiguration,
    IReadOnlyList<string> ActionsRequired,
    IReadOnlyList<string> UsersWithPendingChanges,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset? Created = null)
{
    /// <summary>The OpenWire TLS endpoints (ssl://HOST:61617), one per instance, in instance order.</summary>
    public IReadOnlyList<string> OpenWireEndpoints =>
        Instances.Select(i => i.Endpoints.FirstOrDefault(e => e.StartsWith("ssl://", StringComparison.Ordinal))).OfType<string>().ToList();

    public IReadOnlyList<string> StompEndpoints =>
        Instances.Select(i => i.Endpoints.FirstOrDefault(e => e.StartsWith("stomp+ssl://", StringComparison.Ordinal))).OfType<string>().ToList();
}

public sealed record BrokerCreation(
    string BrokerName,
    string CreatorRequestId,
    string EngineVersion,
    string HostInstanceType,
    string DeploymentMode,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroups,
    bool PubliclyAccessible,
    string Username,
    IReadOnlyDictionary<string, string> Tags);

public sealed record ConfigurationWarning(string? ElementName, string? AttributeName, string? Reason)
{
    public override string ToString() => $"{Reason}: <{ElementName}>{(AttributeName is null ? "" : $" @{AttributeName}")}";
}

public sealed record ConfigurationUpdate(int Revision, IReadOnlyList<ConfigurationWarning> Warnings);

/// <summary>One inbound rule on a target broker's security group: TCP <see cref="Port"/> from a /32 address or from a security group.</summary>
public sealed record IngressRule(string SecurityGroupId, int Port, string? SourceCidr, string? SourceSecurityGroupId, string Description);

/// <summary>An inbound rule as EC2 describes it. <see cref="Protocol"/> is "tcp" or "-1" (all traffic, where the ports mean nothing).</summary>
public sealed record ExistingIngressRule(
    string SecurityGroupId,
    string Protocol,
    int FromPort,
    int ToPort,
    string? SourceCidr,
    string? SourceSecurityGroupId,
    string? Description)
{
    /// <summary>True when this rule lets in what <paramref name="rule"/> asks for (same group and source; a wider rule counts).</summary>
    public bool Covers(IngressRule rule) =>
        SecurityGroupId == rule.SecurityGroupId
        && SourceCidr == rule.SourceCidr
        && SourceSecurityGroupId == rule.SourceSecurityGroupId
        && (Protocol == "-1" || (Protocol == "tcp" && FromPort <= rule.Port && rule.Port <= ToPort));
}
