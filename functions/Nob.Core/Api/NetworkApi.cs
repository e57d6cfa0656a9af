using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;

namespace Nob.Core.Api;

/// <summary>
/// An HTTP request as the API sees it (no gateway types). <paramref name="Resource"/> is the route template when known;
/// <paramref name="Headers"/> are matched without regard to case.
/// </summary>
public sealed record ApiRequest(string Method, string Path, string? Resource, IReadOnlyDictionary<string, string>? PathParameters, string? Body,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>An HTTP response: a JSON body and headers.</summary>
public sealed record ApiResponse(int StatusCode, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>The stack's three state machines (ARNs) the API starts and reports on.</summary>
public sealed record ApiStateMachines(string Build, string Teardown, string CheckDrift)
{
    /// <summary>The workflow names the API reports, with their state machines, in the order the status route looks.</summary>
    public IEnumerable<(string Workflow, string Arn)> All => [("build-network", Build), ("teardown-network", Teardown), ("check-drift", CheckDrift)];
}

/// <summary>
/// The request logic of the networks API: <c>POST /networks</c> starts build-network for a valid spec,
/// <c>DELETE /networks/{name}</c> starts teardown-network, <c>POST /networks/{name}/drift-checks</c> starts check-drift
/// (each start idempotent: a retried request joins the execution it started), <c>GET /networks/{name}</c> reports the
/// stored record and the last build, <c>GET /networks/{name}/executions/{executionName}</c> one execution's status.
/// Bodies are never logged or echoed (specs hold no secrets, but a caller could paste one).
/// </summary>
/// <remarks>
/// All five routes run here rather than as API Gateway's direct Step Functions integrations: idempotent starts need to
/// try the next name after a closed execution and to read an existing execution back (VTL can do neither), and one code
/// path keeps the name rule, the validation and the answers the same for every start and testable without a gateway.
/// </remarks>
public sealed class NetworkApi(IWorkflowExecutions executions, INetworkStore networks, ApiStateMachines stateMachines, TimeProvider time)
{
    public const string NetworksResource = "/networks";
    public const string NetworkResource = "/networks/{name}";
    public const string DriftChecksResource = "/networks/{name}/drift-checks";
    public const string ExecutionResource = "/networks/{name}/executions/{executionName}";

    /// <summary>The request header that names one logical request across retries (the IETF httpapi draft's name).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Longest idempotency key accepted (it is hashed into the execution name, so any text up to this is fine).</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>How many names (base, -r2, …) a start tries before answering 409: one per earlier execution of the same request.</summary>
    public const int MaxNameAttempts = 50;

    /// <summary>Step Functions' limit on execution input (UTF-8 bytes).</summary>
    public const int MaxInputBytes = 262_144;

    /// <summary>The status route returns an execution's output when it is at most this long (UTF-8 bytes), else only its size.</summary>
    public const int MaxOutputBytes = 32_768;

    /// <summary>GET reads at most this many ListExecutions pages of this size, newest first.</summary>
    public const int ListPageSize = 100;
    public const int MaxListPages = 5;

    /// <summary>Work stops after this long so the answer beats API Gateway's 29 s integration timeout.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    readonly ApiStateMachines machines = Checked(stateMachines);

    static ApiStateMachines Checked(ApiStateMachines m)
    {
        ArgumentNullException.ThrowIfNull(m);
        foreach (var (workflow, arn) in m.All)
            if (string.IsNullOrWhiteSpace(arn)) throw new ArgumentException($"the {workflow} state machine ARN is required", nameof(stateMachines));
        return m;
    }

    public async Task<ApiResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var route = Route(request);
        return (route.Resource, request.Method) switch
        {
            (NetworksResource, "POST") => await PostAsync(request, cancellationToken),
            (NetworkResource, "GET") => await GetAsync(route.Name!, cancellationToken),
            (NetworkResource, "DELETE") => await DeleteAsync(route.Name!, request, cancellationToken),
            (DriftChecksResource, "POST") => await DriftCheckAsync(route.Name!, request, cancellationToken),
            (ExecutionResource, "GET") => await ExecutionAsync(route.Name!, route.ExecutionName!, cancellationToken),
            (NetworksResource, _) => MethodNotAllowed(request.Method, "POST"),
            (NetworkResource, _) => MethodNotAllowed(request.Method, "GET, DELETE"),
            (DriftChecksResource, _) => MethodNotAllowed(request.Method, "POST"),
            (ExecutionResource, _) => MethodNotAllowed(request.Method, "GET"),
            _ => Json(404, Message($"no route {request.Method} {request.Path}; use POST {NetworksResource}, GET or DELETE {NetworkResource}, "
                + $"POST {DriftChecksResource} or GET {ExecutionResource}")),
        };
    }

    // ---- POST /networks ------------------------------------------------------------------------------------

    async Task<ApiResponse> PostAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
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

        var input = ExecutionNames.CanonicalJson(body);
        var size = Encoding.UTF8.GetByteCount(input);
        if (size > MaxInputBytes)
            return BadRequest($"the network spec is {size} bytes as compact JSON; Step Functions accepts at most {MaxInputBytes}", []);

        return await StartOnceAsync("build-network", machines.Build, read.Spec!.NetworkName, input, request, cancellationToken);
    }

    // ---- DELETE /networks/{name} ---------------------------------------------------------------------------

    async Task<ApiResponse> DeleteAsync(string name, ApiRequest request, CancellationToken cancellationToken)
    {
        if (SpecReader.CheckNetworkName(name, "name") is { } error)
            return BadRequest("the network name in the path is not valid; nothing was started", [error]);
        var input = ExecutionNames.CanonicalJson(new JsonObject { ["networkName"] = name }.ToJsonString());
        return await StartOnceAsync("teardown-network", machines.Teardown, name, input, request, cancellationToken);
    }

    // ---- POST /networks/{name}/drift-checks ----------------------------------------------------------------

    async Task<ApiResponse> DriftCheckAsync(string name, ApiRequest request, CancellationToken cancellationToken)
    {
        if (SpecReader.CheckNetworkName(name, "name") is { } error)
            return BadRequest("the network name in the path is not valid; nothing was started", [error]);

        bool verify = true, repair = false;
        if (!string.IsNullOrWhiteSpace(request.Body))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(request.Body, documentOptions: SpecReader.DocumentOptions);
            }
            catch (JsonException e)
            {
                return BadRequest("the request body is not valid JSON; nothing was started", [new SpecError("$", $"not valid JSON: {e.Message}")]);
            }
            if (node is not JsonObject options)
                return BadRequest("the request body must be a JSON object {\"verify\": bool, \"repair\": bool}; nothing was started", []);
            var errors = new List<SpecError>();
            foreach (var (key, value) in options)
            {
                if (key is not ("verify" or "repair"))
                    errors.Add(new SpecError(key, "unknown member; the body takes only \"verify\" and \"repair\""));
                else if (value is null || value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    errors.Add(new SpecError(key, "must be true or false"));
                else if (key == "verify") verify = value.GetValue<bool>();
                else repair = value.GetValue<bool>();
            }
            if (errors.Count > 0)
                return BadRequest($"the drift-check options have {errors.Count} problem(s); nothing was started", errors);
        }

        var input = ExecutionNames.CanonicalJson(new JsonObject { ["networkName"] = name, ["verify"] = verify, ["repair"] = repair }.ToJsonString());
        return await StartOnceAsync("check-drift", machines.CheckDrift, name, input, request, cancellationToken);
    }

    // ---- idempotent starts ---------------------------------------------------------------------------------

    /// <summary>
    /// Starts <paramref name="stateMachineArn"/> once per request. Without an <see cref="IdempotencyKeyHeader"/> the name
    /// is the network plus a hash of the input: a request equal to one whose execution still runs joins it; once that
    /// execution closed, the next suffix (-r2, -r3, …) starts a new one. With a key the name comes from the key: every
    /// request with that key answers with the one execution it started, running or closed (for Step Functions' 90 days
    /// of name reuse protection); the same key with another request is refused (422).
    /// </summary>
    async Task<ApiResponse> StartOnceAsync(string workflow, string stateMachineArn, string networkName, string input, ApiRequest request, CancellationToken cancellationToken)
    {
        var key = Header(request, IdempotencyKeyHeader);
        if (key is not null)
        {
            if (key.Length is 0 or > MaxIdempotencyKeyLength)
                return BadRequest($"the {IdempotencyKeyHeader} header must be 1-{MaxIdempotencyKeyLength} characters; nothing was started", []);
            return await StartWithKeyAsync(workflow, stateMachineArn, networkName, input, ExecutionNames.ForKey(networkName, key), cancellationToken);
        }

        var deadline = time.GetUtcNow() + Budget;
        for (var attempt = 1; attempt <= MaxNameAttempts; attempt++)
        {
            var name = ExecutionNames.For(networkName, input, attempt);
            try
            {
                var started = await executions.StartAsync(stateMachineArn, name, input, cancellationToken);
                return Started(workflow, networkName, name, started.ExecutionArn, started.StartDate);
            }
            catch (ExecutionNameTakenException)
            {
                // A closed execution of this same request holds the name: the next suffix is this request's name.
                if (time.GetUtcNow() > deadline)
                    return Json(503, Message($"checking earlier {workflow} executions of network \"{networkName}\" took too long; retry the request"), ("Retry-After", "5"));
            }
        }

        return Json(409, Message($"{workflow} already ran {MaxNameAttempts} times for network \"{networkName}\" with this exact request recently; "
            + (workflow == "build-network" ? "change the spec (e.g. its description) to start another build" : $"send an {IdempotencyKeyHeader} header to start another")));
    }

    async Task<ApiResponse> StartWithKeyAsync(string workflow, string stateMachineArn, string networkName, string input, string name, CancellationToken cancellationToken)
    {
        try
        {
            var started = await executions.StartAsync(stateMachineArn, name, input, cancellationToken);
            return Started(workflow, networkName, name, started.ExecutionArn, started.StartDate);
        }
        catch (ExecutionNameTakenException)
        {
            // The key's execution exists: closed, or running with other input. Answer with it, or refuse a reused key.
            var arn = ExecutionArn(stateMachineArn, name);
            var existing = await executions.DescribeAsync(arn, cancellationToken);
            if (existing is null)
                return Json(503, Message($"the {workflow} execution of this {IdempotencyKeyHeader} is not readable yet; retry the request"), ("Retry-After", "2"));
            if (!SameJson(existing.Input, input))
                return Json(422, new JsonObject
                {
                    ["message"] = $"this {IdempotencyKeyHeader} was already used for another request (the execution below); use a new key for a new request",
                    ["executionArn"] = existing.ExecutionArn,
                    ["executionName"] = existing.Name,
                });
            var body = StartedBody(workflow, networkName, existing.Name, existing.ExecutionArn, existing.StartDate);
            body["status"] = existing.Status;
            return Json(existing.Status == RunningStatus ? 202 : 200, body);
        }
    }

    const string RunningStatus = "RUNNING";

    static ApiResponse Started(string workflow, string networkName, string name, string arn, DateTimeOffset startDate)
    {
        var body = StartedBody(workflow, networkName, name, arn, startDate);
        body["status"] = RunningStatus;
        return Json(202, body);
    }

    static JsonObject StartedBody(string workflow, string networkName, string name, string arn, DateTimeOffset startDate) => new()
    {
        ["networkName"] = networkName,
        ["workflow"] = workflow,
        ["executionArn"] = arn,
        ["executionName"] = name,
        ["startDate"] = Timestamp(startDate),
    };

    /// <summary>An execution's ARN from its state machine's ARN and its name (Step Functions' own layout).</summary>
    static string ExecutionArn(string stateMachineArn, string executionName)
        => stateMachineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + executionName;

    static bool SameJson(string? a, string b)
    {
        if (a is null) return false;
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static string? Header(ApiRequest request, string name)
        => request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } h ? h.Value : null;

    // ---- GET /networks/{name}/executions/{executionName} ---------------------------------------------------

    async Task<ApiResponse> ExecutionAsync(string networkName, string executionName, CancellationToken cancellationToken)
    {
        if (SpecReader.CheckNetworkName(networkName, "name") is { } error)
            return BadRequest("the network name in the path is not valid", [error]);
        // Only this network's names, as the API starts them: the route never describes anything else.
        if (!ExecutionNames.BelongsTo(executionName, networkName))
            return Json(404, Message($"\"{executionName}\" is not the name of an execution the API starts for network \"{networkName}\""));

        foreach (var (workflow, arn) in machines.All)
        {
            var e = await executions.DescribeAsync(ExecutionArn(arn, executionName), cancellationToken);
            if (e is null) continue;
            var body = new JsonObject
            {
                ["networkName"] = networkName,
                ["workflow"] = workflow,
                ["executionName"] = e.Name,
                ["executionArn"] = e.ExecutionArn,
                ["status"] = e.Status,
                ["startDate"] = Timestamp(e.StartDate),
                ["stopDate"] = e.StopDate is { } stop ? Timestamp(stop) : null,
            };
            // The workflows keep no secrets in their state (passwords stay in SSM), so output, error and cause are safe to show.
            if (e.Output is { } output)
            {
                var bytes = Encoding.UTF8.GetByteCount(output);
                if (bytes <= MaxOutputBytes && TryParse(output) is { } parsed) body["output"] = parsed;
                else body["outputBytes"] = bytes;
            }
            if (e.Error is not null) body["error"] = e.Error;
            if (e.Cause is not null) body["cause"] = e.Cause;
            return Json(200, body);
        }
        return Json(404, Message($"no execution \"{executionName}\" of network \"{networkName}\" in build-network, teardown-network or check-drift"));
    }

    static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
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
            var result = await executions.ListAsync(machines.Build, token, ListPageSize, cancellationToken);
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

    /// <summary>The route template and its {name} and {executionName}: from the gateway's resource and path parameters when it says, else from the path.</summary>
    static (string? Resource, string? Name, string? ExecutionName) Route(ApiRequest request)
    {
        var fromPath = FromPath(request.Path);
        if (request.Resource is NetworksResource or NetworkResource or DriftChecksResource or ExecutionResource)
        {
            var p = request.PathParameters;
            var name = p is not null && p.TryGetValue("name", out var n) ? n : fromPath.Name;
            var executionName = p is not null && p.TryGetValue("executionName", out var e) ? e : fromPath.ExecutionName;
            return request.Resource switch
            {
                NetworksResource => (NetworksResource, null, null),
                ExecutionResource when name is null || executionName is null => (null, null, null),
                ExecutionResource => (ExecutionResource, name, executionName),
                _ when name is null => (null, null, null),
                _ => (request.Resource, name, null),
            };
        }
        return fromPath;
    }

    static (string? Resource, string? Name, string? ExecutionName) FromPath(string path) => path.Trim('/').Split('/') switch
    {
        ["networks"] => (NetworksResource, null, null),
        ["networks", { Length: > 0 } name] => (NetworkResource, Uri.UnescapeDataString(name), null),
        ["networks", { Length: > 0 } name, "drift-checks"] => (DriftChecksResource, Uri.UnescapeDataString(name), null),
        ["networks", { Length: > 0 } name, "executions", { Length: > 0 } execution] => (ExecutionResource, Uri.UnescapeDataString(name), Uri.UnescapeDataString(execution)),
        _ => (null, null, null),
    };

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
