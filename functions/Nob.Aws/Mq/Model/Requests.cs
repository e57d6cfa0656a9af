using System.Globalization;
using Amazon.Runtime;

namespace Nob.Aws.Mq.Model;

/// <summary>Base of every Amazon MQ request. Member names follow the botocore model; JSON names are its <c>locationName</c>s.</summary>
public abstract class AmazonMqRequest : AmazonWebServiceRequest
{
}

/// <summary>CreateBroker: <c>POST /v1/brokers</c>.</summary>
public sealed class CreateBrokerRequest : AmazonMqRequest
{
    /// <summary><c>brokerName</c>: 1–50 characters, unique per account and region.</summary>
    public required string BrokerName { get; init; }

    /// <summary><c>deploymentMode</c>; see <see cref="DeploymentModes"/>.</summary>
    public required string DeploymentMode { get; init; }

    /// <summary><c>engineType</c>; see <see cref="EngineTypes"/>.</summary>
    public required string EngineType { get; init; }

    /// <summary><c>engineVersion</c>, e.g. 5.18.</summary>
    public required string EngineVersion { get; init; }

    /// <summary><c>hostInstanceType</c>, e.g. mq.m5.large.</summary>
    public required string HostInstanceType { get; init; }

    /// <summary><c>publiclyAccessible</c>.</summary>
    public required bool PubliclyAccessible { get; init; }

    /// <summary><c>autoMinorVersionUpgrade</c> (required by the model).</summary>
    public required bool AutoMinorVersionUpgrade { get; init; }

    /// <summary><c>users</c>: at least one ActiveMQ user.</summary>
    public required IReadOnlyList<User> Users { get; init; }

    /// <summary><c>creatorRequestId</c>: idempotency token; a GUID is generated when not set.</summary>
    public string? CreatorRequestId { get; init; }

    /// <summary><c>subnetIds</c>: one for SINGLE_INSTANCE, two for ACTIVE_STANDBY_MULTI_AZ.</summary>
    public IReadOnlyList<string>? SubnetIds { get; init; }

    /// <summary><c>securityGroups</c> (at most 5).</summary>
    public IReadOnlyList<string>? SecurityGroups { get; init; }

    /// <summary><c>configuration</c> to start with.</summary>
    public ConfigurationId? Configuration { get; init; }

    /// <summary><c>tags</c>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary><c>logs</c>.</summary>
    public Logs? Logs { get; init; }

    /// <summary><c>maintenanceWindowStartTime</c>.</summary>
    public WeeklyStartTime? MaintenanceWindowStartTime { get; init; }

    /// <summary><c>storageType</c>: EBS or EFS.</summary>
    public string? StorageType { get; init; }

    /// <summary><c>authenticationStrategy</c>: SIMPLE or LDAP.</summary>
    public string? AuthenticationStrategy { get; init; }

    /// <summary><c>encryptionOptions</c>.</summary>
    public EncryptionOptions? EncryptionOptions { get; init; }

    /// <summary>Describes the request without any password.</summary>
    public override string ToString()
        => $"CreateBrokerRequest {{ BrokerName = {BrokerName}, DeploymentMode = {DeploymentMode}, EngineType = {EngineType}, "
            + $"EngineVersion = {EngineVersion}, HostInstanceType = {HostInstanceType}, PubliclyAccessible = {PubliclyAccessible}, "
            + $"Users = [{string.Join(", ", Users ?? [])}], SubnetIds = [{string.Join(", ", SubnetIds ?? [])}], "
            + $"SecurityGroups = [{string.Join(", ", SecurityGroups ?? [])}], Configuration = {Configuration?.ToString() ?? "null"} }}";
}

/// <summary>DescribeBroker: <c>GET /v1/brokers/{broker-id}</c>.</summary>
public sealed class DescribeBrokerRequest : AmazonMqRequest
{
    /// <summary><c>broker-id</c> (path); the broker id or name.</summary>
    public required string BrokerId { get; init; }
}

/// <summary>ListBrokers: <c>GET /v1/brokers?maxResults&amp;nextToken</c>.</summary>
public sealed class ListBrokersRequest : AmazonMqRequest
{
    /// <summary><c>maxResults</c> (query), 1–100.</summary>
    public int? MaxResults { get; init; }

    /// <summary><c>nextToken</c> (query) from the previous page.</summary>
    public string? NextToken { get; init; }
}

/// <summary>DeleteBroker: <c>DELETE /v1/brokers/{broker-id}</c>.</summary>
public sealed class DeleteBrokerRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }
}

