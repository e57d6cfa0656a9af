using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.LocalCloud.Http;
using static Nob.LocalCloud.Mq.MqErrors;

namespace Nob.LocalCloud.Mq;

/// <summary>A CreateBroker request that passed the checks that need no state.</summary>
internal sealed record CreateBrokerRequest(
    string Name,
    string EngineVersion,
    string InstanceType,
    string DeploymentMode,
    bool PubliclyAccessible,
    bool AutoMinorVersionUpgrade,
    IReadOnlyList<string> SubnetIds,
    int InstanceCount,
    IReadOnlyList<string> SecurityGroups,
    string StorageType,
    IReadOnlyList<UserInput> Users,
    JsonObject? Configuration,
    IReadOnlyDictionary<string, string> Tags,
    bool GeneralLogs,
    bool AuditLogs,
    MaintenanceWindow MaintenanceWindow,
    string? CreatorRequestId);

/// <summary>An ActiveMQ user as a request gives it (password in clear; encrypted before it is stored).</summary>
internal sealed record UserInput(string Username, string Password, bool ConsoleAccess, IReadOnlyList<string> Groups);

/// <summary>
/// Amazon MQ's checks on what a request says, before any state is looked at: names, engine, instance types, deployment
/// modes and their subnets, users and passwords, configuration data. Each failure is Amazon MQ's 400 with the attribute named.
/// </summary>
internal static partial class MqRequestValidation
{
    public const string SingleInstance = "SINGLE_INSTANCE";
    public const string ActiveStandby = "ACTIVE_STANDBY_MULTI_AZ";

    private static readonly string[] InstanceTypes = ["mq.t2.micro", "mq.t3.micro", "mq.m4.large", "mq.m5.large", "mq.m5.xlarge", "mq.m5.2xlarge", "mq.m5.4xlarge"];

