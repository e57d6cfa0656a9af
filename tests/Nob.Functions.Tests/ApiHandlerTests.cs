using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Nob.Aws.Adapters;
using Nob.Core.Api;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Testing;

namespace Nob.Functions.Tests;

/// <summary>ApiFunction driven through API Gateway REST API (v1) Lambda proxy events as the gateway sends them.</summary>
public class ApiHandlerTests
{
    static readonly ApiStateMachines Machines = FakeStateMachines.In();
    readonly FakeWorkflowExecutions sfn = new(TimeProvider.System);
    readonly FakeNetworkStore store = new();
    readonly HashSet<string> calls = new(StringComparer.Ordinal);

    ApiFunction Function() => new(Recording<IWorkflowExecutions>.Wrap(sfn, calls), Recording<INetworkStore>.Wrap(store, calls), Machines, TimeProvider.System);

    /// <summary>A proxy event shaped like API Gateway's (REST API, IAM auth), with the members the function ignores too.</summary>
    static JsonObject Event(string method, string resource, string path, JsonObject? pathParameters, string? body, bool base64 = false, string? idempotencyKey = null) => new()
    {
        ["resource"] = resource,
        ["path"] = path,
        ["httpMethod"] = method,
        ["headers"] = idempotencyKey is null
            ? new JsonObject { ["Content-Type"] = "application/json", ["Host"] = "abc123.execute-api.eu-west-1.amazonaws.com", ["X-Amz-Date"] = "20261125T100000Z" }
            : new JsonObject { ["Content-Type"] = "application/json", ["Host"] = "abc123.execute-api.eu-west-1.amazonaws.com", ["idempotency-key"] = idempotencyKey },
        ["multiValueHeaders"] = new JsonObject { ["Content-Type"] = new JsonArray("application/json") },
        ["queryStringParameters"] = null,
        ["multiValueQueryStringParameters"] = null,
        ["pathParameters"] = pathParameters,
        ["stageVariables"] = null,
        ["requestContext"] = new JsonObject
        {
            ["resourceId"] = "r1", ["resourcePath"] = resource, ["httpMethod"] = method, ["path"] = "/prod" + path, ["stage"] = "prod",
            ["accountId"] = "111122223333", ["apiId"] = "abc123", ["requestId"] = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            ["identity"] = new JsonObject { ["userArn"] = "arn:aws:iam::111122223333:user/ops", ["caller"] = "AIDAEXAMPLE", ["sourceIp"] = "192.0.2.1" },
        },
        ["body"] = body,
        ["isBase64Encoded"] = base64,
    };

