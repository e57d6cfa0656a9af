using System.Text;
using Nob.Aws.Mq.Model;
using Nob.Aws.Protocol;
using static Nob.Aws.Mq.Internal.RestJsonBinding;
using static Nob.Aws.Protocol.RequestMembers;

namespace Nob.Aws.Mq.Internal;

/// <summary>
/// The Amazon MQ operations this project uses, transcribed from the botocore model (<c>mq/2017-11-27</c>):
/// HTTP method and <c>requestUri</c>, path/query members, body members by <c>locationName</c>.
/// </summary>
internal static class MqOperations
{
    public static readonly MqOperation<CreateBrokerRequest, CreateBrokerResponse> CreateBroker = new(
        "CreateBroker",
        new("POST", "/v1/brokers", null, (r, w) =>
        {
            Require(r.BrokerName, "BrokerName");
            Require(r.DeploymentMode, "DeploymentMode");
            Require(r.EngineType, "EngineType");
            Require(r.EngineVersion, "EngineVersion");
            Require(r.HostInstanceType, "HostInstanceType");
            ArgumentNullException.ThrowIfNull(r.Users, "Users");
            w.WriteOptional("authenticationStrategy", r.AuthenticationStrategy);
            w.WriteBoolean("autoMinorVersionUpgrade", r.AutoMinorVersionUpgrade);
            w.WriteString("brokerName", r.BrokerName);
            w.WriteConfigurationId("configuration", r.Configuration);
            w.WriteString("creatorRequestId", string.IsNullOrEmpty(r.CreatorRequestId) ? Guid.NewGuid().ToString() : r.CreatorRequestId);
            w.WriteString("deploymentMode", r.DeploymentMode);
            w.WriteEncryptionOptions("encryptionOptions", r.EncryptionOptions);
            w.WriteString("engineType", r.EngineType);
            w.WriteString("engineVersion", r.EngineVersion);
            w.WriteString("hostInstanceType", r.HostInstanceType);
            w.WriteLogs("logs", r.Logs);
            w.WriteWeeklyStartTime("maintenanceWindowStartTime", r.MaintenanceWindowStartTime);
            w.WriteBoolean("publiclyAccessible", r.PubliclyAccessible);
            w.WriteStrings("securityGroups", r.SecurityGroups);
            w.WriteOptional("storageType", r.StorageType);
            w.WriteStrings("subnetIds", r.SubnetIds);
            w.WriteStringMap("tags", r.Tags);
            w.WriteUsers("users", r.Users);
        }),
        o => new CreateBrokerResponse
        {
            BrokerArn = o.Str("brokerArn"),
            BrokerId = o.Str("brokerId"),
        });

