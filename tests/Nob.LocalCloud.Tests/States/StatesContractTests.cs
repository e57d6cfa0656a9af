using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Aws.Tests.Infrastructure;

namespace Nob.LocalCloud.Tests.States;

/// <summary>
/// Every request and answer of a session that uses each operation (successes and errors) checked against botocore's
/// official Step Functions model: requests against the input shape, answers against the output shape (members, JSON
/// types, enums such as every history event type, required members, string lengths), errors among the operation's
/// modelled errors with their shape's members.
/// </summary>
public sealed class StatesContractTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    private static readonly string[] Operations =
        ["ListStateMachines", "DescribeStateMachine", "StartExecution", "DescribeExecution", "ListExecutions", "GetExecutionHistory", "StopExecution"];

    private WorkflowCloud Cloud => fixture.Cloud;

    [Fact]
    public async Task Session_EveryOperation_ConformsToTheBotocoreModel()
    {
        await RunSessionAsync();
        var exchanges = Cloud.Exchanges.ToList();
        var model = BotocoreModel.StepFunctions;
        var problems = new List<string>();

        foreach (var (operation, request, status, response) in exchanges)
        {
            var shapes = model.GetOperation(operation);
            problems.AddRange(Problems(request, shapes.Input!).Select(p => $"{operation} request: {p}"));
            if (status == 200)
            {
                problems.AddRange(Problems(response, shapes.Output!).Select(p => $"{operation} response: {p}"));
                continue;
            }

            var code = response["__type"]?.GetValue<string>() ?? "(none)";
            if (status != 400 || !model.ErrorsOf(operation).Contains(code))
            {
                problems.Add($"{operation}: {status} {code} is not one of its modelled errors ({string.Join(", ", model.ErrorsOf(operation))})");
                continue;
            }

            var error = response.DeepClone().AsObject();
            error.Remove("__type");
            problems.AddRange(Problems(error, model.GetShape(code)).Select(p => $"{operation} {code}: {p}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        foreach (var operation in Operations)
        {
            Assert.Contains(exchanges, e => e.Operation == operation && e.Status == 200);
            Assert.Contains(exchanges, e => e.Operation == operation && e.Status == 400);
        }

        var types = exchanges.Where(e => e.Operation == "GetExecutionHistory" && e.Status == 200)
            .SelectMany(e => e.Response["events"]!.AsArray()).Select(e => e!["type"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "ExecutionStarted", "ExecutionSucceeded", "ExecutionAborted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled",
            "TaskStarted", "TaskSucceeded", "MapStateStarted", "MapIterationStarted", "MapIterationSucceeded", "WaitStateEntered",
        }, types);
    }

    private static List<string> Problems(JsonObject body, BotocoreModel.Shape shape)
    {
        using var document = JsonDocument.Parse(body.ToJsonString());
        var problems = BotocoreModel.Validate(document.RootElement, shape);
        Lengths(document.RootElement, shape, "$", problems);
        return problems;
    }

    /// <summary>String lengths within the shapes' min/max (the model's constraints the endpoint must keep too).</summary>
    private static void Lengths(JsonElement json, BotocoreModel.Shape shape, string path, List<string> problems)
    {
        switch (shape.Type)
        {
            case "structure" when json.ValueKind == JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    if (shape.MemberByLocationName(property.Name) is { } member)
                    {
                        Lengths(property.Value, member.Shape, $"{path}.{property.Name}", problems);
                    }
                }

                break;
            case "list" when json.ValueKind == JsonValueKind.Array:
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    Lengths(item, shape.ListMember, $"{path}[{i++}]", problems);
                }

                break;
            case "string" when json.ValueKind == JsonValueKind.String:
                var length = json.GetString()!.Length;
                if ((shape.Min is { } min && length < min) || (shape.Max is { } max && length > max))
                {
                    problems.Add($"{path}: length {length} is outside {shape.Name}'s {shape.Min}..{shape.Max}");
                }

                break;
        }
    }

    /// <summary>Each operation, answered and refused; a build (Pass, Map, Task, Wait), a stopped and a nested execution.</summary>
    private async Task RunSessionAsync()
    {
        var build = WorkflowCloud.MachineArn("BuildNetworkStateMachine");
        var hold = WorkflowCloud.MachineArn("HoldStateMachine");
        var page = await Cloud.OkAsync("ListStateMachines", new JsonObject { ["maxResults"] = 1 });
        await Cloud.OkAsync("ListStateMachines", new JsonObject { ["nextToken"] = page["nextToken"]!.GetValue<string>(), ["maxResults"] = 1000 });
        await Cloud.ErrorAsync("ListStateMachines", new JsonObject { ["nextToken"] = "bm9wZQ==" }, "InvalidToken");
        await Cloud.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = build });
        await Cloud.ErrorAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = hold + "X" }, "StateMachineDoesNotExist");

        var built = await Cloud.OkAsync("StartExecution", new JsonObject
        {
            ["stateMachineArn"] = build, ["name"] = $"contract-{Guid.NewGuid():N}", ["input"] = """{"items":[1,2],"polling":{}}""", ["traceHeader"] = "Root=1-5759e988-bd862e3fe1be46a994272793",
        });
        var builtArn = built["executionArn"]!.GetValue<string>();
        await Cloud.ErrorAsync("StartExecution", new JsonObject { ["stateMachineArn"] = build, ["name"] = "bad name" }, "InvalidName");
        await Cloud.WaitForEndAsync(builtArn);
        await Cloud.ErrorAsync("DescribeExecution", new JsonObject { ["executionArn"] = builtArn + "-none" }, "ExecutionDoesNotExist");
        await Cloud.HistoryAsync(builtArn, pageSize: 5);
        await Cloud.OkAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = builtArn, ["includeExecutionData"] = false, ["reverseOrder"] = true });
        await Cloud.ErrorAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = "arn:aws:states:us-east-1:1:nope" }, "InvalidArn");

        var key = Guid.NewGuid().ToString("N");
        var (parent, child) = await Cloud.StartParentHoldingChildAsync(key);
        await Cloud.HistoryAsync(child);
        await Cloud.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = hold, ["statusFilter"] = "RUNNING", ["maxResults"] = 1 });
        await Cloud.ErrorAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = hold, ["nextToken"] = "bm9wZQ==" }, "InvalidToken");
        await Cloud.ErrorAsync("StopExecution", new JsonObject { ["executionArn"] = child }, "ValidationException");
        await Cloud.OkAsync("StopExecution", new JsonObject { ["executionArn"] = parent, ["error"] = "Contract.Stop", ["cause"] = "the contract test stops it" });
        await Cloud.WaitForEndAsync(child);
        await Cloud.HistoryAsync(parent);
        await Cloud.ErrorAsync("StopExecution", new JsonObject { ["executionArn"] = parent + "-none" }, "ExecutionDoesNotExist");
        await Cloud.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = build });
    }
}
