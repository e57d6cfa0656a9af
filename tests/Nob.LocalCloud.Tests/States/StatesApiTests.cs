using System.Text.Json.Nodes;
using Nob.LocalCloud.States;
using Nob.StepFunctions;

namespace Nob.LocalCloud.Tests.States;

/// <summary>
/// The endpoint's Step Functions API over the test workflow (Workflow/template.yaml, fake functions): state machines,
/// StartExecution with its name and input rules, DescribeExecution and ListExecutions, and Step Functions' errors.
/// </summary>
public sealed class StatesApiTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    private WorkflowCloud Cloud => fixture.Cloud;

    private static JsonObject BuildInput(params int[] items) => new()
    {
        ["items"] = new JsonArray([.. items.Select(i => (JsonNode)i)]),
        ["polling"] = new JsonObject { ["intervalSeconds"] = 30, ["timeoutMinutes"] = 5 },
    };

    [Fact]
    public async Task ListStateMachines_Pages_TheTemplatesThreeByName()
    {
        var first = await Cloud.OkAsync("ListStateMachines", new JsonObject { ["maxResults"] = 2 });
        var second = await Cloud.OkAsync("ListStateMachines", new JsonObject { ["nextToken"] = first["nextToken"]!.GetValue<string>() });

        var items = first["stateMachines"]!.AsArray().Concat(second["stateMachines"]!.AsArray()).Select(m => m!.AsObject()).ToList();
        Assert.Equal(["BuildNetworkStateMachine", "HoldStateMachine", "ParentStateMachine"], items.Select(m => m["name"]!.GetValue<string>()));
        Assert.All(items, m => Assert.Equal(WorkflowCloud.MachineArn(m["name"]!.GetValue<string>()), m["stateMachineArn"]!.GetValue<string>()));
        Assert.All(items, m => Assert.Equal("STANDARD", m["type"]!.GetValue<string>()));
        Assert.All(items, m => Assert.True(m["creationDate"]!.GetValue<double>() > 1_500_000_000));
        Assert.Null(second["nextToken"]);
    }

    [Fact]
    public async Task DescribeStateMachine_Build_DefinitionWithSubstitutionsApplied()
    {
        var described = await Cloud.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = WorkflowCloud.MachineArn("BuildNetworkStateMachine") });

        var definition = JsonNode.Parse(described["definition"]!.GetValue<string>())!;
        var echo = definition["States"]!["Each"]!["ItemProcessor"]!["States"]!["Echo"]!;
        Assert.Equal($"arn:aws:lambda:us-east-1:{WorkflowCloud.Account}:function:EchoFunction", echo["Parameters"]!["FunctionName"]!.GetValue<string>());
        Assert.DoesNotContain("${", described["definition"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("BuildNetworkStateMachine", "ACTIVE", "STANDARD"),
            (described["name"]!.GetValue<string>(), described["status"]!.GetValue<string>(), described["type"]!.GetValue<string>()));
        Assert.StartsWith($"arn:aws:iam::{WorkflowCloud.Account}:role/", described["roleArn"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:states:us-east-1:000000000000:stateMachine:NoSuchMachine", "StateMachineDoesNotExist")]
    [InlineData("arn:aws:states:us-east-1:000000000000:execution:HoldStateMachine:x", "InvalidArn")]
    [InlineData("not-an-arn", "InvalidArn")]
    public async Task DescribeStateMachine_WrongArn_StepFunctionsError(string arn, string code)
    {
        var body = await Cloud.ErrorAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = arn }, code);

        Assert.Contains(arn, body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_Build_SucceedsWithLocalPollingWhileDescribeShowsTheCallersInput()
    {
        var input = BuildInput(1, 2);
        var arn = await Cloud.StartAsync("BuildNetworkStateMachine", input, $"build-{Guid.NewGuid():N}");

        var described = await Cloud.WaitForEndAsync(arn);

        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(described["input"]!.GetValue<string>())), described["input"]!.GetValue<string>());
        var output = JsonNode.Parse(described["output"]!.GetValue<string>())!;
        Assert.True(JsonNode.DeepEquals(new JsonArray(1, 2), output["echoed"]), output.ToJsonString());
        var expectedPolling = LocalPolling.Values();
        expectedPolling["timeoutMinutes"] = 5; // the caller's shorter bound is kept
        Assert.True(JsonNode.DeepEquals(expectedPolling, output["polling"]), output["polling"]!.ToJsonString());
        Assert.True(described["stopDate"]!.GetValue<double>() >= described["startDate"]!.GetValue<double>());
        Assert.Equal(WorkflowCloud.MachineArn("BuildNetworkStateMachine"), described["stateMachineArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartExecution_Build_PutEventsAppendedToTheEventsFile()
    {
        var arn = await Cloud.StartAsync("BuildNetworkStateMachine", BuildInput(7));
        await Cloud.WaitForEndAsync(arn);

        var events = JsonLinesEventRecorder.Read(fixture.EventsFile);

        Assert.Contains(events, e => e["source"]!.GetValue<string>() == "nob.tests" && e["resources"]!.AsArray().Any(r => r!.GetValue<string>() == arn)
            && JsonNode.DeepEquals(new JsonArray(7), e["detail"]!["echoed"]));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(PrivateMode, File.GetUnixFileMode(fixture.EventsFile));
        }
    }

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task StartExecution_SameNameAndInputWhileRunning_ReturnsTheOriginal_OtherInputOrEndedRefused()
    {
        var key = Guid.NewGuid().ToString("N");
        var name = $"hold-{key}";
        var input = new JsonObject { ["key"] = key };
        var request = new JsonObject { ["stateMachineArn"] = WorkflowCloud.MachineArn("HoldStateMachine"), ["name"] = name, ["input"] = input.ToJsonString() };

        var first = await Cloud.OkAsync("StartExecution", request);
        await fixture.Functions.WaitEnteredAsync(key);
        var again = await Cloud.OkAsync("StartExecution", request.DeepClone().AsObject());
        var other = request.DeepClone().AsObject();
        other["input"] = new JsonObject { ["key"] = key, ["more"] = 1 }.ToJsonString();
        await Cloud.ErrorAsync("StartExecution", other, "ExecutionAlreadyExists");
        fixture.Functions.Release(key, """{"done":true}""");
        await Cloud.WaitForEndAsync(first["executionArn"]!.GetValue<string>());
        var afterEnd = await Cloud.ErrorAsync("StartExecution", request.DeepClone().AsObject(), "ExecutionAlreadyExists");

        Assert.True(JsonNode.DeepEquals(first, again), $"{first.ToJsonString()} vs {again.ToJsonString()}");
        Assert.Equal(WorkflowCloud.ExecutionArn("HoldStateMachine", name), first["executionArn"]!.GetValue<string>());
        Assert.Contains(name, afterEnd["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadStarts() => new()
    {
        { """{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","name":"with space"}""", "InvalidName" },
        { """{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","name":"a/b"}""", "InvalidName" },
        { """{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","name":"012345678901234567890123456789012345678901234567890123456789012345678901234567890"}""", "ValidationException" },
        { """{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","input":"{not json"}""", "InvalidExecutionInput" },
        { """{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:NoSuchMachine"}""", "StateMachineDoesNotExist" },
        { """{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:function:HoldStateMachine"}""", "InvalidArn" },
        { """{"input":"{}"}""", "ValidationException" },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public async Task StartExecution_BadRequest_StepFunctionsError(string request, string code)
    {
        await Cloud.ErrorAsync("StartExecution", JsonNode.Parse(request)!.AsObject(), code);
    }

    [Fact]
    public async Task StartExecution_InputPastTheQuota_Refused()
    {
        var big = new JsonObject { ["pad"] = new string('x', StatesArns.MaxInput) }.ToJsonString();

        await Cloud.ErrorAsync("StartExecution", new JsonObject { ["stateMachineArn"] = WorkflowCloud.MachineArn("HoldStateMachine"), ["input"] = big }, "ValidationException");
    }

    [Theory]
    [InlineData("arn:aws:states:us-east-1:000000000000:execution:HoldStateMachine:never-started", "ExecutionDoesNotExist")]
    [InlineData("arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine", "InvalidArn")]
    public async Task DescribeExecution_Unknown_StepFunctionsError(string arn, string code)
    {
        await Cloud.ErrorAsync("DescribeExecution", new JsonObject { ["executionArn"] = arn }, code);
    }

    [Fact]
    public async Task ListExecutions_NewestFirst_FilteredByStatus_Paged()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var arns = new List<string>();
        foreach (var key in keys)
        {
            arns.Add(await Cloud.StartAsync("HoldStateMachine", new JsonObject { ["key"] = key }, $"list-{key}"));
            await fixture.Functions.WaitEnteredAsync(key);
        }

        fixture.Functions.Release(keys[0], "{}");
        await Cloud.WaitForEndAsync(arns[0]);
        var machine = WorkflowCloud.MachineArn("HoldStateMachine");

        var running = await Cloud.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = machine, ["statusFilter"] = "RUNNING" });
        var all = new List<JsonObject>();
        string? token = null;
        var pages = 0;
        do
        {
            var request = new JsonObject { ["stateMachineArn"] = machine, ["maxResults"] = 1 };
            if (token is not null)
            {
                request["nextToken"] = token;
            }

            var page = await Cloud.OkAsync("ListExecutions", request);
            all.AddRange(page["executions"]!.AsArray().Select(e => e!.AsObject()));
            token = page["nextToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null && pages < 100);
        fixture.Functions.Release(keys[1], "{}");
        fixture.Functions.Release(keys[2], "{}");

        var runningArns = running["executions"]!.AsArray().Select(e => e!["executionArn"]!.GetValue<string>()).ToList();
        Assert.Contains(arns[1], runningArns);
        Assert.Contains(arns[2], runningArns);
        Assert.DoesNotContain(arns[0], runningArns);
        var ours = all.Where(e => arns.Contains(e["executionArn"]!.GetValue<string>())).ToList();
        Assert.Equal([arns[2], arns[1], arns[0]], ours.Select(e => e["executionArn"]!.GetValue<string>()));
        Assert.Equal("SUCCEEDED", ours[2]["status"]!.GetValue<string>());
        Assert.NotNull(ours[2]["stopDate"]);
        Assert.Null(ours[0]["stopDate"]);
        Assert.Equal(all.Count, pages);
    }

    [Theory]
    [InlineData("""{}""", "ValidationException")]
    [InlineData("""{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:NoSuchMachine"}""", "StateMachineDoesNotExist")]
    [InlineData("""{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","nextToken":"bm90LWEtdG9rZW4="}""", "InvalidToken")]
    [InlineData("""{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","statusFilter":"DONE"}""", "ValidationException")]
    [InlineData("""{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:HoldStateMachine","maxResults":1001}""", "ValidationException")]
    public async Task ListExecutions_BadRequest_StepFunctionsError(string request, string code)
    {
        await Cloud.ErrorAsync("ListExecutions", JsonNode.Parse(request)!.AsObject(), code);
    }

    [Fact]
    public async Task UnknownOperation_Refused()
    {
        var (status, body) = await Cloud.CallAsync("CreateStateMachine", new JsonObject { ["name"] = "x" });

        Assert.Equal((400, "UnknownOperationException"), (status, body["__type"]!.GetValue<string>()));
    }
}