/// <summary>UpdateBroker: <c>PUT /v1/brokers/{broker-id}</c>. Changes are pending until the broker reboots.</summary>
public sealed class UpdateBrokerRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }

    /// <summary><c>configuration</c> <c>{id, revision}</c> to apply on the next reboot.</summary>
    public ConfigurationId? Configuration { get; init; }

    /// <summary><c>securityGroups</c>: the full new list.</summary>
    public IReadOnlyList<string>? SecurityGroups { get; init; }

    public string? EngineVersion { get; init; }

    public string? HostInstanceType { get; init; }

    public bool? AutoMinorVersionUpgrade { get; init; }

    public Logs? Logs { get; init; }
}

/// <summary>RebootBroker: <c>POST /v1/brokers/{broker-id}/reboot</c>.</summary>
public sealed class RebootBrokerRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }
}

/// <summary>CreateConfiguration: <c>POST /v1/configurations</c>.</summary>
public sealed class CreateConfigurationRequest : AmazonMqRequest
{
    public required string Name { get; init; }

    public required string EngineType { get; init; }

    public required string EngineVersion { get; init; }

    public string? AuthenticationStrategy { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>DescribeConfiguration: <c>GET /v1/configurations/{configuration-id}</c>.</summary>
public sealed class DescribeConfigurationRequest : AmazonMqRequest
{
    public required string ConfigurationId { get; init; }
}

/// <summary>ListConfigurationRevisions: <c>GET /v1/configurations/{configuration-id}/revisions</c>.</summary>
public sealed class ListConfigurationRevisionsRequest : AmazonMqRequest
{
    public required string ConfigurationId { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

/// <summary>DescribeConfigurationRevision: <c>GET /v1/configurations/{configuration-id}/revisions/{configuration-revision}</c>.</summary>
public sealed class DescribeConfigurationRevisionRequest : AmazonMqRequest
{
    public required string ConfigurationId { get; init; }

    /// <summary><c>configuration-revision</c> (path).</summary>
    public required int ConfigurationRevision { get; init; }

    internal string ConfigurationRevisionText => ConfigurationRevision.ToString(CultureInfo.InvariantCulture);
}

/// <summary>UpdateConfiguration: <c>PUT /v1/configurations/{configuration-id}</c>; makes a new revision.</summary>
public sealed class UpdateConfigurationRequest : AmazonMqRequest
{
    public required string ConfigurationId { get; init; }

    /// <summary>The configuration XML; sent base64-encoded (UTF-8) as <c>data</c>.</summary>
    public required string Xml { get; init; }

    /// <summary><c>description</c> of the new revision.</summary>
    public string? Description { get; init; }
}

/// <summary>ListUsers: <c>GET /v1/brokers/{broker-id}/users</c>.</summary>
public sealed class ListUsersRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

/// <summary>CreateUser: <c>POST /v1/brokers/{broker-id}/users/{username}</c>. <see cref="ToString"/> never prints the password.</summary>
public sealed class CreateUserRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }

    /// <summary><c>username</c> (path).</summary>
    public required string Username { get; init; }

    /// <summary><c>password</c> (body). Never printed.</summary>
    public required string Password { get; init; }

    public bool? ConsoleAccess { get; init; }

    public IReadOnlyList<string>? Groups { get; init; }

    public override string ToString()
        => $"CreateUserRequest {{ BrokerId = {BrokerId}, Username = {Username}, Password = {Redaction.Mask}, "
            + $"ConsoleAccess = {ConsoleAccess?.ToString() ?? "null"}, Groups = [{string.Join(", ", Groups ?? [])}] }}";
}

/// <summary>UpdateUser: <c>PUT /v1/brokers/{broker-id}/users/{username}</c>; pending until the broker's next reboot. <see cref="ToString"/> never prints the password.</summary>
public sealed class UpdateUserRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }

    /// <summary><c>username</c> (path).</summary>
    public required string Username { get; init; }

    /// <summary><c>password</c> (body). Never printed.</summary>
    public string? Password { get; init; }

    public bool? ConsoleAccess { get; init; }

    public IReadOnlyList<string>? Groups { get; init; }

    public override string ToString()
        => $"UpdateUserRequest {{ BrokerId = {BrokerId}, Username = {Username}, Password = {(Password is null ? "null" : Redaction.Mask)}, "
            + $"ConsoleAccess = {ConsoleAccess?.ToString() ?? "null"}, Groups = [{string.Join(", ", Groups ?? [])}] }}";
}

/// <summary>CreateTags: <c>POST /v1/tags/{resource-arn}</c> (adds or overwrites tags of a broker or configuration).</summary>
public sealed class CreateTagsRequest : AmazonMqRequest
{
    public required string ResourceArn { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }
}

/// <summary>DescribeUser: <c>GET /v1/brokers/{broker-id}/users/{username}</c>.</summary>
public sealed class DescribeUserRequest : AmazonMqRequest
{
    public required string BrokerId { get; init; }

    public required string Username { get; init; }
}
