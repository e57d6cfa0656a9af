using System.Text.Json.Nodes;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Cli.Bench;
using Nob.Cli.Local.Workflow;
using Nob.Testing;

namespace Nob.Cli.Tests;

/// <summary>
/// A Step Functions API whose executions advance one step per DescribeExecution, serving history pages of at most
/// <see cref="PageSize"/> events with a nextToken only while more events exist right now (as AWS does).
/// </summary>
sealed class SteppedStepFunctions : IAmazonStepFunctionsClient
{
    public const int PageSize = 3;

    public const string MachineArn = "arn:aws:states:us-east-1:000000000000:stateMachine:CheckDriftStateMachine";

    readonly Dictionary<string, (IReadOnlyList<HistoryEvent> Events, int[] Steps, string Output)> executions = [];
    readonly Dictionary<string, int> step = [];

    public List<GetExecutionHistoryRequest> HistoryRequests { get; } = [];

    public List<StopExecutionRequest> Stops { get; } = [];

    /// <summary>An execution whose history grows to <c>steps[k]</c> events after the k-th DescribeExecution; SUCCEEDED after the last.</summary>
    public void Add(string arn, IReadOnlyList<HistoryEvent> events, int[] steps, string output) => (executions[arn], step[arn]) = ((events, steps, output), 0);

    int Visible(string arn) => executions[arn].Steps[Math.Min(step[arn], executions[arn].Steps.Length - 1)];

    public Task<DescribeExecutionResponse> DescribeExecutionAsync(DescribeExecutionRequest request, CancellationToken cancellationToken = default)
    {
        var (events, steps, output) = executions[request.ExecutionArn];
        step[request.ExecutionArn]++;
        var done = step[request.ExecutionArn] >= steps.Length;
        return Task.FromResult(new DescribeExecutionResponse
        {
            ExecutionArn = request.ExecutionArn, Status = done ? "SUCCEEDED" : "RUNNING", Output = done ? output : null,
            StartDate = events[0].Timestamp, StopDate = done ? events[^1].Timestamp : null,
        });
    }

    public Task<GetExecutionHistoryResponse> GetExecutionHistoryAsync(GetExecutionHistoryRequest request, CancellationToken cancellationToken = default)
    {
        HistoryRequests.Add(request);
        var visible = executions[request.ExecutionArn].Events.Take(Visible(request.ExecutionArn)).ToList();
        var from = request.NextToken is null ? 0 : int.Parse(request.NextToken, System.Globalization.CultureInfo.InvariantCulture);
        var page = visible.Skip(from).Take(Math.Min(PageSize, request.MaxResults ?? 100)).ToList();
        var next = from + page.Count < visible.Count ? (from + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new GetExecutionHistoryResponse { Events = page, NextToken = next });
    }

    public Task<DescribeStateMachineResponse> DescribeStateMachineAsync(DescribeStateMachineRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DescribeStateMachineResponse { StateMachineArn = request.StateMachineArn, Name = "CheckDriftStateMachine", Definition = """{"TimeoutSeconds":60,"StartAt":"A","States":{}}""" });

    public Task<StopExecutionResponse> StopExecutionAsync(StopExecutionRequest request, CancellationToken cancellationToken = default)
    {
        Stops.Add(request);
        return Task.FromResult(new StopExecutionResponse { StopDate = DateTimeOffset.UnixEpoch });
    }

