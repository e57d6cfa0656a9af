using System.Globalization;
using System.Text;

namespace Nob.StepFunctions;

/// <summary>The history event types this runner records, named as Step Functions names them (GetExecutionHistory).</summary>
public static class HistoryEventTypes
{
    public const string ExecutionStarted = "ExecutionStarted";
    public const string ExecutionSucceeded = "ExecutionSucceeded";
    public const string ExecutionFailed = "ExecutionFailed";
    public const string ExecutionAborted = "ExecutionAborted";
    public const string ExecutionTimedOut = "ExecutionTimedOut";
    public const string TaskScheduled = "TaskScheduled";
    public const string TaskStarted = "TaskStarted";
    public const string TaskSucceeded = "TaskSucceeded";
    public const string TaskFailed = "TaskFailed";
    public const string MapStateStarted = "MapStateStarted";
    public const string MapStateSucceeded = "MapStateSucceeded";
    public const string MapStateFailed = "MapStateFailed";
    public const string MapIterationStarted = "MapIterationStarted";
    public const string MapIterationSucceeded = "MapIterationSucceeded";
    public const string MapIterationFailed = "MapIterationFailed";
    public const string MapIterationAborted = "MapIterationAborted";
    public const string ParallelStateStarted = "ParallelStateStarted";
    public const string ParallelStateSucceeded = "ParallelStateSucceeded";
    public const string ParallelStateFailed = "ParallelStateFailed";
    public const string ParallelStateAborted = "ParallelStateAborted";

    /// <summary>"TaskStateEntered", "MapStateEntered", … for a state type.</summary>
    public static string StateEntered(string stateType) => stateType + "StateEntered";

    /// <summary>"TaskStateExited", … (a Fail state never exits).</summary>
    public static string StateExited(string stateType) => stateType + "StateExited";
}

/// <summary>
/// One event of an execution's history, as Step Functions records it: ids in order, each pointing at the previous
/// event of the same thread of control (a Map iteration or Parallel branch is its own thread).
/// </summary>
public sealed record HistoryEvent
{
    public long Id { get; init; }
    public long? PreviousEventId { get; init; }
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>See <see cref="HistoryEventTypes"/>: ExecutionStarted, TaskStateEntered, TaskScheduled, MapIterationStarted, …</summary>
    public required string Type { get; init; }

    /// <summary>The state the event belongs to (the Map state for Map and iteration events).</summary>
    public string? StateName { get; init; }

    /// <summary>Where the state runs: "" at the top; "EnsureBrokers[1]" in iteration 1 of Map EnsureBrokers; "P#0" in branch 0 of Parallel P; nested with "/".</summary>
    public string Scope { get; init; } = "";

    /// <summary>The index of the innermost Map iteration the event happened in, if any.</summary>
    public int? MapIterationIndex { get; init; }

    /// <summary>State input (StateEntered), execution input, iteration input, or a task's parameters (TaskScheduled).</summary>
    public string? Input { get; init; }

    /// <summary>State output (StateExited), a task's result (TaskSucceeded), execution or iteration output.</summary>
    public string? Output { get; init; }

    public string? Error { get; init; }
    public string? Cause { get; init; }

    /// <summary>The execution the event belongs to: a nested execution (states:startExecution) has its own ARN.</summary>
    public string? ExecutionArn { get; init; }

    /// <summary>"lambda:invoke", "events:putEvents" or "states:startExecution.sync:2" (".sync") for task events.</summary>
    public string? Resource { get; init; }

    /// <summary>The function a task invoked.</summary>
    public string? FunctionName { get; init; }

    /// <summary>The number of items (MapStateStarted) or branches (ParallelStateStarted).</summary>
    public int? Length { get; init; }

    public bool IsStateEntered => Type.EndsWith("StateEntered", StringComparison.Ordinal);

    public bool IsStateExited => Type.EndsWith("StateExited", StringComparison.Ordinal);

    /// <summary>The state with its scope: "EnsureBrokers[1]/CreationCheck".</summary>
    public string? QualifiedStateName => StateName is null ? null : Scope.Length == 0 ? StateName : $"{Scope}/{StateName}";

    public override string ToString()
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"#{Id} {Type}");
        if (QualifiedStateName is { } name) sb.Append(CultureInfo.InvariantCulture, $" {name}");
        if (FunctionName is not null) sb.Append(CultureInfo.InvariantCulture, $" {FunctionName}");
        if (Error is not null || Cause is not null) sb.Append(CultureInfo.InvariantCulture, $" error={Error} cause={Cause}");
        return sb.ToString();
    }
}

/// <summary>How an execution ended, with its output or its error and cause, and its full history.</summary>
public sealed class ExecutionResult
{
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    /// <summary>The execution ran past its state machine's TimeoutSeconds.</summary>
    public const string TimedOut = "TIMED_OUT";

    public required string ExecutionArn { get; init; }
    public required string Name { get; init; }

    /// <summary><see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="TimedOut"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The execution's output JSON when it succeeded.</summary>
    public string? Output { get; init; }

    public string? Error { get; init; }
    public string? Cause { get; init; }
    public required DateTimeOffset StartDate { get; init; }
    public required DateTimeOffset StopDate { get; init; }
    public required IReadOnlyList<HistoryEvent> History { get; init; }

    /// <summary>How many times a Retry re-ran a state.</summary>
    public required int Retries { get; init; }

    /// <summary>
    /// The state transitions Step Functions (Standard) bills for this execution: one for every state entered, Map
    /// iterations' and Parallel branches' states included, plus one for every retry. Nested executions (states:startExecution)
    /// are billed as their own executions: see <see cref="ChildExecutions"/> and <see cref="TotalStateTransitions"/>.
    /// </summary>
    public int StateTransitions => History.Count(e => e.IsStateEntered) + Retries;

    /// <summary>This execution's transitions plus those of every nested execution, at any depth.</summary>
    public int TotalStateTransitions => StateTransitions + ChildExecutions.Sum(c => c.TotalStateTransitions);

    /// <summary>The state machine that ran.</summary>
    public string StateMachineArn { get; init; } = "";

    /// <summary>The execution's input JSON.</summary>
    public string Input { get; init; } = "{}";

    /// <summary>The events this execution's events:putEvents tasks put (accepted entries only), in order.</summary>
    public IReadOnlyList<PutEventsEntry> PutEvents { get; init; } = [];

    /// <summary>
    /// The executions its states:startExecution.sync(:2) tasks ran, in the order they ended (failed ones and retried ones
    /// included); each with its own history, transitions and children.
    /// </summary>
    public IReadOnlyList<ExecutionResult> ChildExecutions { get; init; } = [];

    public bool IsSucceeded => Status == Succeeded;

    /// <summary>Every failure on the way (failed tasks, iterations, branches, the execution), in order: why a run failed.</summary>
    public IReadOnlyList<HistoryEvent> Failures => [.. History.Where(e => e.Error is not null || e.Cause is not null || e.Type.EndsWith("Failed", StringComparison.Ordinal))];

    /// <summary>A readable account of the result: status, error and cause, and each failure with the state it happened in.</summary>
    public string Explain()
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Status} after {StateTransitions} state transitions");
        if (Error is not null || Cause is not null) sb.Append(CultureInfo.InvariantCulture, $": {Error}: {Cause}");
        foreach (var f in Failures) sb.AppendLine().Append("  ").Append(f);
        return sb.ToString();
    }
}
