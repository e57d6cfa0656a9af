using System.Text.Json.Nodes;
using Nob.LocalBrokers;

namespace Nob.LocalCloud.Tests.States;

/// <summary>
/// A local endpoint hosting the test workflow (Workflow/template.yaml) with <see cref="FakeFunctions"/>, and Step
/// Functions calls to it as JSON, signed by curl's own SigV4 (<c>--aws-sigv4</c>) with the endpoint's key pair.
/// </summary>
internal sealed class WorkflowCloud : IAsyncDisposable
{
    public const string Account = "000000000000";

    private static readonly SemaphoreSlim TlsGate = new(1, 1);
    private static readonly string SharedTls = Path.Combine(Path.GetTempPath(), $"nob-states-tests-tls-{Environment.ProcessId}");
    private static bool _tlsMade;

    static WorkflowCloud()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(SharedTls))
            {
                Directory.Delete(SharedTls, recursive: true);
            }
        };
    }

    private readonly FakeFunctions _functions;

    private WorkflowCloud(LocalCloud cloud, string dataDirectory, FakeFunctions functions)
    {
        Cloud = cloud;
        DataDirectory = dataDirectory;
        _functions = functions;
    }

    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "Workflow", "template.yaml");

    public LocalCloud Cloud { get; }

    public string DataDirectory { get; }

    /// <summary>Every call made through <see cref="CallAsync"/>: operation, request, HTTP status, response body.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Operation, JsonObject Request, int Status, JsonObject Response)> Exchanges { get; } = new();

    public static string MachineArn(string logicalId) => $"arn:aws:states:{Clients.Region}:{Account}:stateMachine:{logicalId}";

    public static string ExecutionArn(string logicalId, string name) => $"arn:aws:states:{Clients.Region}:{Account}:execution:{logicalId}:{name}";

    /// <summary>Starts an endpoint over <paramref name="dataDirectory"/> (kept between starts: a restart), TLS material shared by the test run.</summary>
    public static async Task<WorkflowCloud> StartAsync(string dataDirectory, FakeFunctions functions, string? eventsFile = null)
    {
        await TlsGate.WaitAsync();
        try
        {
            if (!_tlsMade)
            {
                await TlsMaterial.CreateOrLoadAsync(ActiveMqInstallation.Locate(), SharedTls);
                _tlsMade = true;
            }
        }
        finally
        {
            TlsGate.Release();
        }

        var cloud = await LocalCloud.StartAsync(new LocalCloudOptions
        {
            DataDirectory = dataDirectory,
            TlsDirectory = SharedTls,
            Workflow = new LocalWorkflowOptions { TemplatePath = TemplatePath, Functions = functions, EventsFile = eventsFile },
        });
        return new WorkflowCloud(cloud, dataDirectory, functions);
    }

    public ValueTask DisposeAsync() => Cloud.DisposeAsync();

    /// <summary>One AWSStepFunctions operation: the HTTP status and the JSON body (an error's <c>__type</c> and <c>message</c>).</summary>
    public async Task<(int Status, JsonObject Body)> CallAsync(string operation, JsonObject request)
    {
        var environment = Cloud.EnvironmentVariables;
        var text = await CurlProcess.RunAsync(
        [
            "-s", "-S", "--aws-sigv4", $"aws:amz:{Clients.Region}:states", "--user", $"{environment["AWS_ACCESS_KEY_ID"]}:{environment["AWS_SECRET_ACCESS_KEY"]}",
            "-H", $"X-Amz-Target: AWSStepFunctions.{operation}", "-H", "Content-Type: application/x-amz-json-1.0",
            "--data-binary", "@-", "-w", "\n%{content_type}\n%{http_code}", Cloud.Endpoint.AbsoluteUri,
        ], request.ToJsonString());
        var lastLine = text.LastIndexOf('\n');
        var typeLine = text.LastIndexOf('\n', lastLine - 1);
        var body = text[..typeLine];
        // Every answer, error or not, in awsJson 1.0 as Step Functions sends it.
        Assert.Equal("application/x-amz-json-1.0", text[(typeLine + 1)..lastLine]);
        var answer = (int.Parse(text[(lastLine + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture),
            body.Length == 0 ? [] : JsonNode.Parse(body)!.AsObject());
        Exchanges.Enqueue((operation, (JsonObject)request.DeepClone(), answer.Item1, answer.Item2));
        return answer;
    }

    /// <summary>An operation that must succeed.</summary>
    public async Task<JsonObject> OkAsync(string operation, JsonObject request)
    {
        var (status, body) = await CallAsync(operation, request);
        Assert.True(status == 200, $"{operation} answered {status}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>An operation that must fail with <paramref name="code"/>.</summary>
    public async Task<JsonObject> ErrorAsync(string operation, JsonObject request, string code)
    {
        var (status, body) = await CallAsync(operation, request);
        Assert.True(status == 400 && body["__type"]?.GetValue<string>() == code, $"{operation}: expected 400 {code}, got {status} {body.ToJsonString()}");
        return body;
    }

    public async Task<string> StartAsync(string logicalId, JsonObject input, string? name = null)
    {
        var request = new JsonObject { ["stateMachineArn"] = MachineArn(logicalId), ["input"] = input.ToJsonString() };
        if (name is not null)
        {
            request["name"] = name;
        }

        return (await OkAsync("StartExecution", request))["executionArn"]!.GetValue<string>();
    }

    public Task<JsonObject> DescribeAsync(string executionArn) => OkAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn });

    /// <summary>DescribeExecution until the execution is no longer RUNNING (bounded).</summary>
    public async Task<JsonObject> WaitForEndAsync(string executionArn)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var described = await DescribeAsync(executionArn);
            if (described["status"]!.GetValue<string>() != "RUNNING")
            {
                return described;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{executionArn} still runs after 60 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Every event of an execution's history, through every page.</summary>
    public async Task<List<JsonObject>> HistoryAsync(string executionArn, bool reverse = false, int pageSize = 0)
    {
        var events = new List<JsonObject>();
        string? token = null;
        for (var page = 0; page < 1000; page++)
        {
            var request = new JsonObject { ["executionArn"] = executionArn, ["reverseOrder"] = reverse, ["maxResults"] = pageSize };
            if (token is not null)
            {
                request["nextToken"] = token;
            }

            var response = await OkAsync("GetExecutionHistory", request);
            events.AddRange(response["events"]!.AsArray().Select(e => e!.AsObject()));
            token = response["nextToken"]?.GetValue<string>();
            if (token is null)
            {
                return events;
            }
        }

        throw new InvalidOperationException("more than 1000 pages");
    }

    /// <summary>
    /// Starts ParentStateMachine with <paramref name="key"/> and returns once the nested HoldStateMachine execution it
    /// starts holds in its task (until the functions release <paramref name="key"/>).
    /// </summary>
    public async Task<(string Parent, string Child)> StartParentHoldingChildAsync(string key)
    {
        var parent = await StartAsync("ParentStateMachine", new JsonObject { ["key"] = key });
        await _functions.WaitEnteredAsync(key);
        return (parent, await NestedHoldAsync(key));
    }

    /// <summary>The running HoldStateMachine execution whose input has <paramref name="key"/> (a nested one, started by a parent).</summary>
    public async Task<string> NestedHoldAsync(string key)
    {
        var running = await OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = MachineArn("HoldStateMachine"), ["statusFilter"] = "RUNNING" });
        var found = new List<string>();
        foreach (var arn in running["executions"]!.AsArray().Select(e => e!["executionArn"]!.GetValue<string>()))
        {
            var described = await DescribeAsync(arn);
            if (JsonNode.Parse(described["input"]!.GetValue<string>())?["key"]?.GetValue<string>() == key)
            {
                found.Add(arn);
            }
        }

        return Assert.Single(found);
    }
}
