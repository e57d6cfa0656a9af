using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class RetryCatchTests
{
    /// <summary>A function that fails with the given exceptions in turn, then returns {"ok":true}.</summary>
    static ScriptedFunctions Failing(params Func<Exception>[] failures)
    {
        var calls = 0;
        return new ScriptedFunctions().On("F", _ =>
        {
            var i = calls++;
            if (i < failures.Length) throw failures[i]();
            return new JsonObject { ["ok"] = true, ["attempt"] = i };
        });
    }

    static string Task(string retry, string @catch = "[]", string payload = "{}") => $$$$"""
        {"StartAt":"T","States":{
          "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
               "Parameters":{"FunctionName":"F","Payload":{{{{payload}}}}},
               "ResultSelector":{"value.$":"$.Payload"},"ResultPath":"$.result",
               "Retry":{{{{retry}}}},"Catch":{{{{@catch}}}},"End":true},
          "Caught":{"Type":"Pass","End":true}}}
        """;

    static Func<Exception> Transient => () => new TransientException("try again");

    [Fact]
    public async Task Retry_BacksOffExponentially_OnTheClock_AndCountsTransitions()
    {
        var clock = ManualClock.AutoAdvancing();
        var start = clock.GetUtcNow();
        var result = await Sfn.RunAsync(Task("""[{"ErrorEquals":["TransientException"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":5}]"""),
            "{}", Failing(Transient, Transient, Transient), clock);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal([2, 6, 18], clock.Delays.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(26), clock.GetUtcNow() - start);
        Assert.Equal(3, result.Retries);
        Assert.Equal(1 + 3, result.StateTransitions);
        Assert.Equal(4, result.History.Count(e => e.Type == "TaskScheduled"));
        Assert.Equal(3, result.History.Count(e => e.Type == "TaskFailed"));
        Assert.Equal(3, (int)JsonNode.Parse(result.Output!)!["result"]!["value"]!["attempt"]!);
    }

    [Fact]
    public async Task MaxDelaySeconds_CapsTheBackoff()
    {
        var clock = ManualClock.AutoAdvancing();
        await Sfn.RunAsync(Task("""[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"BackoffRate":10,"MaxDelaySeconds":50,"MaxAttempts":3}]"""),
            "{}", Failing(Transient, Transient, Transient), clock);
        Assert.Equal([10, 50, 50], clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task FullJitter_ScalesEachDelayByTheRandomNumber()
    {
        var clock = ManualClock.AutoAdvancing();
        await Sfn.RunAsync(Task("""[{"ErrorEquals":["States.ALL"],"IntervalSeconds":4,"BackoffRate":2,"MaxAttempts":2,"JitterStrategy":"FULL"}]"""),
            "{}", Failing(Transient, Transient), clock, random: () => 0.25);
        Assert.Equal([1, 2], clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task Defaults_AreOneSecondTwiceAsLongThreeAttempts()
    {
        var clock = ManualClock.AutoAdvancing();
        var result = await Sfn.RunAsync(Task("""[{"ErrorEquals":["States.ALL"]}]"""), "{}", Failing(Transient, Transient, Transient, Transient), clock);
        Assert.Equal([1, 2, 4], clock.Delays.Select(d => d.TotalSeconds));
        Assert.Equal("TransientException", result.Error);
    }

    [Fact]
    public async Task EachRetrierCountsItsOwnAttempts()
    {
        var clock = ManualClock.AutoAdvancing();
        var result = await Sfn.RunAsync(Task("""
            [{"ErrorEquals":["TransientException"],"IntervalSeconds":1,"MaxAttempts":1},
             {"ErrorEquals":["OtherException"],"IntervalSeconds":7,"MaxAttempts":2}]
            """), "{}", Failing(Transient, () => new OtherException("o"), () => new OtherException("o")), clock);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal([1, 7, 14], clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task MaxAttemptsZero_NeverRetries()
    {
        var clock = ManualClock.AutoAdvancing();
        var result = await Sfn.RunAsync(Task("""[{"ErrorEquals":["States.ALL"],"MaxAttempts":0}]"""), "{}", Failing(Transient), clock);
        Assert.Equal("TransientException", result.Error);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task UncaughtFunctionError_FailsTheExecution_WithTheExceptionNameAndLambdasCause()
    {
        var result = await Sfn.RunAsync(Task("[]"), "{}", Failing(() => new OtherException("the reason")));
        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("OtherException", result.Error);
        Assert.Equal("""{"errorType":"OtherException","errorMessage":"the reason"}""", result.Cause);
        Assert.Equal("OtherException", result.History.Single(e => e.Type == "TaskFailed").Error);
        Assert.Equal("ExecutionFailed", result.History[^1].Type);
    }

    [Fact]
    public async Task RetriesExhausted_ThenCatch_PutsErrorAndCauseAtItsResultPath()
    {
        var result = await Sfn.RunAsync(
            Task("""[{"ErrorEquals":["TransientException"],"MaxAttempts":1}]""", """[{"ErrorEquals":["TransientException"],"ResultPath":"$.error","Next":"Caught"}]"""),
            """{"keep":1}""", Failing(Transient, Transient));
        Assert.True(result.IsSucceeded, result.Explain());
        var output = JsonNode.Parse(result.Output!)!;
        Assert.Equal(1, (int)output["keep"]!);
        Assert.Equal("TransientException", (string?)output["error"]!["Error"]);
        Assert.Equal("""{"errorType":"TransientException","errorMessage":"try again"}""", (string?)output["error"]!["Cause"]);
        Assert.Equal(1, result.Retries);
    }

    [Theory]
    [InlineData("""["States.TaskFailed"]""")]
    [InlineData("""["States.ALL"]""")]
    [InlineData("""["Nope","OtherException"]""")]
    public async Task Catch_MatchesByNameTaskFailedOrAll(string errorEquals)
    {
        var result = await Sfn.RunAsync(Task("[]", $$$$"""[{"ErrorEquals":{{{{errorEquals}}}},"Next":"Caught"}]"""), """{"keep":1}""", Failing(() => new OtherException("x")));
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("OtherException", (string?)JsonNode.Parse(result.Output!)!["Error"]);
    }

    [Fact]
    public async Task Catch_ResultPathNull_KeepsTheInput()
    {
        var result = await Sfn.RunAsync(Task("[]", """[{"ErrorEquals":["States.ALL"],"ResultPath":null,"Next":"Caught"}]"""), """{"keep":1}""", Failing(() => new OtherException("x")));
        Assert.Equal("""{"keep":1}""", result.Output);
    }

    [Fact]
    public async Task NonMatchingCatch_LetsTheErrorThrough()
    {
        var result = await Sfn.RunAsync(Task("[]", """[{"ErrorEquals":["Nope"],"Next":"Caught"}]"""), "{}", Failing(() => new OtherException("x")));
        Assert.Equal("OtherException", result.Error);
    }

    [Fact]
    public async Task RetryCount_IsInTheContextObject_OnEachAttempt()
    {
        var functions = Failing(Transient, Transient);
        await Sfn.RunAsync(Task("""[{"ErrorEquals":["States.ALL"]}]""", payload: """{"retry.$":"$$.State.RetryCount"}"""), "{}", functions);
        Assert.Equal(["""{"retry":0}""", """{"retry":1}""", """{"retry":2}"""], functions.Calls.Select(c => c.Payload));
    }

    [Fact]
    public async Task UnknownFunctionAtRunTime_IsLambdaResourceNotFound()
    {
        var result = await Sfn.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName.$":"$.fn","Payload":{}},"End":true}}}
            """, """{"fn":"Nobody"}""", new ScriptedFunctions().On("F", p => p));
        Assert.Equal("Lambda.ResourceNotFoundException", result.Error);
    }
}