    public static readonly MqOperation<DescribeBrokerRequest, DescribeBrokerResponse> DescribeBroker = new(
        "DescribeBroker",
        new("GET", "/v1/brokers/{broker-id}", (r, q) => Path(q, "broker-id", r.BrokerId, "BrokerId"), null),
        o => new DescribeBrokerResponse
        {
            ActionsRequired = o.List("actionsRequired", a => new ActionRequired
            {
                ActionRequiredCode = a.Str("actionRequiredCode"),
                ActionRequiredInfo = a.Str("actionRequiredInfo"),
            }),
            AuthenticationStrategy = o.Str("authenticationStrategy"),
            AutoMinorVersionUpgrade = o.Bool("autoMinorVersionUpgrade"),
            BrokerArn = o.Str("brokerArn"),
            BrokerId = o.Str("brokerId"),
            BrokerInstances = o.List("brokerInstances", i => new BrokerInstance
            {
                ConsoleUrl = i.Str("consoleURL"),
                Endpoints = i.Strings("endpoints"),
                IpAddress = i.Str("ipAddress"),
            }),
            BrokerName = o.Str("brokerName"),
            BrokerState = o.Str("brokerState"),
            Configurations = o.Obj("configurations", c => new Configurations
            {
                Current = c.Obj("current", MqJson.ReadConfigurationId),
                History = c.List("history", MqJson.ReadConfigurationId),
                Pending = c.Obj("pending", MqJson.ReadConfigurationId),
            }),
            Created = o.Time("created"),
            DeploymentMode = o.Str("deploymentMode"),
            EncryptionOptions = o.Obj("encryptionOptions", MqJson.ReadEncryptionOptions),
            EngineType = o.Str("engineType"),
            EngineVersion = o.Str("engineVersion"),
            HostInstanceType = o.Str("hostInstanceType"),
            Logs = o.Obj("logs", l => new LogsSummary
            {
                Audit = l.Bool("audit"),
                AuditLogGroup = l.Str("auditLogGroup"),
                General = l.Bool("general"),
                GeneralLogGroup = l.Str("generalLogGroup"),
                Pending = l.Obj("pending", MqJson.ReadLogs),
            }),
            MaintenanceWindowStartTime = o.Obj("maintenanceWindowStartTime", MqJson.ReadWeeklyStartTime),
            PendingAuthenticationStrategy = o.Str("pendingAuthenticationStrategy"),
            PendingEngineVersion = o.Str("pendingEngineVersion"),
            PendingHostInstanceType = o.Str("pendingHostInstanceType"),
            PendingSecurityGroups = o.Strings("pendingSecurityGroups"),
            PubliclyAccessible = o.Bool("publiclyAccessible"),
            SecurityGroups = o.Strings("securityGroups"),
            StorageType = o.Str("storageType"),
            SubnetIds = o.Strings("subnetIds"),
            Tags = o.StringMap("tags"),
            Users = o.List("users", MqJson.ReadUserSummary),
        });

    public static readonly MqOperation<ListBrokersRequest, ListBrokersResponse> ListBrokers = new(
        "ListBrokers",
        new("GET", "/v1/brokers", (r, q) =>
        {
            Query(q, "maxResults", r.MaxResults);
            Query(q, "nextToken", r.NextToken);
        }, null),
        o => new ListBrokersResponse
        {
            BrokerSummaries = o.List("brokerSummaries", s => new BrokerSummary
            {
                BrokerArn = s.Str("brokerArn"),
                BrokerId = s.Str("brokerId"),
                BrokerName = s.Str("brokerName"),
                BrokerState = s.Str("brokerState"),
                Created = s.Time("created"),
                DeploymentMode = s.Str("deploymentMode"),
                EngineType = s.Str("engineType"),
                HostInstanceType = s.Str("hostInstanceType"),
            }),
            NextToken = o.Str("nextToken"),
        });

    public static readonly MqOperation<DeleteBrokerRequest, DeleteBrokerResponse> DeleteBroker = new(
        "DeleteBroker",
        new("DELETE", "/v1/brokers/{broker-id}", (r, q) => Path(q, "broker-id", r.BrokerId, "BrokerId"), null),
        o => new DeleteBrokerResponse { BrokerId = o.Str("brokerId") });

    public static readonly MqOperation<UpdateBrokerRequest, UpdateBrokerResponse> UpdateBroker = new(
        "UpdateBroker",
        new("PUT", "/v1/brokers/{broker-id}", (r, q) => Path(q, "broker-id", r.BrokerId, "BrokerId"), (r, w) =>
        {
            w.WriteOptional("autoMinorVersionUpgrade", r.AutoMinorVersionUpgrade);
            w.WriteConfigurationId("configuration", r.Configuration);
            w.WriteOptional("engineVersion", r.EngineVersion);
            w.WriteOptional("hostInstanceType", r.HostInstanceType);
            w.WriteLogs("logs", r.Logs);
            w.WriteStrings("securityGroups", r.SecurityGroups);
        }),
        o => new UpdateBrokerResponse
        {
            AuthenticationStrategy = o.Str("authenticationStrategy"),
            AutoMinorVersionUpgrade = o.Bool("autoMinorVersionUpgrade"),
            BrokerId = o.Str("brokerId"),
            Configuration = o.Obj("configuration", MqJson.ReadConfigurationId),
            EngineVersion = o.Str("engineVersion"),
            HostInstanceType = o.Str("hostInstanceType"),
            Logs = o.Obj("logs", MqJson.ReadLogs),
            MaintenanceWindowStartTime = o.Obj("maintenanceWindowStartTime", MqJson.ReadWeeklyStartTime),
            SecurityGroups = o.Strings("securityGroups"),
        });

