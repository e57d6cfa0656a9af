using System.Text.Json.Nodes;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using SamTemplate = Nob.StepFunctions.SamTemplate;

namespace Nob.Cli.Local.Workflow;

/// <summary>
/// The state machines of template.yaml as the local endpoint runs them, through its Step Functions API (the same calls an
/// AWS CLI user makes): StartExecution, progress from GetExecutionHistory (polled a few times a second, following nested
/// executions), the result from DescribeExecution, StopExecution on interruption.
/// </summary>
public sealed class EndpointWorkflow(IAmazonStepFunctionsClient sfn, TimeProvider time)
{
    /// <summary>How often a running execution's history is read.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Past the state machine's own TimeoutSeconds, how long the CLI still waits for the endpoint to end it.</summary>
    static readonly TimeSpan EndGrace = TimeSpan.FromMinutes(5);

    /// <summary>A history page's size: small, since the last page is read again until it has a successor.</summary>
    const int PageSize = 100;

    /// <summary>
    /// The ARN the endpoint gives the template's state machine <paramref name="logicalId"/>: ListStateMachines, matched by
    /// the name the template gives it (its <c>Name</c>, else the logical id, which CloudFormation's generated names
    /// start with after the stack name). The endpoint owns account and naming; the CLI does not repeat the scheme.
    /// </summary>
    public async Task<string> StateMachineArnAsync(string templatePath, string logicalId, string region, CancellationToken cancellationToken)
    {
        var name = SamTemplate.Load(templatePath, region).StateMachines[logicalId].Name;
        var machines = await sfn.ListAllStateMachinesAsync(cancellationToken: cancellationToken);
        var match = machines.FirstOrDefault(m => m.Name == name)
            ?? machines.SingleOrDefault(m => m.Name?.Contains($"-{logicalId}-", StringComparison.Ordinal) == true || m.Name?.StartsWith($"{logicalId}-", StringComparison.Ordinal) == true);
        return match?.StateMachineArn ?? throw new InvalidOperationException(
            $"the local endpoint has no state machine {name} (it lists {(machines.Count == 0 ? "none" : string.Join(", ", machines.Select(m => m.Name)))}); was it started by an older nob? Stop it with ./nob down and try again");
    }