    public Task<StartExecutionResponse> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ListExecutionsResponse> ListExecutionsAsync(ListExecutionsRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ListStateMachinesResponse> ListStateMachinesAsync(ListStateMachinesRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}

/// <summary>Following an execution on the endpoint: every event once, in order, across pages and polls, with nested executions.</summary>
public sealed class EndpointWorkflowTests
{
    const string Parent = "arn:aws:states:us-east-1:000000000000:execution:CheckDriftStateMachine:n-drift-1";
    const string Child = "arn:aws:states:us-east-1:000000000000:execution:BuildNetworkStateMachine:0b6f";

    /// <summary>A drift check whose Repair task ran a build (a startExecution.sync:2 task, the child's ARN in its output).</summary>
    static IReadOnlyList<HistoryEvent> Drift() =>
    [
        AwsHistory.Plain(1, null, "ExecutionStarted"),
        AwsHistory.Entered(2, 1, "Task", "CheckNetwork", """{"networkName":"n"}"""),
        AwsHistory.Scheduled(3, 2, "CheckDriftFunction", """{"networkName":"n"}"""),
        AwsHistory.Plain(4, 3, "TaskStarted"),
        AwsHistory.TaskSucceeded(5, 4),
        AwsHistory.Exited(6, 5, "Task", "CheckNetwork"),
        AwsHistory.Entered(7, 6, "Task", "Repair"),
        AwsHistory.Plain(8, 7, "TaskStarted"),
        AwsHistory.TaskSucceeded(9, 8, $$"""{"ExecutionArn":"{{Child}}","Status":"SUCCEEDED"}""", resourceType: "states"),
        AwsHistory.Exited(10, 9, "Task", "Repair"),
        AwsHistory.ExecutionSucceeded(11, 10, """{"networks":[]}"""),
    ];

    static IReadOnlyList<HistoryEvent> Build() =>
    [
        AwsHistory.Plain(1, null, "ExecutionStarted"),
        AwsHistory.Entered(2, 1, "Task", "Validate"),
        AwsHistory.Scheduled(3, 2, "ValidateFunction", """{"networkName":"n"}"""),
        AwsHistory.TaskSucceeded(4, 3),
        AwsHistory.Exited(5, 4, "Task", "Validate"),
        AwsHistory.ExecutionSucceeded(6, 5, "{}"),
    ];

    static (SteppedStepFunctions Sfn, EndpointWorkflow Workflow, ManualClock Clock) Setup()
    {
        var sfn = new SteppedStepFunctions();
        sfn.Add(Parent, Drift(), [1, 4, 4, 8, 11], """{"networks":[]}""");
        sfn.Add(Child, Build(), [6], "{}");
        var clock = ManualClock.AutoAdvancing();
        return (sfn, new EndpointWorkflow(sfn, clock), clock);
    }

    [Fact]
    public async Task FollowAsync_HistoryGrowingAcrossPolls_EveryEventOnceInOrderAndTheNestedExecutionRead()
    {
        var (sfn, workflow, clock) = Setup();
        var seen = new List<(string Arn, long Id)>();

        var outcome = await workflow.FollowAsync(SteppedStepFunctions.MachineArn, Parent, (h, e) => seen.Add((h.ExecutionArn, e.Id)), CancellationToken.None);

        Assert.Equal("SUCCEEDED", outcome.Status);
        Assert.Equal("""{"networks":[]}""", outcome.Output);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), seen.Where(s => s.Arn == Parent).Select(s => s.Id));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), seen.Where(s => s.Arn == Child).Select(s => s.Id));
        Assert.Equal(Child, Assert.Single(outcome.Children).ExecutionArn);
        Assert.Equal(2, outcome.StateTransitions); // CheckNetwork, Repair
        // Polls wait the interval between them; a page with a successor is followed at once, the last one read again.
        Assert.All(clock.Delays, d => Assert.Equal(EndpointWorkflow.PollInterval, d));
        Assert.Equal(4, clock.Delays.Count);
        Assert.Contains(sfn.HistoryRequests, r => r.ExecutionArn == Parent && r.NextToken == "3");
        Assert.DoesNotContain(sfn.HistoryRequests, r => r.NextToken is { } t && int.Parse(t, System.Globalization.CultureInfo.InvariantCulture) % SteppedStepFunctions.PageSize != 0);
    }

    [Fact]
    public async Task FollowAsync_ExecutionOutlivesItsStateMachineTimeout_GivesUp()
    {
        var sfn = new SteppedStepFunctions();
        sfn.Add(Parent, Drift(), [.. Enumerable.Repeat(1, 100_000)], "{}"); // never ends within the bound
        var workflow = new EndpointWorkflow(sfn, ManualClock.AutoAdvancing());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => workflow.FollowAsync(SteppedStepFunctions.MachineArn, Parent, null, CancellationToken.None));
        Assert.Contains("still runs past its state machine's timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_Execution_SendsStopExecutionWithAnInterruptionCause()
    {
        var (sfn, workflow, _) = Setup();

        await workflow.StopAsync(Parent, "nob up was interrupted (Ctrl-C)");

        var stop = Assert.Single(sfn.Stops);
        Assert.Equal((Parent, "nob.Interrupted", "nob up was interrupted (Ctrl-C)"), (stop.ExecutionArn, stop.Error, stop.Cause));
    }

    [Fact]
    public async Task ExecutionRecord_FromFollowedHistories_TasksOfTheExecutionPayloadsOfNestedOnesToo()
    {
        var (_, workflow, _) = Setup();
        var outcome = await workflow.FollowAsync(SteppedStepFunctions.MachineArn, Parent, null, CancellationToken.None);

        var record = ExecutionRecord.Build(outcome, 123_456, "the local endpoint (nob cloud, pid 1): VmHWM");

        Assert.Equal("SUCCEEDED", (string?)record["status"]);
        Assert.Equal(2, (int?)record["stateTransitions"]);
        Assert.Equal(1, (int?)record["nestedStateTransitions"]); // the build's Validate
        Assert.Equal(0, (int?)record["retries"]);
        Assert.Equal(1, (int?)record["tasks"]!["CheckDriftFunction"]);
        Assert.Null(record["tasks"]!["ValidateFunction"]); // the nested build's task is billed to it, not to the check
        var payloads = ExecutionRecord.Payloads(record);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"networkName":"n"}"""), JsonNode.Parse(payloads["ValidateFunction"])));
        Assert.Equal(4.0, (double?)record["stateSeconds"]!["CheckNetwork"]); // entered at event 2, exited at 6 (a second apart each)
        Assert.Equal(123_456, (long?)record["peakWorkingSetBytes"]);
        Assert.Contains("local endpoint", (string?)record["peakWorkingSetOf"], StringComparison.Ordinal);
    }

    [Fact]
    public void ExecutionArnOf_JsonOutputOfUpOrDrift_ItsLocalExecutionArn()
    {
        Assert.Equal(Parent, ExecutionRecord.ExecutionArnOf($$$"""{"networkName":"n","local":{"executionArn":"{{{Parent}}}","stateTransitions":2}}"""));
        Assert.Throws<InvalidOperationException>(() => ExecutionRecord.ExecutionArnOf("""{"networkName":"n","local":{}}"""));
    }

    [Fact]
    public void PeakWorkingSetBytes_ThisProcess_ReadFromProcStatus()
    {
        var bytes = ExecutionRecord.PeakWorkingSetBytes(Environment.ProcessId);

        Assert.True(bytes > 1024 * 1024, $"VmHWM of this process read as {bytes} bytes");
        Assert.Equal(0, ExecutionRecord.PeakWorkingSetBytes(int.MaxValue));
    }
}
