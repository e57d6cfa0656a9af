using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;

namespace Nob.Core.Api;

/// <summary>An HTTP request as the API sees it (no gateway types). <paramref name="Resource"/> is the route template when known.</summary>
public sealed record ApiRequest(string Method, string Path, string? Resource, IReadOnlyDictionary<string, string>? PathParameters, string? Body);

/// <summary>An HTTP response: a JSON body and headers.</summary>
public sealed record ApiResponse(int StatusCode, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// The request logic of the networks API: <c>POST /networks</c> starts build-network for a valid spec (a retried request
/// joins the execution it started), <c>GET /networks/{name}</c> reports the stored record and the last build.
/// Bodies are never logged or echoed (specs hold no secrets, but a caller could paste one).
/// </summary>
public sealed class NetworkApi(IWorkflowExecutions executions, INetworkStore networks, string buildStateMachineArn, TimeProvider time)
{
    public const string NetworksResource = "/networks";
    public const string NetworkResource = "/networks/{name}";

    /// <summary>How many names (base, -r2, …) a POST tries before answering 409: one per earlier build of the same spec.</summary>
    public const int MaxNameAttempts = 50;

    /// <summary>Step Functions' limit on execution input (UTF-8 bytes).</summary>
    public const int MaxInputBytes = 262_144;

    /// <summary>GET reads at most this many ListExecutions pages of this size, newest first.</summary>
    public const int ListPageSize = 100;
    public const int MaxListPages = 5;

    /// <summary>Work stops after this long so the answer beats API Gateway's 29 s integration timeout.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    readonly string stateMachineArn = string.IsNullOrWhiteSpace(buildStateMachineArn)
        ? throw new ArgumentException("the build-network state machine ARN is required", nameof(buildStateMachineArn))
        : buildStateMachineArn;

    public async Task<ApiResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var route = Route(request);
        return route switch
        {
            (NetworksResource, _) when request.Method == "POST" => await PostAsync(request.Body, cancellationToken),
            (NetworkResource, { } name) when request.Method == "GET" => await GetAsync(name, cancellationToken),
            (NetworksResource, _) => MethodNotAllowed(request.Method, "POST"),
            (NetworkResource, _) => MethodNotAllowed(request.Method, "GET"),
            _ => Json(404, Message($"no route {request.Method} {request.Path}; use POST {NetworksResource} or GET {NetworkResource}")),
        };
    }

    // ---- POST /networks ------------------------------------------------------------------------------------

    async Task<ApiResponse> PostAsync(string? body, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body))
            return BadRequest("the request has no body; send the network spec (JSON)", []);

        var read = SpecReader.Read(body);
        if (!read.IsValid)
        {
            var notJson = read.Errors.Count == 1 && read.Errors[0].Path == "$" && read.Errors[0].Message.StartsWith("not valid JSON", StringComparison.Ordinal);
            return BadRequest(
                notJson ? "the request body is not valid JSON; nothing was started" : $"the network spec has {read.Errors.Count} problem(s); nothing was started",
                read.Errors);
        }

        var networkName = read.Spec!.NetworkName;
        var input = ExecutionNames.CanonicalJson(body);
        var size = Encoding.UTF8.GetByteCount(input);
        if (size > MaxInputBytes)
            return BadRequest($"the network spec is {size} bytes as compact JSON; Step Functions accepts at most {MaxInputBytes}", []);

        var deadline = time.GetUtcNow() + Budget;
        for (var attempt = 1; attempt <= MaxNameAttempts; attempt++)
        {
            var name = ExecutionNames.For(networkName, input, attempt);
            try
            {
                var started = await executions.StartAsync(stateMachineArn, name, input, cancellationToken);
                return Json(202, new JsonObject
                {
                    ["networkName"] = networkName,
                    ["executionArn"] = started.ExecutionArn,
                    ["executionName"] = name,
                    ["startDate"] = Timestamp(started.StartDate),
                });
            }
            catch (ExecutionNameTakenException)
            {
                // A closed build of this same spec holds the name: the next suffix is this request's name.
                if (time.GetUtcNow() > deadline)
                    return Json(503, Message($"checking earlier builds of network \"{networkName}\" took too long; retry the request"), ("Retry-After", "5"));
            }
        }

        return Json(409, Message($"network \"{networkName}\" was already built {MaxNameAttempts} times with this exact spec recently; "
            + "change the spec (e.g. its description) to start another build"));
    }

    // ---- GET /networks/{name} ------------------------------------------------------------------------------

    async Task<ApiResponse> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (SpecReader.CheckNetworkName(name, "name") is { } error)
            return BadRequest("the network name in the path is not valid", [error]);

        var recordTask = networks.GetAsync(name, cancellationToken);
        var executionTask = LastExecutionAsync(name, cancellationToken);
        var record = await recordTask;
        var execution = await executionTask;
        if (record is null && execution is null)
            return Json(404, Message($"network \"{name}\" has no stored record and no recent build-network execution"));

        return Json(200, new JsonObject
        {
            ["networkName"] = name,
            ["stored"] = record is null ? null : Stored(record),
            ["lastExecution"] = execution is null ? null : new JsonObject
            {
                ["name"] = execution.Name,
                ["executionArn"] = execution.ExecutionArn,
                ["status"] = execution.Status,
                ["startDate"] = Timestamp(execution.StartDate),
                ["stopDate"] = execution.StopDate is { } stop ? Timestamp(stop) : null,
            },
        });
    }

    /// <summary>The newest execution named for this network, among the newest <see cref="MaxListPages"/> pages.</summary>
    async Task<WorkflowExecution?> LastExecutionAsync(string networkName, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + Budget;
        string? token = null;
        for (var page = 0; page < MaxListPages; page++)
        {
            var result = await executions.ListAsync(stateMachineArn, token, ListPageSize, cancellationToken);
            // Pages are newest first, but order within the page by start date anyway: that is what "last" means.
            var match = result.Executions.Where(e => ExecutionNames.BelongsTo(e.Name, networkName)).MaxBy(e => e.StartDate);
            if (match is not null) return match;
            token = result.NextToken;
            if (string.IsNullOrEmpty(token) || time.GetUtcNow() > deadline) return null;
        }
        return null;
    }

    static JsonObject Stored(NetworkRecord record)
    {
        JsonNode? spec;
        try
        {
            spec = JsonNode.Parse(record.SpecJson, documentOptions: SpecReader.DocumentOptions);
        }
        catch (JsonException)
        {
            spec = record.SpecJson; // a record written by hand: show it as text rather than fail the request
        }

        var brokers = new JsonArray();
        foreach (var b in record.Brokers)
            brokers.Add((JsonNode)new JsonObject { ["brokerName"] = b.BrokerName, ["brokerId"] = b.BrokerId, ["created"] = b.Created });
        var connectors = new JsonArray();
        foreach (var c in record.Connectors) connectors.Add((JsonNode)JsonValue.Create(c));

        return new JsonObject
        {
            ["schemaVersion"] = record.SchemaVersion,
            ["networkName"] = record.NetworkName,
            ["spec"] = spec,
            ["brokers"] = brokers,
            ["connectors"] = connectors,
            ["storedAt"] = Timestamp(record.StoredAt),
            ["executionName"] = record.ExecutionName,
        };
    }

    // ---- routing and responses -----------------------------------------------------------------------------

    /// <summary>The route template and the {name} parameter: from the gateway's resource when it says, else from the path.</summary>
    static (string? Resource, string? Name) Route(ApiRequest request)
    {
        if (request.Resource is NetworksResource or NetworkResource)
        {
            var name = request.PathParameters is { } p && p.TryGetValue("name", out var n) ? n : NameFromPath(request.Path);
            return (request.Resource, request.Resource == NetworkResource ? name : null);
        }

        var segments = request.Path.Trim('/').Split('/');
        return segments switch
        {
            ["networks"] => (NetworksResource, null),
            ["networks", { Length: > 0 } encoded] => (NetworkResource, Uri.UnescapeDataString(encoded)),
            _ => (null, null),
        };
    }

    static string? NameFromPath(string path)
        => path.Trim('/').Split('/') is ["networks", { Length: > 0 } encoded] ? Uri.UnescapeDataString(encoded) : null;

    static ApiResponse MethodNotAllowed(string method, string allowed)
        => Json(405, Message($"{method} is not allowed here; use {allowed}"), ("Allow", allowed));

    static ApiResponse BadRequest(string message, IReadOnlyList<SpecError> errors)
    {
        var list = new JsonArray();
        foreach (var e in errors) list.Add((JsonNode)JsonValue.Create(e.ToString()));
        return Json(400, new JsonObject { ["message"] = message, ["errors"] = list });
    }

    static JsonObject Message(string message) => new() { ["message"] = message };

    static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    static ApiResponse Json(int status, JsonObject body, params (string Name, string Value)[] headers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body.WriteTo(writer);
        }

        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };
        foreach (var (name, value) in headers) all[name] = value;
        return new ApiResponse(status, Encoding.UTF8.GetString(buffer.ToArray()), all);
    }
}