    public async Task<string> StartAsync(string stateMachineArn, string name, string input, CancellationToken cancellationToken)
    {
        var started = await sfn.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = stateMachineArn, Name = name, Input = input }, cancellationToken);
        return started.ExecutionArn ?? throw new InvalidOperationException("StartExecution returned no executionArn");
    }

    /// <summary>Ends a running execution ABORTED (one that ended already stays as it ended).</summary>
    public async Task StopAsync(string executionArn, string cause)
    {
        try
        {
            await sfn.StopExecutionAsync(new StopExecutionRequest { ExecutionArn = executionArn, Error = "nob.Interrupted", Cause = cause }, CancellationToken.None);
        }
        catch (ExecutionDoesNotExistException)
        {
        }
    }

    /// <summary>
    /// Follows an execution to its end: every new event of it and of the executions it starts goes to
    /// <paramref name="onEvent"/> in id order per execution; then DescribeExecution's result. Bounded by the state
    /// machine's TimeoutSeconds (from DescribeStateMachine) plus a grace for the endpoint to end it.
    /// </summary>
    public async Task<ExecutionOutcome> FollowAsync(string stateMachineArn, string executionArn, Action<ExecutionHistory, HistoryEvent>? onEvent, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + await BoundAsync(stateMachineArn, cancellationToken);
        var top = new Followed(new ExecutionHistory(executionArn));
        var followed = new List<Followed> { top };
        while (true)
        {
            var description = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = executionArn }, cancellationToken);
            var ended = description.Status is not (null or ExecutionStatuses.Running);
            // Children found while reading are read in the same round (a finished child's history is complete at once).
            for (var i = 0; i < followed.Count; i++)
                if (!followed[i].History.HasEnded) await ReadNewAsync(followed[i], followed, onEvent, cancellationToken);
            // Ended, but its end event not read yet: read again (briefly), so the history and progress are complete.
            for (var retry = 0; ended && !top.History.HasEnded && retry < 20; retry++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
                await ReadNewAsync(top, followed, onEvent, cancellationToken);
            }
            if (ended)
                return new ExecutionOutcome
                {
                    ExecutionArn = executionArn, Status = description.Status!, Output = description.Output, Error = description.Error, Cause = description.Cause,
                    StartDate = description.StartDate ?? time.GetUtcNow(), StopDate = description.StopDate ?? time.GetUtcNow(),
                    History = top.History, Children = [.. followed.Skip(1).Select(f => f.History)],
                };
            if (time.GetUtcNow() > deadline)
                throw new InvalidOperationException($"{executionArn} still runs past its state machine's timeout; the local endpoint did not end it (see its log)");
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    async Task<TimeSpan> BoundAsync(string stateMachineArn, CancellationToken cancellationToken)
    {
        var machine = await sfn.DescribeStateMachineAsync(new DescribeStateMachineRequest { StateMachineArn = stateMachineArn }, cancellationToken);
        var seconds = machine.Definition is { } definition && JsonNode.Parse(definition)?["TimeoutSeconds"] is JsonValue v && v.TryGetValue<int>(out var s) ? s : 86_400;
        return TimeSpan.FromSeconds(seconds) + EndGrace;
    }

    sealed class Followed(ExecutionHistory history)
    {
        public ExecutionHistory History { get; } = history;

        /// <summary>The token of the page being read (null: the first); kept at the last page until it has a successor.</summary>
        public string? PageToken { get; set; }
    }

    /// <summary>Reads the events added since the last read (bounded: at most 300 pages a round).</summary>
    async Task ReadNewAsync(Followed f, List<Followed> followed, Action<ExecutionHistory, HistoryEvent>? onEvent, CancellationToken cancellationToken)
    {
        for (var page = 0; page < 300; page++)
        {
            var response = await sfn.GetExecutionHistoryAsync(
                new GetExecutionHistoryRequest { ExecutionArn = f.History.ExecutionArn, MaxResults = PageSize, NextToken = f.PageToken }, cancellationToken);
            foreach (var e in response.Events)
            {
                if (!f.History.Add(e)) continue;
                onEvent?.Invoke(f.History, e);
                if (NestedExecutionArn(e) is { } child && followed.All(x => x.History.ExecutionArn != child))
                    followed.Add(new Followed(new ExecutionHistory(child)));
            }
            // No successor page (yet), or one that would repeat this one: read this page again next round.
            if (string.IsNullOrEmpty(response.NextToken) || response.NextToken == f.PageToken || response.Events.Count == 0) return;
            f.PageToken = response.NextToken;
        }
    }

    /// <summary>
    /// The execution a states:startExecution task started, from its events' output (TaskSubmitted, TaskSucceeded: the
    /// DescribeExecution-shaped result) or a failed child's description in the TaskFailed cause.
    /// </summary>
    public static string? NestedExecutionArn(HistoryEvent e)
    {
        var (resourceType, text) = e.Type switch
        {
            HistoryEventTypes.TaskSubmitted => (e.TaskSubmittedEventDetails?.ResourceType, e.TaskSubmittedEventDetails?.Output),
            HistoryEventTypes.TaskSucceeded => (e.TaskSucceededEventDetails?.ResourceType, e.TaskSucceededEventDetails?.Output),
            HistoryEventTypes.TaskFailed => (e.TaskFailedEventDetails?.ResourceType, e.TaskFailedEventDetails?.Cause),
            _ => (null, null),
        };
        if (resourceType != "states" || text is null) return null;
        try
        {
            return JsonNode.Parse(text) is JsonObject o && o["ExecutionArn"] is JsonValue v && v.TryGetValue<string>(out var arn) && arn.Contains(":execution:", StringComparison.Ordinal) ? arn : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
