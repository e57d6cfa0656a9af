using Amazon.Runtime;

namespace Nob.Aws.StepFunctions.Model;

// GetExecutionHistory and StopExecution (botocore stepfunctions/2016-11-23). Inputs, outputs, parameters, errors and
// causes are the model's SensitiveData / SensitiveError / SensitiveCause: no type here prints them.

/// <summary>GetExecutionHistory: one page of an execution's events, oldest first unless <see cref="ReverseOrder"/>.</summary>
public sealed class GetExecutionHistoryRequest : AmazonStepFunctionsRequest
{
    public required string ExecutionArn { get; init; }

    /// <summary><c>maxResults</c>: 0–1000 (0 = the service's default of 100).</summary>
    public int? MaxResults { get; init; }

    public bool? ReverseOrder { get; init; }

    public string? NextToken { get; init; }

    /// <summary>False leaves out input, output, parameters (and, on AWS, errors and causes stay).</summary>
    public bool? IncludeExecutionData { get; init; }

    public override string ToString() => $"GetExecutionHistory {ExecutionArn}";
}

public sealed class GetExecutionHistoryResponse : AmazonWebServiceResponse
{
    public IReadOnlyList<HistoryEvent> Events { get; init; } = [];

    public string? NextToken { get; init; }
}

/// <summary>
/// One history event. <see cref="PreviousEventId"/> names the previous event of the same thread of control (inside a Map
/// iteration, the iteration's own chain, which starts at its <c>MapIterationStarted</c>). Only the details of the event's
/// <see cref="Type"/> are set.
/// </summary>
public sealed class HistoryEvent
{
    public long Id { get; init; }

    public long? PreviousEventId { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The model's <c>HistoryEventType</c>: ExecutionStarted, TaskStateEntered, TaskScheduled, MapIterationStarted, …</summary>
    public string? Type { get; init; }

    public ExecutionStartedEventDetails? ExecutionStartedEventDetails { get; init; }

    public ExecutionSucceededEventDetails? ExecutionSucceededEventDetails { get; init; }

    public ErrorEventDetails? ExecutionFailedEventDetails { get; init; }

    public ErrorEventDetails? ExecutionAbortedEventDetails { get; init; }

    public ErrorEventDetails? ExecutionTimedOutEventDetails { get; init; }

    public StateEnteredEventDetails? StateEnteredEventDetails { get; init; }

    public StateExitedEventDetails? StateExitedEventDetails { get; init; }

    public TaskScheduledEventDetails? TaskScheduledEventDetails { get; init; }

    public TaskResourceEventDetails? TaskStartedEventDetails { get; init; }

    public TaskOutputEventDetails? TaskSubmittedEventDetails { get; init; }

    public TaskOutputEventDetails? TaskSucceededEventDetails { get; init; }

    public TaskErrorEventDetails? TaskFailedEventDetails { get; init; }

    public TaskErrorEventDetails? TaskTimedOutEventDetails { get; init; }

    public MapStateStartedEventDetails? MapStateStartedEventDetails { get; init; }

    public MapIterationEventDetails? MapIterationStartedEventDetails { get; init; }

    public MapIterationEventDetails? MapIterationSucceededEventDetails { get; init; }

    public MapIterationEventDetails? MapIterationFailedEventDetails { get; init; }

    public MapIterationEventDetails? MapIterationAbortedEventDetails { get; init; }

    public override string ToString() => $"#{Id} {Type}";
}

/// <summary><c>executionStartedEventDetails</c>.</summary>
public sealed class ExecutionStartedEventDetails
{
    public string? Input { get; init; }

    public string? RoleArn { get; init; }
}

/// <summary><c>executionSucceededEventDetails</c>.</summary>
public sealed class ExecutionSucceededEventDetails
{
    public string? Output { get; init; }
}

/// <summary><c>executionFailedEventDetails</c>, <c>executionAbortedEventDetails</c>, <c>executionTimedOutEventDetails</c>.</summary>
public sealed class ErrorEventDetails
{
    public string? Error { get; init; }

    public string? Cause { get; init; }
}

/// <summary><c>stateEnteredEventDetails</c>.</summary>
public sealed class StateEnteredEventDetails
{
    public string? Name { get; init; }

