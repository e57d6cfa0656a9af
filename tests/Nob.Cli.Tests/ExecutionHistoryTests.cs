using Nob.Cli.Local.Workflow;

namespace Nob.Cli.Tests;

/// <summary>AWS-shaped history read through its previousEventId chains: progress lines, scopes, the billed transitions.</summary>
public sealed class ExecutionHistoryTests
{
    static ExecutionHistory Build(IEnumerable<Nob.Aws.StepFunctions.Model.HistoryEvent> events)
    {
        var history = new ExecutionHistory("arn:aws:states:us-east-1:000000000000:execution:BuildNetworkStateMachine:n-1");
        foreach (var e in events) Assert.True(history.Add(e));
        return history;
    }

    static Nob.Aws.StepFunctions.Model.HistoryEvent Event(ExecutionHistory history, long id) => history.Events.Single(e => e.Id == id);

    [Fact]
    public void ProgressLines_TaskFailedAfterAnotherIterationEntered_NamesTheBrokerOfItsOwnIteration()
    {
        var history = Build(AwsHistory.FailedBuild());

        Assert.Equal("EnsureBroker [B0] failed: AwsThrottlingException", ProgressLines.For(history, Event(history, 15)));
        Assert.Equal("EnsureBroker [B0] failed: BrokerCreationFailedException", ProgressLines.For(history, Event(history, 17)));
    }

    [Fact]
    public void ProgressLines_TaskEnteredAndMapStarted_AsTheLocalRunnerPrintedThem()
    {
        var history = Build(AwsHistory.FailedBuild());

        Assert.Equal("Validate", ProgressLines.For(history, Event(history, 2)));
        Assert.Equal("EnsureBroker [B1]", ProgressLines.For(history, Event(history, 12)));
        Assert.Equal("EnsureBrokers: 2 in parallel", ProgressLines.For(history, Event(history, 8)));
        Assert.Null(ProgressLines.For(history, Event(history, 13)));
        Assert.Null(ProgressLines.For(history, Event(history, 9)));
    }

    [Fact]
    public void IterationIndexOf_EventsInIterations_FromTheMapIterationStartedTheChainLeadsBackTo()
    {
        var history = Build(AwsHistory.FailedBuild());

        Assert.Equal(0, history.IterationIndexOf(Event(history, 17)));
        Assert.Equal(1, history.IterationIndexOf(Event(history, 19)));
        Assert.Equal(1, history.IterationIndexOf(Event(history, 21))); // the iteration's end belongs to it
        Assert.Equal("EnsureBrokers[0]", history.ScopeOf(Event(history, 16)));
        Assert.Null(history.IterationIndexOf(Event(history, 8)));
        // After an iteration's end the chain is back in the Map's own thread: the top.
        Assert.Null(history.IterationOf(Event(history, 22)));
        Assert.Equal("EnsureBrokers", history.StateNameOf(Event(history, 22)));
    }

    [Fact]
    public void StateTransitions_StatesEnteredPlusTaskSchedulesBeyondTheFirstPerEntry()
    {
        var history = Build(AwsHistory.FailedBuild());

        // Entered: Validate, EnsureBrokers, EnsureBroker ×2 = 4; B0's task was scheduled twice = 1 retry.
        Assert.Equal(1, history.Retries);
        Assert.Equal(5, history.StateTransitions);
    }

    [Fact]
    public void StateTransitions_NoRetries_CountsEveryStateEntered()
    {
        var history = Build(AwsHistory.FailedBuild().Where(e => e.Id <= 14));

        Assert.Equal(0, history.Retries);
        Assert.Equal(4, history.StateTransitions);
    }

    [Fact]
    public void Add_EventSeenBefore_IsIgnored()
    {
        var history = Build(AwsHistory.FailedBuild().Take(3));

        Assert.False(history.Add(AwsHistory.FailedBuild()[1]));
        Assert.Equal(3, history.Events.Count);
    }

    [Fact]
    public void Explain_FailedExecution_StatusTransitionsAndEachFailureWithItsStateScopeAndFunction()
    {
        var history = Build(AwsHistory.FailedBuild());
        var outcome = new ExecutionOutcome
        {
            ExecutionArn = history.ExecutionArn, Status = "FAILED", Error = "BrokerCreationFailedException", Cause = "B0 could not be created",
            StartDate = DateTimeOffset.UnixEpoch, StopDate = DateTimeOffset.UnixEpoch, History = history,
        };

        var lines = outcome.Explain().Split(Environment.NewLine);

        Assert.Equal("FAILED after 5 state transitions: BrokerCreationFailedException: B0 could not be created", lines[0]);
        Assert.Contains("  #17 TaskFailed EnsureBrokers[0]/EnsureBroker arn:aws:lambda:us-east-1:000000000000:function:EnsureBrokerFunction error=BrokerCreationFailedException cause=the cause of BrokerCreationFailedException", lines);
        Assert.Contains("  #18 MapIterationFailed EnsureBrokers[0]/EnsureBrokers", lines); // in its iteration, as the local runner scoped it
        Assert.Contains(lines, l => l.StartsWith("  #23 ExecutionFailed error=BrokerCreationFailedException", StringComparison.Ordinal));
        Assert.Equal(6, lines.Length); // 15, 17, 18, 22, 23
    }

    [Fact]
    public void NestedExecutionArn_StartExecutionTaskSucceeded_ReadFromItsOutput()
    {
        const string child = "arn:aws:states:us-east-1:000000000000:execution:BuildNetworkStateMachine:0b6f";
        var succeeded = AwsHistory.TaskSucceeded(9, 8, $$"""{"ExecutionArn":"{{child}}","Status":"SUCCEEDED"}""", resourceType: "states");
        var lambda = AwsHistory.TaskSucceeded(9, 8, $$"""{"ExecutionArn":"{{child}}"}""");

        Assert.Equal(child, EndpointWorkflow.NestedExecutionArn(succeeded));
        Assert.Null(EndpointWorkflow.NestedExecutionArn(lambda));
    }
}
