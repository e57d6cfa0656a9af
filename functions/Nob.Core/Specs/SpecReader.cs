using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.Core.Configuration;
using Nob.Core.Planning;

namespace Nob.Core.Specs;

/// <summary>The outcome of reading a spec: either a spec, or every problem found in it.</summary>
public sealed record SpecReadResult(NetworkSpec? Spec, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Spec is not null && Errors.Count == 0;
}

/// <summary>Thrown where a caller needs a valid spec and got an invalid one.</summary>
public sealed class InvalidSpecException(IReadOnlyList<SpecError> errors)
    : Exception("The network spec is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}

/// <summary>
/// Reads and validates a network spec (JSON). Reports every problem at once, each with its JSON path and what is
/// allowed; a spec with any problem yields no <see cref="NetworkSpec"/>. The structural rules match
/// <c>schema/network-spec.schema.json</c> (a test keeps them in step); the rules a schema cannot express
/// (references between brokers, tree shape, connector limits) live only here.
/// </summary>
public static partial class SpecReader
{
    public const string DefaultEngineVersion = "5.18";
    public const string DefaultHostInstanceType = "mq.m5.large";
    public const int DefaultPollingIntervalSeconds = 30;
    public const int DefaultPollingTimeoutMinutes = 60;
    /// <summary>The longest polling.timeoutMinutes and intervalSeconds a spec may set (the state machines' TimeoutSeconds allow for them).</summary>
    public const int MaxPollingTimeoutMinutes = 1440;
    public const int MaxPollingIntervalSeconds = 3600;
    public const int MaxVerificationTimeoutSeconds = 600;
    /// <summary>The Amazon MQ tutorial: creating brokers "takes approximately 15 minutes".</summary>
    public const int DefaultExpectedCreationSeconds = 900;
    public const int DefaultExpectedRebootSeconds = 300;
    /// <summary>Amazon MQ's documentation: deleting a broker takes about 5 minutes.</summary>
    public const int DefaultExpectedDeletionSeconds = 300;
    /// <summary>A third of Amazon MQ's ~15 requests/s per account, so other callers and the other steps keep the rest.</summary>
    public const int DefaultPollingMaxRequestsPerSecond = 5;
    public const int MaxLingerSeconds = 20;
    public const int DefaultVerificationTimeoutSeconds = 30;
    /// <summary>Receivers checked at once (a 21-broker mesh has 21): each holds one subscription, and connections are one per broker.</summary>
    public const int DefaultVerificationMaxConcurrency = MaxBrokersPerNetwork; // every receiver of the largest network at once
    public const int MaxVerificationConcurrency = 128;
    public const int NetworkNameMaxLength = 40;

    /// <summary>
    /// The most brokers one network may have: the largest mesh within Amazon MQ's 20 network connectors per broker (a
    /// mesh gives each broker ⌈(n-1)/2⌉ connectors, so 2 × 20 + 1), which is also what one build's state was measured
    /// to carry within Step Functions' 256 KiB with short broker names (a 41-broker mesh's largest state, Summarize's, grows
    /// with the names: every verified pair's line names two brokers; <see cref="Workflow.StateBudget"/> refuses a spec whose
    /// estimate passes its budget, e.g. 41 brokers with 50-character names) and its history within the 25,000-event quota (about 1,250 events with brokers 10 minutes late to create and 5 to reboot). The connector limit
    /// alone does not bound the others (a hub takes any number of spokes). It bounds the plan too: at most 41 × 20 = 820
    /// connectors. Checked before the brokers are read, so a spec of thousands is refused at once.
    /// </summary>
    public const int MaxBrokersPerNetwork = 2 * NetworkConnectorRules.MaxConnectorsPerBroker + 1;

    /// <summary>
    /// The largest spec read at all, in UTF-8 bytes of its JSON, checked before parsing. Every state of a build carries
    /// the spec beside what the run adds (which grows with broker names: <see cref="Workflow.StateBudget"/> checks both
    /// against a budget under Step Functions' 256 KiB): 64 KiB leaves room, and a 41-broker spec with every field set takes about 15 KB.
    /// </summary>
    public const int MaxSpecBytes = 64 * 1024;

    /// <summary>The spec as the state carries it: Step Functions keeps non-ASCII text as UTF-8, not as \u escapes.</summary>
    static readonly JsonSerializerOptions StateJsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static readonly string[] RootFields = ["networkName", "topology", "brokers", "brokerDefaults", "user", "connectorOptions", "polling", "verification", "description"];
    static readonly string[] BrokerSettingFields = ["engineVersion", "hostInstanceType", "deploymentMode", "subnetIds", "securityGroups", "publiclyAccessible"];
    static readonly string[] UserFields = ["username", "passwordParameter"];
    static readonly string[] PollingFields = ["intervalSeconds", "timeoutMinutes", "expectedCreationSeconds", "expectedRebootSeconds", "expectedDeletionSeconds", "lingerSeconds", "maxRequestsPerSecond"];
    static readonly string[] VerificationFields = ["enabled", "timeoutSeconds", "maxConcurrency"];

    /// <summary>
    /// How spec text is parsed: comments and trailing commas allowed; a member given twice is invalid JSON (otherwise
    /// JsonObject throws on first access and a caller would crash instead of reporting it).
    /// </summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
    };

    public static SpecReadResult Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        // A UTF-16 code unit is at least one UTF-8 byte, so a string this long is too large without counting.
        var bytes = json.Length > MaxSpecBytes ? json.Length : Encoding.UTF8.GetByteCount(json);
        if (bytes > MaxSpecBytes)
        {
            return new SpecReadResult(null, [new SpecError("$", $"the spec is {(json.Length > MaxSpecBytes ? "at least " : "")}{bytes} bytes; at most {MaxSpecBytes} ({MaxSpecBytes / 1024} KiB) are read, so that it fits a build's state within Step Functions' 256 KiB")]);
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            return new SpecReadResult(null, [new SpecError("$", $"not valid JSON: {e.Message}")]);
        }
        return Read(root);
    }

    public static SpecReadResult Read(JsonNode? root)
    {
        var errors = new Errors();
        if (root is not JsonObject obj)
        {
            errors.Add("$", "the spec must be a JSON object");
            return new SpecReadResult(null, errors.List);
        }

        FindPasswords(obj, "", errors);
        CheckFields(obj, "", RootFields, errors);

        var networkName = ReadName(obj, "networkName", "networkName", NetworkNamePattern(), NetworkNameMaxLength, errors, required: true);
        OptionalString(obj, "description", "description", errors);
        var defaults = ReadBrokerSettings(obj["brokerDefaults"], "brokerDefaults", errors, allowName: false);
        var brokerCount = (obj["brokers"] as JsonArray)?.Count ?? 0;
        var tooMany = brokerCount > MaxBrokersPerNetwork;
        if (tooMany)
        {
            errors.Add("brokers", $"{brokerCount} brokers; a network has at most {MaxBrokersPerNetwork} (the largest mesh within Amazon MQ's {NetworkConnectorRules.MaxConnectorsPerBroker} network connectors per broker, and what one build's state carries within Step Functions' 256 KiB); split it into networks of at most {MaxBrokersPerNetwork}");
        }
        // Too many brokers: neither they nor the topology that names them are read, so the refusal is immediate.
        var brokers = tooMany ? null : ReadBrokers(obj, defaults, errors);
        var user = ReadUser(obj["user"], errors);
        var connectorOptions = ReadConnectorOptions(obj["connectorOptions"], errors);
        var polling = ReadPolling(obj["polling"], errors);
        var verification = ReadVerification(obj["verification"], errors);
        var brokerNames = brokers?.Select(b => b.Name).ToList();
        var topology = tooMany ? null : ReadTopology(obj["topology"], brokerNames, errors);

        if (errors.List.Count > 0 || networkName is null || brokers is null || user is null || topology is null || polling is null || verification is null || connectorOptions is null)
        {
            return new SpecReadResult(null, errors.List);
        }

        var spec = new NetworkSpec(networkName, topology, brokers, user, connectorOptions, polling, verification);
        CheckLinks(spec, errors);
        if (errors.List.Count == 0 && Workflow.StateBudget.Check(spec, Encoding.UTF8.GetByteCount(root!.ToJsonString(StateJsonOptions))) is { } tooLarge) errors.List.Add(tooLarge);
        return errors.List.Count > 0 ? new SpecReadResult(null, errors.List) : new SpecReadResult(spec, []);
    }

    /// <summary>Reads a spec that must be valid, or throws <see cref="InvalidSpecException"/> with every error.</summary>
    public static NetworkSpec ReadValid(string json)
    {
        var result = Read(json);
        return result.Spec ?? throw new InvalidSpecException(result.Errors);
    }

    sealed class Errors
    {
        public List<SpecError> List { get; } = [];
        public void Add(string path, string message) => List.Add(new SpecError(path.Length == 0 ? "$" : path, message));
    }

    static string Join(string parent, string field) => parent.Length == 0 ? field : $"{parent}.{field}";

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,40}\z")]
    private static partial Regex NetworkNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,50}\z")]
    private static partial Regex BrokerNamePattern();

    [GeneratedRegex(@"^5\.\d{1,2}(\.\d{1,2})?\z")]
    private static partial Regex EngineVersionPattern();

    [GeneratedRegex(@"^mq\.[a-z0-9]+\.[a-z0-9]+\z")]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^subnet-[A-Za-z0-9]{1,40}\z")]
    private static partial Regex SubnetPattern();

    [GeneratedRegex(@"^sg-[A-Za-z0-9]{1,40}\z")]
    private static partial Regex SecurityGroupPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]{2,100}\z")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./-]{1,1011}\z")]
    private static partial Regex ParameterNamePattern();

    /// <summary>Any member whose name speaks of a password is refused wherever it is: the password lives only in SSM.</summary>
    static void FindPasswords(JsonNode? node, string path, Errors errors)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var childPath = Join(path, key);
                    if (key.Contains("password", StringComparison.OrdinalIgnoreCase) && key != "passwordParameter")
                    {
                        errors.Add(childPath, "a password never goes in the spec; store it as an SSM SecureString parameter and name that parameter in user.passwordParameter");
                    }
                    else
                    {
                        FindPasswords(value, childPath, errors);
                    }
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) FindPasswords(a[i], $"{path}[{i}]", errors);
                break;
        }
    }

    static bool IsPasswordField(string key) => key.Contains("password", StringComparison.OrdinalIgnoreCase) && key != "passwordParameter";

    static void CheckFields(JsonObject obj, string path, IReadOnlyCollection<string> allowed, Errors errors)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key) && !IsPasswordField(key))
            {
                errors.Add(Join(path, key), $"unknown field; allowed here: {string.Join(", ", allowed)}");
            }
        }
    }

    static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    /// <summary>Text as a JSON string literal, so control characters in a spec never reach a terminal or log raw.</summary>
    internal static string Quote(string value) => $"\"{System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value)}\"";

    static string? AsString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static string? ReadName(JsonObject obj, string field, string path, Regex pattern, int maxLength, Errors errors, bool required)
    {
        var node = obj[field];
        if (node is null)
        {
            if (required) errors.Add(path, $"required; use 1-{maxLength} letters, digits, '-' or '_'");
            return null;
        }
        var value = AsString(node);
        if (value is null)
        {
            errors.Add(path, $"{Describe(node)} is not text; use 1-{maxLength} letters, digits, '-' or '_'");
            return null;
        }
        if (NameProblem(value, pattern, maxLength) is not { } problem) return value;
        errors.Add(path, problem);
        return null;
    }

    static string? NameProblem(string value, Regex pattern, int maxLength)
    {
        if (pattern.IsMatch(value)) return null;
        var why = value.Length == 0 ? "is empty"
            : value.Length > maxLength ? $"is {value.Length} characters long"
            : value.Any(char.IsControl) ? $"contains the control character U+{(int)value.First(char.IsControl):X4}"
            : value.Any(char.IsWhiteSpace) ? "contains a space"
            : $"contains '{value.First(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))}'";
        return $"{Quote(value)} {why}; use 1-{maxLength} letters, digits, '-' or '_'";
    }

    /// <summary>
    /// Checks a network name by the spec's <c>networkName</c> rule, for callers that get a name without a spec (the API's
    /// <c>/networks/{name}</c>); the error reads like the one <see cref="Read(string)"/> reports, at <paramref name="path"/>.
    /// </summary>
    public static SpecError? CheckNetworkName(string value, string path = "networkName")
    {
        ArgumentNullException.ThrowIfNull(value);
        return NameProblem(value, NetworkNamePattern(), NetworkNameMaxLength) is { } problem ? new SpecError(path, problem) : null;
    }

    static string? OptionalString(JsonObject obj, string field, string path, Errors errors)
    {
        var node = obj[field];
        if (node is null) return null;
        var value = AsString(node);
        if (value is null) errors.Add(path, $"{Describe(node)} is not text");
        return value;
    }

    static string? PatternString(JsonNode? node, string path, Regex pattern, string allowed, Errors errors)
    {
        var value = AsString(node);
        if (value is null)
        {
            errors.Add(path, $"{Describe(node)} is not text; use {allowed}");
            return null;
        }
        if (!pattern.IsMatch(value))
        {
            errors.Add(path, $"\"{value}\" is not allowed; use {allowed}");
            return null;
        }
        return value;
    }

    static bool? OptionalBool(JsonNode? node, string path, Errors errors)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        errors.Add(path, $"{Describe(node)} is not allowed; use true or false");
        return null;
    }

    static int? OptionalInt(JsonNode? node, string path, int min, int max, Errors errors)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) && i >= min && i <= max) return i;
        errors.Add(path, $"{Describe(node)} is not allowed; use a whole number from {min} to {max}");
        return null;
    }

    static List<string>? StringList(JsonNode? node, string path, Regex pattern, string allowed, Errors errors)
    {
        if (node is null) return null;
        if (node is not JsonArray array)
        {
            errors.Add(path, $"{Describe(node)} is not a list; use a list of {allowed}");
            return null;
        }
        var result = new List<string>();
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var item = PatternString(array[i], $"{path}[{i}]", pattern, allowed, errors);
            if (item is null) ok = false;
            else if (result.Contains(item))
            {
                errors.Add($"{path}[{i}]", $"\"{item}\" is listed twice");
                ok = false;
            }
            else result.Add(item);
        }
        return ok ? result : null;
    }

    static void CheckPlaceholders(List<string>? ids, string path, string kind, string field, string defaultUse, Errors errors)
    {
        if (ids is null) return;
        for (var i = 0; i < ids.Count; i++)
        {
            if (PlaceholderIds.IsPlaceholder(ids[i]))
                errors.Add($"{path}[{i}]", $"\"{ids[i]}\" is a placeholder from an example, not a {kind} of your account; "
                    + $"put your own {kind} ID here, or leave {field} out to use {defaultUse}");
        }
    }

    /// <summary>The optional settings shared by brokerDefaults and each broker; null members mean "not given".</summary>
    sealed record BrokerSettings(string? EngineVersion, string? HostInstanceType, string? DeploymentMode, List<string>? SubnetIds, List<string>? SecurityGroups, bool? PubliclyAccessible)
    {
        public static readonly BrokerSettings None = new(null, null, null, null, null, null);
    }

    static BrokerSettings ReadBrokerSettings(JsonNode? node, string path, Errors errors, bool allowName)
    {
        if (node is null) return BrokerSettings.None;
        if (node is not JsonObject obj)
        {
            errors.Add(path, $"{Describe(node)} is not an object");
            return BrokerSettings.None;
        }
        CheckFields(obj, path, allowName ? ["name", .. BrokerSettingFields] : BrokerSettingFields, errors);
        string? engine = obj["engineVersion"] is { } e ? PatternString(e, Join(path, "engineVersion"), EngineVersionPattern(), "an ActiveMQ 5.x engine version such as \"5.18\" (networks of brokers are ActiveMQ only)", errors) : null;
        string? type = obj["hostInstanceType"] is { } t ? PatternString(t, Join(path, "hostInstanceType"), InstanceTypePattern(), "an Amazon MQ instance type such as \"mq.m5.large\"", errors) : null;
        string? mode = null;
        if (obj["deploymentMode"] is { } m)
        {
            mode = AsString(m);
            if (mode is null || !DeploymentModes.All.Contains(mode))
            {
                errors.Add(Join(path, "deploymentMode"), $"{Describe(m)} is not allowed; use one of {string.Join(", ", DeploymentModes.All)}");
                mode = null;
            }
        }
        var subnets = StringList(obj["subnetIds"], Join(path, "subnetIds"), SubnetPattern(), "subnet IDs such as \"subnet-0abc\"", errors);
        var groups = StringList(obj["securityGroups"], Join(path, "securityGroups"), SecurityGroupPattern(), "security group IDs such as \"sg-0abc\"", errors);
        if (groups is { Count: > 5 }) errors.Add(Join(path, "securityGroups"), $"{groups.Count} security groups; Amazon MQ allows at most 5 per broker");
        CheckPlaceholders(subnets, Join(path, "subnetIds"), "subnet", "subnetIds", "the default VPC's subnets", errors);
        CheckPlaceholders(groups, Join(path, "securityGroups"), "security group", "securityGroups", "the default VPC's default security group", errors);
        var isPublic = OptionalBool(obj["publiclyAccessible"], Join(path, "publiclyAccessible"), errors);
        return new BrokerSettings(engine, type, mode, subnets, groups, isPublic);
    }

    static List<BrokerSpec>? ReadBrokers(JsonObject obj, BrokerSettings defaults, Errors errors)
    {
        var node = obj["brokers"];
        if (node is not JsonArray array)
        {
            errors.Add("brokers", node is null ? "required; list at least two brokers, each {\"name\": …}" : $"{Describe(node)} is not a list of brokers");
            return null;
        }
        if (array.Count < 2) errors.Add("brokers", $"{array.Count} broker(s); a network needs at least two");
        var brokers = new List<BrokerSpec>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"brokers[{i}]";
            if (array[i] is not JsonObject b)
            {
                errors.Add(path, $"{Describe(array[i])} is not a broker; use {{\"name\": …}}");
                ok = false;
                continue;
            }
            var name = ReadName(b, "name", Join(path, "name"), BrokerNamePattern(), 50, errors, required: true);
            var own = ReadBrokerSettings(b, path, errors, allowName: true);
            if (name is null) { ok = false; continue; }
            if (seen.TryGetValue(name, out var first))
            {
                errors.Add(Join(path, "name"), $"\"{name}\" is already the name of brokers[{first}]; broker names are unique");
                ok = false;
                continue;
            }
            seen[name] = i;
            var mode = own.DeploymentMode ?? defaults.DeploymentMode ?? DeploymentModes.SingleInstance;
            var subnets = own.SubnetIds ?? defaults.SubnetIds ?? [];
            var subnetsGiven = own.SubnetIds is not null || defaults.SubnetIds is not null;
            var wanted = DeploymentModes.InstanceCount(mode);
            if (subnetsGiven && subnets.Count != wanted)
            {
                var where = own.SubnetIds is not null ? Join(path, "subnetIds") : $"{path} (subnetIds from brokerDefaults)";
                errors.Add(where, $"{subnets.Count} subnet(s) for {mode}; it takes exactly {wanted}");
                ok = false;
            }
            brokers.Add(new BrokerSpec(
                name,
                own.EngineVersion ?? defaults.EngineVersion ?? DefaultEngineVersion,
                own.HostInstanceType ?? defaults.HostInstanceType ?? DefaultHostInstanceType,
                mode,
                subnets,
                own.SecurityGroups ?? defaults.SecurityGroups ?? [],
                own.PubliclyAccessible ?? defaults.PubliclyAccessible ?? false));
        }
        return ok ? brokers : null;
    }

    static UserSpec? ReadUser(JsonNode? node, Errors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("user", node is null ? "required; give {\"username\": …, \"passwordParameter\": …}" : $"{Describe(node)} is not an object");
            return null;
        }
        CheckFields(obj, "user", UserFields, errors);
        string? username = null, parameter = null;
        if (obj["username"] is null) errors.Add("user.username", "required; the user common to every broker of the network");
        else username = PatternString(obj["username"], "user.username", UsernamePattern(), "2-100 letters, digits or - . _ ~", errors);
        if (obj["passwordParameter"] is null) errors.Add("user.passwordParameter", "required; the name of the SSM SecureString parameter holding the common user's password");
        else parameter = PatternString(obj["passwordParameter"], "user.passwordParameter", ParameterNamePattern(), "an SSM parameter name such as \"/nob/tutorial/password\"", errors);
        return username is null || parameter is null ? null : new UserSpec(username, parameter);
    }

    static Dictionary<string, string>? ReadConnectorOptions(JsonNode? node, Errors errors)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null) return options;
        if (node is not JsonObject obj)
        {
            errors.Add("connectorOptions", $"{Describe(node)} is not an object of networkConnector attributes");
            return null;
        }
        var ok = true;
        foreach (var (key, value) in obj)
        {
            var path = Join("connectorOptions", key);
            if (IsPasswordField(key)) { ok = false; continue; }
            if (NetworkConnectorRules.Managed.Contains(key))
            {
                errors.Add(path, $"\"{key}\" is set by the planner for every connector and cannot be overridden");
                ok = false;
                continue;
            }
            if (!NetworkConnectorRules.Attributes.TryGetValue(key, out var kind))
            {
                var allowed = NetworkConnectorRules.Attributes.Keys.Where(k => !NetworkConnectorRules.Managed.Contains(k)).Order(StringComparer.Ordinal);
                errors.Add(path, $"not a networkConnector attribute Amazon MQ allows; allowed: {string.Join(", ", allowed)}");
                ok = false;
                continue;
            }
            var rule = ConnectorOptionRules.Options[key];
            string? text = null, problem = null;
            switch (value)
            {
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False && kind == NetworkConnectorRules.AttributeKind.Boolean:
                    text = v.GetValue<bool>() ? "true" : "false";
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number && kind == NetworkConnectorRules.AttributeKind.Integer && v.TryGetValue<int>(out var i):
                    problem = ConnectorOptionRules.IntegerProblem(rule, i);
                    text = i.ToString(CultureInfo.InvariantCulture);
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && kind == NetworkConnectorRules.AttributeKind.Text:
                    text = v.GetValue<string>();
                    problem = ConnectorOptionRules.TextProblem(rule, text);
                    break;
                default:
                    problem = $"{Describe(value)} is not allowed; use {rule.Allowed}";
                    break;
            }
            if (problem is not null)
            {
                errors.Add(path, problem);
                ok = false;
                continue;
            }
            options[key] = text!;
        }
        return ok ? options : null;
    }

    static PollingSpec? ReadPolling(JsonNode? node, Errors errors)
    {
        if (node is null) return new PollingSpec(DefaultPollingIntervalSeconds, DefaultPollingTimeoutMinutes);
        if (node is not JsonObject obj)
        {
            errors.Add("polling", $"{Describe(node)} is not an object");
            return null;
        }
        CheckFields(obj, "polling", PollingFields, errors);
        var interval = OptionalInt(obj["intervalSeconds"], "polling.intervalSeconds", 1, MaxPollingIntervalSeconds, errors);
        var timeout = OptionalInt(obj["timeoutMinutes"], "polling.timeoutMinutes", 1, MaxPollingTimeoutMinutes, errors);
        var creation = OptionalInt(obj["expectedCreationSeconds"], "polling.expectedCreationSeconds", 1, 86400, errors);
        var reboot = OptionalInt(obj["expectedRebootSeconds"], "polling.expectedRebootSeconds", 1, 86400, errors);
        var deletion = OptionalInt(obj["expectedDeletionSeconds"], "polling.expectedDeletionSeconds", 1, 86400, errors);
        var linger = OptionalInt(obj["lingerSeconds"], "polling.lingerSeconds", 0, MaxLingerSeconds, errors);
        var rate = OptionalInt(obj["maxRequestsPerSecond"], "polling.maxRequestsPerSecond", 1, 100, errors);
        if ((obj["intervalSeconds"] is not null && interval is null) || (obj["timeoutMinutes"] is not null && timeout is null)
            || (obj["expectedCreationSeconds"] is not null && creation is null) || (obj["expectedRebootSeconds"] is not null && reboot is null)
            || (obj["expectedDeletionSeconds"] is not null && deletion is null)
            || (obj["lingerSeconds"] is not null && linger is null) || (obj["maxRequestsPerSecond"] is not null && rate is null)) return null;
        var result = new PollingSpec(interval ?? DefaultPollingIntervalSeconds, timeout ?? DefaultPollingTimeoutMinutes,
            creation ?? DefaultExpectedCreationSeconds, reboot ?? DefaultExpectedRebootSeconds, linger ?? 0, rate ?? DefaultPollingMaxRequestsPerSecond,
            deletion ?? DefaultExpectedDeletionSeconds);
        if (result.IntervalSeconds > result.TimeoutMinutes * 60)
        {
            errors.Add("polling.intervalSeconds", $"{result.IntervalSeconds} s is longer than polling.timeoutMinutes ({result.TimeoutMinutes} min)");
            return null;
        }
        return result;
    }

    static VerificationSpec? ReadVerification(JsonNode? node, Errors errors)
    {
        if (node is null) return new VerificationSpec(true, DefaultVerificationTimeoutSeconds);
        if (node is not JsonObject obj)
        {
            errors.Add("verification", $"{Describe(node)} is not an object");
            return null;
        }
        CheckFields(obj, "verification", VerificationFields, errors);
        var enabled = OptionalBool(obj["enabled"], "verification.enabled", errors);
        var timeout = OptionalInt(obj["timeoutSeconds"], "verification.timeoutSeconds", 1, MaxVerificationTimeoutSeconds, errors);
        var concurrency = OptionalInt(obj["maxConcurrency"], "verification.maxConcurrency", 1, MaxVerificationConcurrency, errors);
        if ((obj["enabled"] is not null && enabled is null) || (obj["timeoutSeconds"] is not null && timeout is null)
            || (obj["maxConcurrency"] is not null && concurrency is null)) return null;
        return new VerificationSpec(enabled ?? true, timeout ?? DefaultVerificationTimeoutSeconds, concurrency ?? DefaultVerificationMaxConcurrency);
    }

    static Topology? ReadTopology(JsonNode? node, List<string>? brokerNames, Errors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("topology", node is null ? $"required; give {{\"type\": …}} with type one of {string.Join(", ", TopologyTypes.All)}" : $"{Describe(node)} is not an object");
            return null;
        }
        var type = AsString(obj["type"]);
        if (type is null || !TopologyTypes.All.Contains(type))
        {
            errors.Add("topology.type", obj["type"] is null
                ? $"required; use one of {string.Join(", ", TopologyTypes.All)}"
                : $"{Describe(obj["type"])} is not a topology; use one of {string.Join(", ", TopologyTypes.All)}");
            return null;
        }
        var names = brokerNames is null ? null : new HashSet<string>(brokerNames, StringComparer.Ordinal);

        // A reference to a broker: reported when the broker list itself is readable.
        string? BrokerRef(JsonNode? n, string path)
        {
            var value = AsString(n);
            if (value is null)
            {
                errors.Add(path, n is null ? "required; the name of one of the spec's brokers" : $"{Describe(n)} is not a broker name");
                return null;
            }
            if (names is not null && !names.Contains(value))
            {
                errors.Add(path, $"\"{value}\" is not a broker of this spec; brokers are: {string.Join(", ", brokerNames!)}");
                return null;
            }
            return value;
        }

        List<string>? BrokerRefs(string field)
        {
            var path = Join("topology", field);
            if (obj[field] is not JsonArray array || array.Count == 0)
            {
                errors.Add(path, obj[field] is null ? "required; a list of broker names" : $"{Describe(obj[field])} is not a non-empty list of broker names");
                return null;
            }
            var list = new List<string>();
            var ok = true;
            for (var i = 0; i < array.Count; i++)
            {
                var name = BrokerRef(array[i], $"{path}[{i}]");
                if (name is null) { ok = false; continue; }
                if (list.Contains(name)) { errors.Add($"{path}[{i}]", $"\"{name}\" is listed twice"); ok = false; continue; }
                list.Add(name);
            }
            return ok ? list : null;
        }

        switch (type)
        {
            case TopologyTypes.SourceSink:
            {
                CheckFields(obj, "topology", ["type", "sources", "sinks"], errors);
                var sources = BrokerRefs("sources");
                var sinks = BrokerRefs("sinks");
                if (sources is null || sinks is null) return null;
                var both = sources.Intersect(sinks).ToList();
                if (both.Count > 0)
                {
                    errors.Add("topology.sinks", $"{string.Join(", ", both.Select(b => $"\"{b}\""))} also listed in topology.sources; a broker is a source or a sink, not both");
                    return null;
                }
                return new SourceSinkTopology(sources, sinks);
            }
            case TopologyTypes.HubAndSpoke:
            {
                CheckFields(obj, "topology", ["type", "hub"], errors);
                var hub = BrokerRef(obj["hub"], "topology.hub");
                return hub is null ? null : new HubAndSpokeTopology(hub);
            }
            case TopologyTypes.Mesh:
                CheckFields(obj, "topology", ["type"], errors);
                return new MeshTopology();
            case TopologyTypes.Concentrator:
            {
                CheckFields(obj, "topology", ["type", "concentrators"], errors);
                var concentrators = BrokerRefs("concentrators");
                if (concentrators is null) return null;
                if (brokerNames is not null && concentrators.Count >= brokerNames.Count)
                {
                    errors.Add("topology.concentrators", "every broker is a concentrator; leave at least one broker to forward to them");
                    return null;
                }
                return new ConcentratorTopology(concentrators);
            }
            case TopologyTypes.Tree:
                CheckFields(obj, "topology", ["type", "parents"], errors);
                return ReadTree(obj["parents"], brokerNames, BrokerRef, errors);
            default:
                CheckFields(obj, "topology", ["type", "connectors"], errors);
                return ReadCustom(obj["connectors"], BrokerRef, errors);
        }
    }

    static TreeTopology? ReadTree(JsonNode? node, List<string>? brokerNames, Func<JsonNode?, string, string?> brokerRef, Errors errors)
    {
        if (node is not JsonObject parentsObj || parentsObj.Count == 0)
        {
            errors.Add("topology.parents", node is null ? "required; an object mapping each child broker to its parent" : $"{Describe(node)} is not a non-empty object of child: parent");
            return null;
        }
        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (child, parentNode) in parentsObj)
        {
            var path = $"topology.parents.{child}";
            var childName = brokerRef(JsonValue.Create(child), path);
            var parent = brokerRef(parentNode, path);
            if (childName is null || parent is null) { ok = false; continue; }
            if (child == parent) { errors.Add(path, $"\"{child}\" cannot be its own parent"); ok = false; continue; }
            parents[child] = parent;
        }
        if (!ok || brokerNames is null) return null;

        var roots = brokerNames.Where(b => !parents.ContainsKey(b)).ToList();
        if (roots.Count != 1)
        {
            errors.Add("topology.parents", roots.Count == 0
                ? "no root: every broker has a parent, so the parents form a cycle; leave exactly one broker without a parent"
                : $"{roots.Count} roots ({string.Join(", ", roots)}): a tree has exactly one; give all but one broker a parent");
            ok = false;
        }
        var inReportedCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in parents.Keys)
        {
            var seen = new List<string> { start };
            for (var at = start; parents.TryGetValue(at, out var up);)
            {
                if (seen.Contains(up))
                {
                    var members = seen.SkipWhile(s => s != up).ToList();
                    if (!members.Any(inReportedCycle.Contains))
                    {
                        errors.Add($"topology.parents.{up}", $"cycle {string.Join(" -> ", members.Append(up))}; a tree has none");
                        inReportedCycle.UnionWith(members);
                    }
                    ok = false;
                    break;
                }
                seen.Add(up);
                at = up;
            }
        }
        return ok ? new TreeTopology(parents) : null;
    }

    static CustomTopology? ReadCustom(JsonNode? node, Func<JsonNode?, string, string?> brokerRef, Errors errors)
    {
        if (node is not JsonArray array || array.Count == 0)
        {
            errors.Add("topology.connectors", node is null ? "required; a list of {\"from\": …, \"to\": …, \"duplex\": …}" : $"{Describe(node)} is not a non-empty list of connectors");
            return null;
        }
        var connectors = new List<CustomConnector>();
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"topology.connectors[{i}]";
            if (array[i] is not JsonObject c)
            {
                errors.Add(path, $"{Describe(array[i])} is not a connector; use {{\"from\": …, \"to\": …, \"duplex\": …}}");
                ok = false;
                continue;
            }
            CheckFields(c, path, ["from", "to", "duplex"], errors);
            var from = brokerRef(c["from"], Join(path, "from"));
            var to = brokerRef(c["to"], Join(path, "to"));
            var duplex = OptionalBool(c["duplex"], Join(path, "duplex"), errors);
            if (from is null || to is null || (c["duplex"] is not null && duplex is null)) { ok = false; continue; }
            if (from == to) { errors.Add(path, $"connects \"{from}\" to itself"); ok = false; continue; }
            var twin = connectors.FindIndex(x => x.From == from && x.To == to);
            if (twin >= 0) { errors.Add(path, $"repeats topology.connectors[{twin}] ({from} -> {to})"); ok = false; continue; }
            connectors.Add(new CustomConnector(from, to, duplex));
        }
        return ok ? new CustomTopology(connectors) : null;
    }

    /// <summary>Rules on the links the topology produces: every broker connected, Amazon MQ's per-broker connector limit.</summary>
    static void CheckLinks(NetworkSpec spec, Errors errors)
    {
        var links = TopologyLinks.For(spec);
        for (var i = 0; i < spec.Brokers.Count; i++)
        {
            var name = spec.Brokers[i].Name;
            if (!links.Any(l => l.From == name || l.To == name))
            {
                errors.Add($"brokers[{i}]", $"\"{name}\" is not connected by the {spec.Topology.Type} topology; connect it or remove it");
            }
            var owned = links.Count(l => l.From == name);
            if (owned > NetworkConnectorRules.MaxConnectorsPerBroker)
            {
                errors.Add($"brokers[{i}]", $"\"{name}\" would own {owned} network connectors; Amazon MQ allows at most {NetworkConnectorRules.MaxConnectorsPerBroker} per broker");
            }
        }
    }
}
