namespace Nob.StepFunctions.Tests;

public class WaitFailSucceedTests
{
    static string Wait(string how) => $$$$"""
        {"StartAt":"W","States":{"W":{"Type":"Wait",{{{{how}}}},"Next":"Done"},"Done":{"Type":"Succeed"}}}
        """;

    [Fact]
    public async Task WaitSeconds_WaitsOnTheClock_AndPassesItsInput()
    {
        var clock = ManualClock.AutoAdvancing();
        var start = clock.GetUtcNow();
        var result = await Sfn.RunAsync(Wait("\"Seconds\":3600"), """{"a":1}""", clock: clock);
        Assert.Equal("""{"a":1}""", result.Output);
        Assert.Equal(TimeSpan.FromHours(1), clock.GetUtcNow() - start);
        Assert.Equal(TimeSpan.FromHours(1), result.StopDate - result.StartDate);
    }

    [Fact]
    public async Task AWaitOfYears_IsTakenInSteps()
    {
        var clock = ManualClock.AutoAdvancing();
        var start = clock.GetUtcNow();
        var result = await Sfn.RunAsync(Wait("\"Seconds\":99999999"), "{}", clock: clock);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(TimeSpan.FromSeconds(99999999), clock.GetUtcNow() - start);
        Assert.All(clock.Delays, d => Assert.True(d <= TimeSpan.FromDays(40)));
    }

    [Fact]
    public async Task WaitSecondsPath_ReadsTheInput()
    {
        var clock = ManualClock.AutoAdvancing();
        await Sfn.RunAsync(Wait("\"SecondsPath\":\"$.wait.seconds\""), """{"wait":{"seconds":30}}""", clock: clock);
        Assert.Equal([TimeSpan.FromSeconds(30)], clock.Delays);
    }

    [Fact]
    public async Task WaitTimestamp_WaitsUntilThen_AndNotAtAllForThePast()
    {
        var clock = ManualClock.AutoAdvancing(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await Sfn.RunAsync(Wait("\"Timestamp\":\"2025-01-01T00:10:00Z\""), "{}", clock: clock);
        Assert.Equal([TimeSpan.FromMinutes(10)], clock.Delays);

        var past = ManualClock.AutoAdvancing(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var result = await Sfn.RunAsync(Wait("\"TimestampPath\":\"$.until\""), """{"until":"2024-12-31T23:00:00+00:00"}""", clock: past);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Empty(past.Delays);
    }

    [Theory]
    [InlineData("\"SecondsPath\":\"$.s\"", """{"s":-1}""", "SecondsPath")]
    [InlineData("\"SecondsPath\":\"$.s\"", """{"s":"10"}""", "SecondsPath")]
    [InlineData("\"SecondsPath\":\"$.missing\"", "{}", "Invalid path '$.missing'")]
    [InlineData("\"TimestampPath\":\"$.t\"", """{"t":"yesterday"}""", "TimestampPath")]
    public async Task WaitWithABadPathValue_FailsWithStatesRuntime(string how, string input, string message)
    {
        var result = await Sfn.RunAsync(Wait(how), input);
        Assert.Equal("States.Runtime", result.Error);
        Assert.Contains(message, result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_WithErrorAndCause()
    {
        var result = await Sfn.RunAsync("""{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Broken","Cause":"because"}}}""");
        Assert.Equal((ExecutionResult.Failed, "Broken", "because"), (result.Status, result.Error, result.Cause));
        Assert.Equal(["ExecutionStarted", "FailStateEntered", "ExecutionFailed"], result.History.Select(e => e.Type));
    }

    [Fact]
    public async Task Fail_WithErrorPathAndCausePath_FromPathsAndIntrinsics()
    {
        var result = await Sfn.RunAsync("""
            {"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.failure.error","CausePath":"States.Format('{} failed: {}', $.failure.step, $.failure.why)"}}}
            """, """{"failure":{"error":"BrokerCreationFailedException","step":"EnsureBrokers","why":"MyBroker2"}}""");
        Assert.Equal("BrokerCreationFailedException", result.Error);
        Assert.Equal("EnsureBrokers failed: MyBroker2", result.Cause);
    }

    [Fact]
    public async Task Fail_ErrorPathToANonString_FailsWithStatesRuntime()
    {
        var result = await Sfn.RunAsync("""{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e"}}}""", """{"e":5}""");
        Assert.Equal("States.Runtime", result.Error);
    }

    [Fact]
    public async Task Succeed_AppliesInputPathAndOutputPath()
    {
        var output = await Sfn.OutputAsync("""{"StartAt":"S","States":{"S":{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}}}""", """{"a":{"b":[1]}}""");
        Assert.Equal("[1]", Sfn.Json(output));
    }

    [Fact]
    public async Task Execution_CancelledByTheHost_IsAborted_WithItsHistory()
    {
        using var cancel = new CancellationTokenSource();
        var machine = new LocalStateMachine(StateMachineDefinition.Parse(Wait("\"Seconds\":60")), new ScriptedFunctions());
        var run = machine.ExecuteAsync("{}", cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        var e = await Assert.ThrowsAsync<ExecutionAbortedException>(() => run);
        Assert.Equal("ExecutionAborted", e.History[^1].Type);
    }

    [Fact]
    public async Task InputThatIsNotJson_IsRejectedLikeStartExecution()
    {
        var machine = new LocalStateMachine(StateMachineDefinition.Parse(Sfn.Pass("\"Result\":1")), new ScriptedFunctions());
        await Assert.ThrowsAsync<ArgumentException>(() => machine.ExecuteAsync("{not json"));
    }

    [Fact]
    public async Task OutputOverThePayloadQuota_FailsWithDataLimitExceeded()
    {
        var big = new string('x', LocalStateMachine.PayloadLimitBytes);
        var result = await Sfn.RunAsync(Sfn.Pass($"\"Result\":\"{big}\""));
        Assert.Equal("States.DataLimitExceeded", result.Error);
    }

    [Fact]
    public async Task HistoryPastTheQuota_FailsWithStatesRuntime_ThatNoCatchHandles()
    {
        // A loop that never ends, inside a Parallel whose Catch takes everything: the quota still ends the execution.
        const string loop = """
            {"StartAt":"P","States":{
              "P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{
                "A":{"Type":"Pass","Next":"B"},
                "B":{"Type":"Pass","Next":"A"}}}],
                "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
              "Caught":{"Type":"Succeed"}}}
            """;
        var result = await Sfn.RunAsync(loop);
        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("States.Runtime", result.Error);
        Assert.Contains("quota of 25000 events", result.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain(result.History, e => e.StateName == "Caught");
        // Every event up to the quota, then only the events that close the branch, the Parallel and the execution.
        Assert.InRange(result.History.Count, LocalStateMachine.HistoryEventLimit, LocalStateMachine.HistoryEventLimit + 3);
        Assert.Equal(["ParallelStateFailed", "ExecutionFailed"], result.History.TakeLast(2).Select(e => e.Type));
    }

    [Fact]
    public async Task HistoryWithinTheQuota_Succeeds()
    {
        // ExecutionStarted, Init (2 events), 6,246 turns of Count and Done? (4 events each), End (2), ExecutionSucceeded: 24,990 events.
        const string counted = """
            {"StartAt":"Init","States":{
              "Init":{"Type":"Pass","Result":{"n":0},"Next":"Count"},
              "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Done?"},
              "Done?":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThanEquals":6246,"Next":"End"}],"Default":"Count"},
              "End":{"Type":"Succeed"}}}
            """;
        var result = await Sfn.RunAsync(counted);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(24990, result.History.Count);
    }
}
