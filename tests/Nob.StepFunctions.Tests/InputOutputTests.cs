using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

/// <summary>InputPath → Parameters → task → ResultSelector → ResultPath → OutputPath, and the context object.</summary>
public class InputOutputTests
{
    [Fact]
    public async Task Pass_InputPathParametersResultPathOutputPath_ApplyInOrder()
    {
        var output = await Sfn.OutputAsync(Sfn.Pass("""
            "InputPath": "$.in",
            "Parameters": { "static": "s", "copied.$": "$.value", "nested": { "deep.$": "$.list[1]" }, "list": [ { "v.$": "$.value" }, 2 ] },
            "ResultPath": "$.result",
            "OutputPath": "$.result"
            """), """{"in":{"value":"x","list":[1,2]},"other":true}""");
        Assert.Equal("""{"static":"s","copied":"x","nested":{"deep":2},"list":[{"v":"x"},2]}""", Sfn.Json(output));
    }

    [Fact]
    public async Task ResultPath_MergesIntoTheRawInput_NotTheInputPathSelection()
    {
        var output = await Sfn.OutputAsync(Sfn.Pass("""
            "InputPath": "$.in", "Result": {"r": 1}, "ResultPath": "$.out.result"
            """), """{"in":{"a":1},"out":{"kept":true}}""");
        Assert.Equal("""{"in":{"a":1},"out":{"kept":true,"result":{"r":1}}}""", Sfn.Json(output));
    }

    [Fact]
    public async Task ResultPathDefault_ReplacesTheInput_AndNullKeepsIt()
    {
        Assert.Equal("""{"r":1}""", Sfn.Json(await Sfn.OutputAsync(Sfn.Pass("\"Result\": {\"r\": 1}"), """{"a":1}""")));
        Assert.Equal("""{"a":1}""", Sfn.Json(await Sfn.OutputAsync(Sfn.Pass("\"Result\": {\"r\": 1}, \"ResultPath\": null"), """{"a":1}""")));
    }

    [Fact]
    public async Task InputPathNull_AndOutputPathNull_GiveEmptyObjects()
    {
        Assert.Equal("{}", Sfn.Json(await Sfn.OutputAsync(Sfn.Pass("\"InputPath\": null"), """{"a":1}""")));
        Assert.Equal("{}", Sfn.Json(await Sfn.OutputAsync(Sfn.Pass("\"OutputPath\": null"), """{"a":1}""")));
    }

    [Fact]
    public async Task ContextObject_GivesExecutionAndStateDetails()
    {
        var clock = ManualClock.AutoAdvancing();
        var definition = StateMachineDefinition.Parse(Sfn.Pass("""
            "Parameters": {
              "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name", "start.$": "$$.Execution.StartTime",
              "input.$": "$$.Execution.Input.x", "state.$": "$$.State.Name", "entered.$": "$$.State.EnteredTime",
              "retries.$": "$$.State.RetryCount", "machine.$": "$$.StateMachine.Name"
            }
            """), name: "Demo");
        var result = await new LocalStateMachine(definition, new ScriptedFunctions(), new LocalStateMachineOptions { TimeProvider = clock })
            .ExecuteAsync("""{"x":42}""", "run-1");
        Assert.True(result.IsSucceeded, result.Explain());
        var o = JsonNode.Parse(result.Output!)!;
        Assert.Equal("arn:aws:states:us-east-1:123456789012:execution:Demo:run-1", (string?)o["id"]);
        Assert.Equal("run-1", (string?)o["name"]);
        Assert.Equal("2025-01-02T03:04:05.000Z", (string?)o["start"]);
        Assert.Equal(42, (int)o["input"]!);
        Assert.Equal("P", (string?)o["state"]);
        Assert.Equal("2025-01-02T03:04:05.000Z", (string?)o["entered"]);
        Assert.Equal(0, (int)o["retries"]!);
        Assert.Equal("Demo", (string?)o["machine"]);
    }

