using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class StartExecutionTests
{
    const string ChildArn = "arn:aws:states:us-east-1:123456789012:stateMachine:teardown-network";

    const string Child = """
        {"StartAt":"Work","States":{
          "Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"F","Payload.$":"$"},
                  "ResultSelector":{"done.$":"$.Payload"},"Next":"Check"},
          "Check":{"Type":"Choice","Choices":[{"Variable":"$.done.fail","BooleanEquals":true,"Next":"Bad"}],"Default":"Good"},
          "Bad":{"Type":"Fail","Error":"Teardown.Failed","Cause":"broker b-1 is still running"},
          "Good":{"Type":"Succeed"}}}
        """;

    static string Parent(string resource = "arn:aws:states:::states:startExecution.sync:2", string extra = "", string @catch = "[]") => $$$$"""
        {"StartAt":"Start","States":{
          "Start":{"Type":"Task","Resource":"{{{{resource}}}}",
                   "Parameters":{"StateMachineArn":"{{{{ChildArn}}}}","Input":{"network.$":"$.network","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}{{{{extra}}}}},
                   "ResultPath":"$.child","Catch":{{{{@catch}}}},"End":true},
          "Caught":{"Type":"Pass","End":true}}}
        """;

    static (LocalStateMachine Parent, LocalStateMachine Child) Build(string parent, ScriptedFunctions functions, ManualClock? clock = null)
    {
        var options = new LocalStateMachineOptions { TimeProvider = clock ?? ManualClock.AutoAdvancing() };
        var child = new LocalStateMachine(StateMachineDefinition.Parse(Child, name: "teardown-network"), functions, options);
        var machine = new LocalStateMachine(StateMachineDefinition.Parse(parent, name: "check-drift"), functions, options)
        {
            StateMachines = arn => arn == child.Arn ? child : null,
        };
        return (machine, child);
    }

    static ScriptedFunctions Echo(bool fail = false) => new ScriptedFunctions().On("F", p => new JsonObject { ["network"] = p!["network"]!.DeepClone(), ["fail"] = fail });

    [Fact]
    public async Task Sync2_ChildSucceeds_OutputIsTheDescriptionWithParsedOutput()
    {
        var (parent, child) = Build(Parent(extra: ""","Name":"teardown-shop" """), Echo());
        var result = await parent.ExecuteAsync("""{"network":"shop"}""", "drift-1");

        Assert.True(result.IsSucceeded, result.Explain());
        var described = JsonNode.Parse(result.Output!)!["child"]!.AsObject();
        Assert.Equal(["ExecutionArn", "Input", "InputDetails", "Name", "Output", "OutputDetails", "StartDate", "StateMachineArn", "Status", "StopDate"],
            described.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(child.ExecutionArnFor("teardown-shop"), (string)described["ExecutionArn"]!);
        Assert.Equal(ChildArn, (string)described["StateMachineArn"]!);
        Assert.Equal("SUCCEEDED", (string)described["Status"]!);
        Assert.Equal("teardown-shop", (string)described["Name"]!);
        Assert.Equal("shop", (string)described["Output"]!["done"]!["network"]!);
        Assert.Equal(parent.ExecutionArnFor("drift-1"), (string)described["Input"]!["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"]!);
        Assert.True((bool)described["InputDetails"]!["Included"]!);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeMilliseconds(), (long)described["StartDate"]!);

        var nested = Assert.Single(result.ChildExecutions);
        Assert.True(nested.IsSucceeded);
        Assert.Equal(3, nested.StateTransitions);
        Assert.Equal(1, result.StateTransitions);
        Assert.Equal(4, result.TotalStateTransitions);
        Assert.All(nested.History, e => Assert.Equal(nested.ExecutionArn, e.ExecutionArn));
        Assert.All(result.History, e => Assert.Equal(result.ExecutionArn, e.ExecutionArn));
        Assert.Contains(result.History, e => e.Type == "TaskSucceeded" && e.Resource == "states:startExecution.sync:2");
    }

    [Fact]
    public async Task Sync_ChildSucceeds_InputAndOutputAreJsonStrings()
    {
        var (parent, _) = Build(Parent("arn:aws:states:::states:startExecution.sync"), Echo());
        var result = await parent.ExecuteAsync("""{"network":"shop"}""");
        Assert.True(result.IsSucceeded, result.Explain());
        var described = JsonNode.Parse(result.Output!)!["child"]!;
        Assert.Equal("shop", (string)JsonNode.Parse((string)described["Output"]!)!["done"]!["network"]!);
        Assert.Equal("shop", (string)JsonNode.Parse((string)described["Input"]!)!["network"]!);
    }

    [Fact]
    public async Task ChildFails_ParentTaskFailsWithTaskFailed_AndTheDescriptionAsCause()
    {
        var (parent, child) = Build(Parent(extra: ""","Name":"teardown-shop" """), Echo(fail: true));
        var result = await parent.ExecuteAsync("""{"network":"shop"}""");

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("States.TaskFailed", result.Error);
        var cause = JsonNode.Parse(result.Cause!)!.AsObject();
        Assert.Equal("FAILED", (string)cause["Status"]!);
        Assert.Equal("Teardown.Failed", (string)cause["Error"]!);
        Assert.Equal("broker b-1 is still running", (string)cause["Cause"]!);
        Assert.Equal(child.ExecutionArnFor("teardown-shop"), (string)cause["ExecutionArn"]!);
        Assert.False(cause.ContainsKey("Output"));
        Assert.Equal("shop", (string)cause["Input"]!["network"]!);
        Assert.Equal("Teardown.Failed", Assert.Single(result.ChildExecutions).Error);
    }

    [Fact]
    public async Task ChildFails_TheParentCanCatchIt()
    {
        var (parent, _) = Build(Parent(@catch: """[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.error","Next":"Caught"}]"""), Echo(fail: true));
        var result = await parent.ExecuteAsync("""{"network":"shop"}""");
        Assert.True(result.IsSucceeded, result.Explain());
        var error = JsonNode.Parse(result.Output!)!["error"]!;
        Assert.Equal("States.TaskFailed", (string)error["Error"]!);
        Assert.Equal("Teardown.Failed", (string)JsonNode.Parse((string)error["Cause"]!)!["Error"]!);
    }

    [Fact]
    public async Task UnknownStateMachine_FailsWithStateMachineDoesNotExist()
    {
        var (parent, _) = Build(Parent().Replace("teardown-network", "nothing", StringComparison.Ordinal), Echo());
        var result = await parent.ExecuteAsync("""{"network":"shop"}""");
        Assert.Equal("StepFunctions.StateMachineDoesNotExistException", result.Error);
    }

    [Fact]
    public async Task SameNameTwice_FailsWithExecutionAlreadyExists()
    {
        var (parent, _) = Build(Parent(extra: ""","Name":"once" """), Echo());
        Assert.True((await parent.ExecuteAsync("""{"network":"shop"}""")).IsSucceeded);
        var second = await parent.ExecuteAsync("""{"network":"shop"}""");
        Assert.Equal("StepFunctions.ExecutionAlreadyExistsException", second.Error);
    }

    [Fact]
    public async Task StringInput_IsPassedAsTheChildsInput()
    {
        var definition = Parent().Replace("""
            "Input":{"network.$":"$.network","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}
            """.Trim(), "\"Input.$\":\"States.JsonToString($)\"", StringComparison.Ordinal);
        var (parent, _) = Build(definition, Echo());
        var result = await parent.ExecuteAsync("""{"network":"lab"}""");
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("""{"network":"lab"}""", Assert.Single(result.ChildExecutions).Input);
    }

    [Theory]
    [InlineData("arn:aws:states:::states:startExecution", "fire-and-forget")]
    [InlineData("arn:aws:states:::states:startExecution.waitForTaskToken", "Resource")]
    public void UnimplementedResources_AreRejectedAtLoad(string resource, string message)
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() => StateMachineDefinition.Parse(Parent(resource)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceHeader_IsRejectedAtLoad()
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() => StateMachineDefinition.Parse(Parent(extra: ""","TraceHeader":"x" """)));
        Assert.Contains("TraceHeader", e.Message, StringComparison.Ordinal);
    }
}