    static async Task<JsonNode> Invoke(ApiFunction function, JsonNode payload)
    {
        await using var output = await function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(payload.ToJsonString())));
        using var reader = new StreamReader(output);
        return JsonNode.Parse(await reader.ReadToEndAsync())!;
    }

    static JsonNode BodyOf(JsonNode response) => JsonNode.Parse((string)response["body"]!)!;

    [Fact]
    public async Task HandleAsync_PostProxyEvent_Returns202ProxyResponseWithExecution()
    {
        var response = await Invoke(Function(), Event("POST", "/networks", "/networks", null, Repo.Example("tutorial")));

        Assert.Equal(202, (int)response["statusCode"]!);
        Assert.Equal("application/json", (string?)response["headers"]!["Content-Type"]);
        var body = BodyOf(response);
        var execution = Assert.Single(sfn.Executions);
        Assert.Equal(execution.Arn, (string?)body["executionArn"]);
        Assert.Equal(execution.Name, (string?)body["executionName"]);
        Assert.Equal("tutorial", (string?)body["networkName"]);
        Assert.NotNull((string?)body["startDate"]);
    }

    [Fact]
    public async Task HandleAsync_Base64Body_IsDecoded()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Repo.Example("mesh")));

        var response = await Invoke(Function(), Event("POST", "/networks", "/networks", null, encoded, base64: true));

        Assert.Equal(202, (int)response["statusCode"]!);
        Assert.Equal("mesh", (string?)BodyOf(response)["networkName"]);
    }

    [Fact]
    public async Task HandleAsync_InvalidBase64_Returns400()
    {
        var response = await Invoke(Function(), Event("POST", "/networks", "/networks", null, "%%%not base64", base64: true));

        Assert.Equal(400, (int)response["statusCode"]!);
        Assert.Empty(sfn.Executions);
    }

    [Fact]
    public async Task HandleAsync_InvalidSpec_Returns400WithTheSpecReaderErrors()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["brokers"]![0]!["name"] = "My Broker";
        var text = spec.ToJsonString();

        var response = await Invoke(Function(), Event("POST", "/networks", "/networks", null, text));

        Assert.Equal(400, (int)response["statusCode"]!);
        Assert.Equal(SpecReader.Read(text).Errors.Select(e => e.ToString()), BodyOf(response)["errors"]!.AsArray().Select(e => (string)e!));
    }

    [Fact]
    public async Task HandleAsync_GetProxyEvent_Returns200WithStoredAndLastExecution()
    {
        var function = Function();
        await Invoke(function, Event("POST", "/networks", "/networks", null, Repo.Example("tutorial")));
        store.Records["tutorial"] = new NetworkRecord(1, "tutorial", Repo.Example("tutorial"), [new StoredBroker("MyBroker1", "b-1", true)], [], DateTimeOffset.UtcNow, null);

        var response = await Invoke(function, Event("GET", "/networks/{name}", "/networks/tutorial", new JsonObject { ["name"] = "tutorial" }, null));

        Assert.Equal(200, (int)response["statusCode"]!);
        var body = BodyOf(response);
        Assert.Equal("b-1", (string?)body["stored"]!["brokers"]![0]!["brokerId"]);
        Assert.Equal("RUNNING", (string?)body["lastExecution"]!["status"]);
    }

    [Fact]
    public async Task HandleAsync_GetUnknownNetwork_Returns404()
    {
        var response = await Invoke(Function(), Event("GET", "/networks/{name}", "/networks/nope", new JsonObject { ["name"] = "nope" }, null));

        Assert.Equal(404, (int)response["statusCode"]!);
    }

    [Fact]
    public async Task HandleAsync_DeleteProxyEventRetried_OneTeardownAndTheSameExecution()
    {
        var function = Function();
        var delete = Event("DELETE", "/networks/{name}", "/networks/tutorial", new JsonObject { ["name"] = "tutorial" }, null);

        var first = await Invoke(function, delete);
        var retry = await Invoke(function, delete.DeepClone());

        Assert.Equal(202, (int)first["statusCode"]!);
        Assert.Equal(202, (int)retry["statusCode"]!);
        var execution = Assert.Single(sfn.Executions);
        Assert.Equal(Machines.Teardown, execution.StateMachineArn);
        Assert.Equal(execution.Arn, (string?)BodyOf(retry)["executionArn"]);
    }

    [Fact]
    public async Task HandleAsync_DriftCheckWithIdempotencyKeyAfterItClosed_Returns200WithThatExecution()
    {
        var function = Function();
        var check = Event("POST", "/networks/{name}/drift-checks", "/networks/tutorial/drift-checks", new JsonObject { ["name"] = "tutorial" }, """{"verify": false}""", idempotencyKey: "nightly-1");

        var first = await Invoke(function, check);
        sfn.Close((string)BodyOf(first)["executionName"]!);
        var retry = await Invoke(function, check.DeepClone());

        Assert.Equal(202, (int)first["statusCode"]!);
        Assert.Equal(200, (int)retry["statusCode"]!);
        Assert.Equal("SUCCEEDED", (string?)BodyOf(retry)["status"]);
        var execution = Assert.Single(sfn.Executions);
        Assert.Equal("""{"networkName":"tutorial","repair":false,"verify":false}""", execution.Input);
    }

    [Fact]
    public async Task HandleAsync_ExecutionStatusProxyEvent_Returns200WithStatusAndError()
    {
        var function = Function();
        var started = await Invoke(function, Event("POST", "/networks", "/networks", null, Repo.Example("tutorial")));
        var name = (string)BodyOf(started)["executionName"]!;
        sfn.Close(name, "FAILED", error: "InvalidSpecException", cause: "brokers[0].name: not valid");

        var response = await Invoke(function, Event("GET", "/networks/{name}/executions/{executionName}", $"/networks/tutorial/executions/{name}",
            new JsonObject { ["name"] = "tutorial", ["executionName"] = name }, null));

        Assert.Equal(200, (int)response["statusCode"]!);
        var body = BodyOf(response);
        Assert.Equal("FAILED", (string?)body["status"]);
        Assert.Equal("InvalidSpecException", (string?)body["error"]);
        Assert.Equal("build-network", (string?)body["workflow"]);
    }

    [Fact]
    public async Task HandleAsync_WrongMethod_Returns405WithAllowHeader()
    {
        var response = await Invoke(Function(), Event("DELETE", "/networks", "/networks", null, null));

        Assert.Equal(405, (int)response["statusCode"]!);
        Assert.Equal("POST", (string?)response["headers"]!["Allow"]);
    }

    [Fact]
    public async Task HandleAsync_PortFails_Returns500WithoutTheBody()
    {
        var failing = new FakeWorkflowExecutions(TimeProvider.System) { Failure = new InvalidOperationException("State machine does not exist") };
        var function = new ApiFunction(failing, store, Machines, TimeProvider.System);

        var response = await Invoke(function, Event("POST", "/networks", "/networks", null, Repo.Example("tutorial")));

        Assert.Equal(500, (int)response["statusCode"]!);
        Assert.DoesNotContain("MyBroker1", (string)response["body"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_NotAProxyEvent_ThrowsStepInputException()
    {
        await Assert.ThrowsAsync<StepInputException>(() => Invoke(Function(), new JsonObject { ["spec"] = "x" }));
    }

    /// <summary>What template.yaml's ApiFunction policy must allow: the adapters' actions for the port methods it calls.</summary>
    [Fact]
    public async Task HandleAsync_EveryRoute_CallsOnlyStartListDescribeAndGetRecord()
    {
        var function = Function();
        var posted = await Invoke(function, Event("POST", "/networks", "/networks", null, Repo.Example("tutorial")));
        await Invoke(function, Event("GET", "/networks/{name}", "/networks/tutorial", new JsonObject { ["name"] = "tutorial" }, null));
        await Invoke(function, Event("DELETE", "/networks/{name}", "/networks/tutorial", new JsonObject { ["name"] = "tutorial" }, null));
        await Invoke(function, Event("POST", "/networks/{name}/drift-checks", "/networks/tutorial/drift-checks", new JsonObject { ["name"] = "tutorial" }, null));
        var name = (string)BodyOf(posted)["executionName"]!;
        await Invoke(function, Event("GET", "/networks/{name}/executions/{executionName}", $"/networks/tutorial/executions/{name}",
            new JsonObject { ["name"] = "tutorial", ["executionName"] = name }, null));

        Assert.Equal(["INetworkStore.GetAsync", "IWorkflowExecutions.DescribeAsync", "IWorkflowExecutions.ListAsync", "IWorkflowExecutions.StartAsync"], calls.Order(StringComparer.Ordinal));
        var map = typeof(StepFunctionsExecutions).GetInterfaceMap(typeof(IWorkflowExecutions));
        var actions = calls.Where(c => c.StartsWith("IWorkflowExecutions.", StringComparison.Ordinal))
            .SelectMany(c => map.TargetMethods[Array.FindIndex(map.InterfaceMethods, m => m.Name == c.Split('.')[1])].GetCustomAttribute<IamActionsAttribute>()!.Actions)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["states:DescribeExecution", "states:ListExecutions", "states:StartExecution"], actions);
    }
}
