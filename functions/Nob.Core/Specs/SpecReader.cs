using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Configuration;
using static Nob.Core.Specs.SpecJson;
using static Nob.Core.Specs.SpecPatterns;

namespace Nob.Core.Specs;

/// <summary>
/// Reads and validates a network spec (JSON). Reports every problem at once, each with its JSON path and what is
/// allowed; a spec with any problem yields no <see cref="NetworkSpec"/>. The structural rules match
/// <c>schema/network-spec.schema.json</c> (a test keeps them in step); the rules a schema cannot express
/// (references between brokers, tree shape, connector limits) live only here. Each section has its reader
/// (<see cref="BrokersReader"/>, <see cref="UserReader"/>, <see cref="ConnectorOptionsReader"/>, <see cref="PollingReader"/>,
/// <see cref="VerificationReader"/>, <see cref="TopologyReader"/>) on the shared checks of <see cref="SpecJson"/>;
/// <see cref="TopologyLinkRules"/> then checks the links the topology makes.
/// </summary>
public static class SpecReader
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
        var errors = new SpecErrors();
        if (root is not JsonObject obj)
        {
            errors.Add("$", "the spec must be a JSON object");
            return new SpecReadResult(null, errors.List);
        }

        FindPasswords(obj, "", errors);
        CheckFields(obj, "", RootFields, errors);

        var networkName = ReadName(obj, "networkName", "networkName", NetworkNamePattern(), NetworkNameMaxLength, errors, required: true);
        OptionalString(obj, "description", "description", errors);
        var defaults = BrokersReader.ReadSettings(obj["brokerDefaults"], "brokerDefaults", errors, allowName: false);
        var brokerCount = (obj["brokers"] as JsonArray)?.Count ?? 0;
        var tooMany = brokerCount > MaxBrokersPerNetwork;
        if (tooMany)
        {
            errors.Add("brokers", $"{brokerCount} brokers; a network has at most {MaxBrokersPerNetwork} (the largest mesh within Amazon MQ's {NetworkConnectorRules.MaxConnectorsPerBroker} network connectors per broker, and what one build's state carries within Step Functions' 256 KiB); split it into networks of at most {MaxBrokersPerNetwork}");
        }
        // Too many brokers: neither they nor the topology that names them are read, so the refusal is immediate.
        var brokers = tooMany ? null : BrokersReader.Read(obj, defaults, errors);
        var user = UserReader.Read(obj["user"], errors);
        var connectorOptions = ConnectorOptionsReader.Read(obj["connectorOptions"], errors);
        var polling = PollingReader.Read(obj["polling"], errors);
        var verification = VerificationReader.Read(obj["verification"], errors);
        var brokerNames = brokers?.Select(b => b.Name).ToList();
        var topology = tooMany ? null : TopologyReader.Read(obj["topology"], brokerNames, errors);

        if (errors.List.Count > 0 || networkName is null || brokers is null || user is null || topology is null || polling is null || verification is null || connectorOptions is null)
        {
            return new SpecReadResult(null, errors.List);
        }

        var spec = new NetworkSpec(networkName, topology, brokers, user, connectorOptions, polling, verification);
        TopologyLinkRules.Check(spec, errors);
        if (errors.List.Count == 0 && Workflow.StateBudget.Check(spec, Encoding.UTF8.GetByteCount(root!.ToJsonString(StateJsonOptions))) is { } tooLarge) errors.List.Add(tooLarge);
        return errors.List.Count > 0 ? new SpecReadResult(null, errors.List) : new SpecReadResult(spec, []);
    }

    /// <summary>Reads a spec that must be valid, or throws <see cref="InvalidSpecException"/> with every error.</summary>
    public static NetworkSpec ReadValid(string json)
    {
        var result = Read(json);
        return result.Spec ?? throw new InvalidSpecException(result.Errors);
    }

    /// <summary>
    /// A <c>polling</c> object on its own, validated as a spec's (a teardown may wait by one instead of its spec's); throws
    /// <see cref="InvalidSpecException"/> with every error, each named by its path in a spec (<c>polling.…</c>).
    /// </summary>
    public static PollingSpec ReadValidPolling(JsonNode? polling)
    {
        var errors = new SpecErrors();
        var read = PollingReader.Read(polling, errors);
        return errors.List.Count == 0 && read is not null ? read : throw new InvalidSpecException(errors.List);
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
}