    [Fact]
    public async Task ParametersPathThatMatchesNothing_FailsWithStatesRuntime_ThatNoCatchCatches()
    {
        var functions = new ScriptedFunctions().On("F", p => p);
        var result = await Sfn.RunAsync("""
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                   "Parameters":{"FunctionName":"F","Payload":{"x.$":"$.missing"}},
                   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
              "Caught":{"Type":"Succeed"}}}
            """, """{"a":1}""", functions);
        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("States.Runtime", result.Error);
        Assert.Contains("An error occurred while executing the state 'T'", result.Cause, StringComparison.Ordinal);
        Assert.Contains("The JSONPath '$.missing' specified for the field 'x.$' could not be found", result.Cause, StringComparison.Ordinal);
        Assert.Empty(functions.Calls);
    }

    [Fact]
    public async Task ResultPathOnAScalarInput_FailsWithStatesRuntime()
    {
        var result = await Sfn.RunAsync(Sfn.Pass("\"Result\": 1, \"ResultPath\": \"$.r\""), "\"just a string\"");
        Assert.Equal("States.Runtime", result.Error);
        Assert.Contains("Unable to apply ReferencePath $.r", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputPathThatMatchesNothing_FailsWithStatesRuntime()
    {
        var result = await Sfn.RunAsync(Sfn.Pass("\"OutputPath\": \"$.nothing\""), "{}");
        Assert.Equal("States.Runtime", result.Error);
        Assert.Contains("Invalid path '$.nothing'", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LambdaInvoke_ResultIsTheInvokeResponse_WithThePayloadParsed()
    {
        var functions = new ScriptedFunctions().On("Double", p => new JsonObject { ["twice"] = (int)p!["n"]! * 2 });
        var output = await Sfn.OutputAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Double","Payload":{"n.$":"$.n"}},
              "End":true}}}
            """, """{"n":21}""", functions);
        Assert.Equal("""{"twice":42}""", Sfn.Json(output!["Payload"]));
        Assert.Equal(200, (int)output["StatusCode"]!);
        Assert.Equal("$LATEST", (string?)output["ExecutedVersion"]);
        Assert.Equal(200, (int)output["SdkHttpMetadata"]!["HttpStatusCode"]!);
        Assert.NotNull(output["SdkResponseMetadata"]!["RequestId"]);
        Assert.Equal("""{"n":21}""", functions.Calls.Single().Payload);
    }

    [Fact]
    public async Task LambdaInvoke_ResultSelectorThenResultPathThenOutputPath()
    {
        var functions = new ScriptedFunctions().On("F", p => new JsonObject { ["value"] = 7, ["noise"] = "x" });
        var output = await Sfn.OutputAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "InputPath":"$.args",
              "Parameters":{"FunctionName":"F","Payload.$":"$"},
              "ResultSelector":{"value.$":"$.Payload.value","status.$":"$.StatusCode"},
              "ResultPath":"$.result",
              "OutputPath":"$.result",
              "End":true}}}
            """, """{"args":{"a":1},"keep":true}""", functions);
        Assert.Equal("""{"value":7,"status":200}""", Sfn.Json(output));
        Assert.Equal("""{"a":1}""", functions.Calls.Single().Payload);
    }

    [Fact]
    public async Task History_RecordsTheTaskLifecycle_AndChainsEvents()
    {
        var functions = new ScriptedFunctions().On("F", p => p);
        var result = await Sfn.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"F","Payload":{}},"Next":"Done"},"Done":{"Type":"Succeed"}}}
            """, "{}", functions);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"],
            result.History.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), result.History.Select(e => e.Id));
        Assert.All(result.History.Skip(1), e => Assert.Equal(e.Id - 1, e.PreviousEventId));
        Assert.Equal(2, result.StateTransitions);
        Assert.Equal("F", result.History.Single(e => e.Type == "TaskScheduled").FunctionName);
    }
}