    public static readonly MqOperation<RebootBrokerRequest, RebootBrokerResponse> RebootBroker = new(
        "RebootBroker",
        new("POST", "/v1/brokers/{broker-id}/reboot", (r, q) => Path(q, "broker-id", r.BrokerId, "BrokerId"), null),
        _ => new RebootBrokerResponse());

    public static readonly MqOperation<CreateConfigurationRequest, CreateConfigurationResponse> CreateConfiguration = new(
        "CreateConfiguration",
        new("POST", "/v1/configurations", null, (r, w) =>
        {
            Require(r.Name, "Name");
            Require(r.EngineType, "EngineType");
            Require(r.EngineVersion, "EngineVersion");
            w.WriteOptional("authenticationStrategy", r.AuthenticationStrategy);
            w.WriteString("engineType", r.EngineType);
            w.WriteString("engineVersion", r.EngineVersion);
            w.WriteString("name", r.Name);
            w.WriteStringMap("tags", r.Tags);
        }),
        o => new CreateConfigurationResponse
        {
            Arn = o.Str("arn"),
            AuthenticationStrategy = o.Str("authenticationStrategy"),
            Created = o.Time("created"),
            Id = o.Str("id"),
            LatestRevision = o.Obj("latestRevision", MqJson.ReadConfigurationRevision),
            Name = o.Str("name"),
        });

    public static readonly MqOperation<DescribeConfigurationRequest, DescribeConfigurationResponse> DescribeConfiguration = new(
        "DescribeConfiguration",
        new("GET", "/v1/configurations/{configuration-id}", (r, q) => Path(q, "configuration-id", r.ConfigurationId, "ConfigurationId"), null),
        o => new DescribeConfigurationResponse
        {
            Arn = o.Str("arn"),
            AuthenticationStrategy = o.Str("authenticationStrategy"),
            Created = o.Time("created"),
            Description = o.Str("description"),
            EngineType = o.Str("engineType"),
            EngineVersion = o.Str("engineVersion"),
            Id = o.Str("id"),
            LatestRevision = o.Obj("latestRevision", MqJson.ReadConfigurationRevision),
            Name = o.Str("name"),
            Tags = o.StringMap("tags"),
        });

    public static readonly MqOperation<ListConfigurationRevisionsRequest, ListConfigurationRevisionsResponse> ListConfigurationRevisions = new(
        "ListConfigurationRevisions",
        new("GET", "/v1/configurations/{configuration-id}/revisions", (r, q) =>
        {
            Path(q, "configuration-id", r.ConfigurationId, "ConfigurationId");
            Query(q, "maxResults", r.MaxResults);
            Query(q, "nextToken", r.NextToken);
        }, null),
        o => new ListConfigurationRevisionsResponse
        {
            ConfigurationId = o.Str("configurationId"),
            MaxResults = o.Int("maxResults"),
            NextToken = o.Str("nextToken"),
            Revisions = o.List("revisions", MqJson.ReadConfigurationRevision),
        });

    public static readonly MqOperation<DescribeConfigurationRevisionRequest, DescribeConfigurationRevisionResponse> DescribeConfigurationRevision = new(
        "DescribeConfigurationRevision",
        new("GET", "/v1/configurations/{configuration-id}/revisions/{configuration-revision}", (r, q) =>
        {
            Path(q, "configuration-id", r.ConfigurationId, "ConfigurationId");
            Path(q, "configuration-revision", r.ConfigurationRevisionText, "ConfigurationRevision");
        }, null),
        o => new DescribeConfigurationRevisionResponse
        {
            ConfigurationId = o.Str("configurationId"),
            Created = o.Time("created"),
            Data = o.Str("data"),
            Description = o.Str("description"),
        });

