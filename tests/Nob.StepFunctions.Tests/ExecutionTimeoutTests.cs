namespace Nob.StepFunctions.Tests;

/// <summary>A state machine's top-level TimeoutSeconds, on the run's clock.</summary>
public class ExecutionTimeoutTests
{
    static string Machine(int timeoutSeconds, int waitSeconds) => $$$$"""
        {"StartAt":"Guard","TimeoutSeconds":{{{{timeoutSeconds}}}},"States":{
          "Guard":{"Type":"Parallel","Branches":[{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":{{{{waitSeconds}}}},"End":true}}}],
                   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"Next":"Done"},
          "Caught":{"Type":"Pass","Result":"caught","End":true},
          "Done":{"Type":"Succeed"}}}
        """;

    [Fact]
    public async Task Execution_RunsPastTimeoutSeconds_EndsTimedOutAtTheTimeoutWithStatesTimeoutThatNoCatchTakes()
    {
        var clock = ManualClock.AutoAdvancing();
        var result = await Sfn.RunAsync(Machine(timeoutSeconds: 600, waitSeconds: 3600), clock: clock);
        Assert.Equal(ExecutionResult.TimedOut, result.Status);
        Assert.Equal("States.Timeout", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(600), result.StopDate - result.StartDate);
        Assert.Equal(HistoryEventTypes.ExecutionTimedOut, result.History[^1].Type);
        Assert.DoesNotContain(result.History, e => e.StateName == "Caught");
    }

    [Fact]
    public async Task Execution_EndsWithinTimeoutSeconds_Succeeds()
    {
        var clock = ManualClock.AutoAdvancing();
        var result = await Sfn.RunAsync(Machine(timeoutSeconds: 3601, waitSeconds: 3600), clock: clock);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(TimeSpan.FromSeconds(3600), result.StopDate - result.StartDate);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100000000)]
    public void Definition_TimeoutSecondsOutOfRange_IsRejected(int timeoutSeconds)
    {
        Assert.Throws<StatesDefinitionException>(() => StateMachineDefinition.Parse(Machine(timeoutSeconds, 1)));
    }
}