    public string? Input { get; init; }
}

/// <summary><c>stateExitedEventDetails</c>.</summary>
public sealed class StateExitedEventDetails
{
    public string? Name { get; init; }

    public string? Output { get; init; }
}

/// <summary><c>taskScheduledEventDetails</c>: the integration (<c>resourceType</c> "lambda", <c>resource</c> "invoke") and its parameters.</summary>
public sealed class TaskScheduledEventDetails
{
    public string? ResourceType { get; init; }

    public string? Resource { get; init; }

    public string? Region { get; init; }

    /// <summary>The task's parameters as JSON text.</summary>
    public string? Parameters { get; init; }

    public long? TimeoutInSeconds { get; init; }

    public long? HeartbeatInSeconds { get; init; }
}

/// <summary><c>taskStartedEventDetails</c>.</summary>
public sealed class TaskResourceEventDetails
{
    public string? ResourceType { get; init; }

    public string? Resource { get; init; }
}

/// <summary><c>taskSucceededEventDetails</c>, <c>taskSubmittedEventDetails</c>.</summary>
public sealed class TaskOutputEventDetails
{
    public string? ResourceType { get; init; }

    public string? Resource { get; init; }

    public string? Output { get; init; }
}

/// <summary><c>taskFailedEventDetails</c>, <c>taskTimedOutEventDetails</c>.</summary>
public sealed class TaskErrorEventDetails
{
    public string? ResourceType { get; init; }

    public string? Resource { get; init; }

    public string? Error { get; init; }

    public string? Cause { get; init; }
}

/// <summary><c>mapStateStartedEventDetails</c>.</summary>
public sealed class MapStateStartedEventDetails
{
    /// <summary>The number of iterations.</summary>
    public int? Length { get; init; }
}

/// <summary><c>mapIteration{Started,Succeeded,Failed,Aborted}EventDetails</c>: the Map state's name and the iteration's index.</summary>
public sealed class MapIterationEventDetails
{
    public string? Name { get; init; }

    public int? Index { get; init; }
}

/// <summary>StopExecution: the execution ends ABORTED with this error and cause.</summary>
public sealed class StopExecutionRequest : AmazonStepFunctionsRequest
{
    public required string ExecutionArn { get; init; }

    public string? Error { get; init; }

    public string? Cause { get; init; }

    public override string ToString() => $"StopExecution {ExecutionArn}";
}

public sealed class StopExecutionResponse : AmazonWebServiceResponse
{
    public DateTimeOffset? StopDate { get; init; }
}

/// <summary>The <c>HistoryEventType</c> values this project reads.</summary>
public static class HistoryEventTypes
{
    public const string ExecutionStarted = "ExecutionStarted";
    public const string ExecutionSucceeded = "ExecutionSucceeded";
    public const string ExecutionFailed = "ExecutionFailed";
    public const string ExecutionAborted = "ExecutionAborted";
    public const string ExecutionTimedOut = "ExecutionTimedOut";
    public const string TaskStateEntered = "TaskStateEntered";
    public const string TaskScheduled = "TaskScheduled";
    public const string TaskSubmitted = "TaskSubmitted";
    public const string TaskSucceeded = "TaskSucceeded";
    public const string TaskFailed = "TaskFailed";
    public const string MapStateStarted = "MapStateStarted";
    public const string MapIterationStarted = "MapIterationStarted";
    public const string MapIterationSucceeded = "MapIterationSucceeded";
    public const string MapIterationFailed = "MapIterationFailed";
    public const string MapIterationAborted = "MapIterationAborted";

    /// <summary>"TaskStateEntered", "MapStateEntered", …: every state entered (what Step Functions bills, with retries).</summary>
    public static bool IsStateEntered(string? type) => type?.EndsWith("StateEntered", StringComparison.Ordinal) == true;

    public static bool IsStateExited(string? type) => type?.EndsWith("StateExited", StringComparison.Ordinal) == true;

    /// <summary>The events that end an execution.</summary>
    public static bool EndsExecution(string? type) => type is ExecutionSucceeded or ExecutionFailed or ExecutionAborted or ExecutionTimedOut;

    /// <summary>The events that end a Map iteration (its thread of control).</summary>
    public static bool EndsIteration(string? type) => type is MapIterationSucceeded or MapIterationFailed or MapIterationAborted;
}