    public static readonly MqOperation<UpdateConfigurationRequest, UpdateConfigurationResponse> UpdateConfiguration = new(
        "UpdateConfiguration",
        new("PUT", "/v1/configurations/{configuration-id}", (r, q) => Path(q, "configuration-id", r.ConfigurationId, "ConfigurationId"), (r, w) =>
        {
            ArgumentNullException.ThrowIfNull(r.Xml, "Xml");
            w.WriteString("data", Convert.ToBase64String(Encoding.UTF8.GetBytes(r.Xml)));
            w.WriteOptional("description", r.Description);
        }),
        o => new UpdateConfigurationResponse
        {
            Arn = o.Str("arn"),
            Created = o.Time("created"),
            Id = o.Str("id"),
            LatestRevision = o.Obj("latestRevision", MqJson.ReadConfigurationRevision),
            Name = o.Str("name"),
            Warnings = o.List("warnings", x => new SanitizationWarning
            {
                AttributeName = x.Str("attributeName"),
                ElementName = x.Str("elementName"),
                Reason = x.Str("reason"),
            }),
        });

    public static readonly MqOperation<ListUsersRequest, ListUsersResponse> ListUsers = new(
        "ListUsers",
        new("GET", "/v1/brokers/{broker-id}/users", (r, q) =>
        {
            Path(q, "broker-id", r.BrokerId, "BrokerId");
            Query(q, "maxResults", r.MaxResults);
            Query(q, "nextToken", r.NextToken);
        }, null),
        o => new ListUsersResponse
        {
            BrokerId = o.Str("brokerId"),
            MaxResults = o.Int("maxResults"),
            NextToken = o.Str("nextToken"),
            Users = o.List("users", MqJson.ReadUserSummary),
        });

    public static readonly MqOperation<CreateUserRequest, CreateUserResponse> CreateUser = new(
        "CreateUser",
        new("POST", "/v1/brokers/{broker-id}/users/{username}", (r, q) =>
        {
            Path(q, "broker-id", r.BrokerId, "BrokerId");
            Path(q, "username", r.Username, "Username");
        }, (r, w) =>
        {
            Require(r.Password, "Password");
            w.WriteOptional("consoleAccess", r.ConsoleAccess);
            w.WriteStrings("groups", r.Groups);
            w.WriteString("password", r.Password);
        }),
        _ => new CreateUserResponse());

    public static readonly MqOperation<UpdateUserRequest, UpdateUserResponse> UpdateUser = new(
        "UpdateUser",
        new("PUT", "/v1/brokers/{broker-id}/users/{username}", (r, q) =>
        {
            Path(q, "broker-id", r.BrokerId, "BrokerId");
            Path(q, "username", r.Username, "Username");
        }, (r, w) =>
        {
            w.WriteOptional("consoleAccess", r.ConsoleAccess);
            w.WriteStrings("groups", r.Groups);
            if (r.Password is not null) w.WriteString("password", r.Password);
        }),
        _ => new UpdateUserResponse());

    public static readonly MqOperation<CreateTagsRequest, CreateTagsResponse> CreateTags = new(
        "CreateTags",
        new("POST", "/v1/tags/{resource-arn}", (r, q) => Path(q, "resource-arn", r.ResourceArn, "ResourceArn"), (r, w) =>
        {
            w.WriteStringMap("tags", r.Tags);
        }),
        _ => new CreateTagsResponse());

    public static readonly MqOperation<DescribeUserRequest, DescribeUserResponse> DescribeUser = new(
        "DescribeUser",
        new("GET", "/v1/brokers/{broker-id}/users/{username}", (r, q) =>
        {
            Path(q, "broker-id", r.BrokerId, "BrokerId");
            Path(q, "username", r.Username, "Username");
        }, null),
        o => new DescribeUserResponse
        {
            BrokerId = o.Str("brokerId"),
            ConsoleAccess = o.Bool("consoleAccess"),
            Groups = o.Strings("groups"),
            Pending = o.Obj("pending", p => new UserPendingChanges
            {
                ConsoleAccess = p.Bool("consoleAccess"),
                Groups = p.Strings("groups"),
                PendingChange = p.Str("pendingChange"),
            }),
            Username = o.Str("username"),
        });
}