    public static CreateBrokerRequest CreateBroker(JsonObject r)
    {
        var name = Json.String(r, "brokerName") ?? throw Missing("brokerName");
        if (!BrokerNamePattern().IsMatch(name))
        {
            throw BadRequest("Broker name must be 1-50 characters long and can contain only alphanumeric characters, dashes, and underscores.", "brokerName");
        }

        var engineType = Json.String(r, "engineType") ?? throw Missing("engineType");
        if (!engineType.Equals("ACTIVEMQ", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Engine type [{engineType}] is not supported by the local endpoint, which runs ActiveMQ brokers only.", "engineType");
        }

        var engineVersion = Json.String(r, "engineVersion") ?? throw Missing("engineVersion");
        if (!EngineVersionPattern().IsMatch(engineVersion))
        {
            throw BadRequest($"Broker engine version [{engineVersion}] is invalid. Valid values: 5.15, 5.16, 5.17, 5.18 (optionally with a patch version).", "engineVersion");
        }

        var instanceType = Json.String(r, "hostInstanceType") ?? throw Missing("hostInstanceType");
        if (!InstanceTypes.Contains(instanceType))
        {
            throw BadRequest($"Broker instance type [{instanceType}] is invalid. Valid values: [{string.Join(", ", InstanceTypes)}].", "hostInstanceType");
        }

        var mode = Json.String(r, "deploymentMode") ?? throw Missing("deploymentMode");
        if (mode is not (SingleInstance or ActiveStandby))
        {
            throw BadRequest($"Deployment mode [{mode}] is invalid for ActiveMQ. Valid values: [{SingleInstance}, {ActiveStandby}].", "deploymentMode");
        }

        if (mode == ActiveStandby && instanceType is "mq.t2.micro" or "mq.t3.micro")
        {
            throw BadRequest($"Broker instance type [{instanceType}] is not supported for deployment mode [{ActiveStandby}].", "hostInstanceType");
        }

        var publiclyAccessible = Json.Bool(r, "publiclyAccessible") ?? throw Missing("publiclyAccessible");
        var autoMinor = Json.Bool(r, "autoMinorVersionUpgrade") ?? false;
        var subnetIds = Json.Strings(r, "subnetIds") ?? [];
        var instances = mode == ActiveStandby ? 2 : 1;
        if (subnetIds.Count > 0 && subnetIds.Count != instances)
        {
            throw BadRequest(mode == ActiveStandby
                ? $"Specify 2 subnets for deployment mode [{ActiveStandby}]; you specified {subnetIds.Count}."
                : $"Specify 1 subnet for deployment mode [{SingleInstance}]; you specified {subnetIds.Count}.", "subnetIds");
        }

        if (subnetIds.Distinct(StringComparer.Ordinal).Count() != subnetIds.Count)
        {
            throw BadRequest("The subnets of an active/standby broker must be in different Availability Zones.", "subnetIds");
        }

        var securityGroups = Json.Strings(r, "securityGroups") ?? [];
        if (securityGroups.Count > 5)
        {
            throw BadRequest("You can specify at most 5 security groups.", "securityGroups");
        }

        var storageType = Json.String(r, "storageType") ?? "EFS";
        if (storageType is not ("EBS" or "EFS") || (mode == ActiveStandby && storageType == "EBS"))
        {
            throw BadRequest($"Storage type [{storageType}] is invalid here. Valid values: EFS, and EBS for single-instance brokers.", "storageType");
        }

        AuthenticationStrategy(Json.String(r, "authenticationStrategy"));
        var users = Json.Objects(r, "users") ?? throw Missing("users");
        if (users.Count == 0)
        {
            throw BadRequest("A broker needs at least one ActiveMQ user.", "users");
        }

        var userInputs = users.Select(User).ToList();
        var duplicateUser = userInputs.GroupBy(u => u.Username, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicateUser is not null)
        {
            throw BadRequest($"User [{duplicateUser.Key}] is listed twice.", "users");
        }

        var configuration = Json.Object(r, "configuration");
        var tags = Json.StringMap(r, "tags") ?? new Dictionary<string, string>();
        var logs = Json.Object(r, "logs");
        var window = Json.Object(r, "maintenanceWindowStartTime");
        return new CreateBrokerRequest(
            name, engineVersion, instanceType, mode, publiclyAccessible, autoMinor, subnetIds, instances, securityGroups, storageType, userInputs,
            configuration,
            tags,
            GeneralLogs: logs is not null && (Json.Bool(logs, "general") ?? false),
            AuditLogs: logs is not null && (Json.Bool(logs, "audit") ?? false),
            MaintenanceWindow: window is null ? new MaintenanceWindow() : new MaintenanceWindow
            {
                DayOfWeek = Json.String(window, "dayOfWeek") ?? "SUNDAY",
                TimeOfDay = Json.String(window, "timeOfDay") ?? "00:00",
                TimeZone = Json.String(window, "timeZone") ?? "UTC",
            },
            CreatorRequestId: Json.String(r, "creatorRequestId"));
    }

    /// <summary>Only SIMPLE (ActiveMQ users) authentication runs locally; absent means SIMPLE.</summary>
    public static void AuthenticationStrategy(string? strategy)
    {
        if (strategy is not null && !strategy.Equals("SIMPLE", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Authentication strategy [{strategy}] is not supported by the local endpoint; use SIMPLE.", "authenticationStrategy");
        }
    }

    /// <summary>UpdateBroker's security groups: 1 to 5.</summary>
    public static void UpdatedSecurityGroups(IReadOnlyList<string> securityGroups)
    {
        if (securityGroups.Count is 0 or > 5)
        {
            throw BadRequest("Specify 1 to 5 security groups.", "securityGroups");
        }
    }

    public static void UpdatedEngineVersion(string engineVersion)
    {
        if (!EngineVersionPattern().IsMatch(engineVersion))
        {
            throw BadRequest($"Broker engine version [{engineVersion}] is invalid.", "engineVersion");
        }
    }

    public static void UpdatedInstanceType(string instanceType)
    {
        if (!InstanceTypes.Contains(instanceType))
        {
            throw BadRequest($"Broker instance type [{instanceType}] is invalid.", "hostInstanceType");
        }
    }

    /// <summary>A user as CreateBroker's <c>users</c> or CreateUser gives it: username, password, console access, groups.</summary>
    public static UserInput User(JsonObject u)
    {
        var username = Json.String(u, "username") ?? throw Missing("username");
        if (!UsernamePattern().IsMatch(username))
        {
            throw BadRequest("Username must be 2-100 characters long and can contain only alphanumeric characters, dashes, periods, underscores, and tildes (- . _ ~).", "username");
        }

        var password = Json.String(u, "password") ?? throw Missing("password");
        Password(password);
        return new UserInput(username, password, Json.Bool(u, "consoleAccess") ?? false, [.. Json.Strings(u, "groups") ?? []]);
    }

    public static void Password(string password)
    {
        if (password.Length < 12 || password.Length > 250 || password.Distinct().Count() < 4 || password.IndexOfAny([',', ':', '=']) >= 0)
        {
            // Never echo the password.
            throw BadRequest("Password must be 12-250 characters long, contain at least 4 unique characters, and cannot contain commas, colons, or equal signs.", "password");
        }
    }

    /// <summary>CreateConfiguration's name, engine and engine version.</summary>
    public static (string Name, string EngineVersion) CreateConfiguration(JsonObject r)
    {
        var name = Json.String(r, "name") ?? throw Missing("name");
        if (!ConfigurationNamePattern().IsMatch(name))
        {
            throw BadRequest("Configuration name must be 1-150 characters long and can contain only alphanumeric characters, dashes, periods, underscores, and tildes (- . _ ~).", "name");
        }

        var engineType = Json.String(r, "engineType") ?? throw Missing("engineType");
        if (!engineType.Equals("ACTIVEMQ", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Engine type [{engineType}] is not supported by the local endpoint.", "engineType");
        }

        var engineVersion = Json.String(r, "engineVersion") ?? throw Missing("engineVersion");
        return (name, engineVersion);
    }

    /// <summary>UpdateConfiguration's <c>data</c> (base64 of UTF-8 XML; whether the XML is acceptable is the sanitizer's question) and description.</summary>
    public static (string Xml, string? Description) ConfigurationData(JsonObject r)
    {
        var data = Json.String(r, "data") ?? throw Missing("data");
        var description = Json.String(r, "description");
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(data)), description);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw BadRequest("The configuration data must be base64-encoded UTF-8 XML.", "data");
        }
    }

    /// <summary>A revision number in a path: a positive whole number.</summary>
    public static int RevisionNumber(string revisionText)
    {
        if (!int.TryParse(revisionText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw BadRequest($"Configuration revision [{revisionText}] is not a positive whole number.", "configuration-revision");
        }

        return number;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,50}$")]
    private static partial Regex BrokerNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]{2,100}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]{1,150}$")]
    private static partial Regex ConfigurationNamePattern();

    [GeneratedRegex(@"^5\.1[5-8](\.[0-9]+)?$")]
    private static partial Regex EngineVersionPattern();
}
