namespace Nob.Core.Api;

/// <summary>Executions of a state machine (Step Functions on AWS).</summary>
public interface IWorkflowExecutions
{
    /// <summary>
    /// Starts an execution named <paramref name="name"/> with <paramref name="inputJson"/>. Starting again with the same name
    /// and input while that execution runs returns the same execution (no second one starts).
    /// </summary>
    /// <exception cref="ExecutionNameTakenException">The name belongs to a closed execution, or to a running one with other input.</exception>
    Task<StartedExecution> StartAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken);

    /// <summary>One page of the state machine's executions, newest first; <see cref="ExecutionPage.NextToken"/> is null on the last page.</summary>
    Task<ExecutionPage> ListAsync(string stateMachineArn, string? nextToken, int pageSize, CancellationToken cancellationToken);

    /// <summary>One execution's status, dates, output or error; null when no such execution exists (or it is past the history's retention).</summary>
    Task<ExecutionDetails?> DescribeAsync(string executionArn, CancellationToken cancellationToken);
}

public sealed record StartedExecution(string ExecutionArn, DateTimeOffset StartDate);

/// <param name="Status">RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (or PENDING_REDRIVE), as the workflow service says.</param>
public sealed record WorkflowExecution(string Name, string ExecutionArn, string Status, DateTimeOffset StartDate, DateTimeOffset? StopDate);

/// <summary>What DescribeExecution says of one execution. <paramref name="Input"/> and <paramref name="Output"/> are JSON text (null when absent).</summary>
public sealed record ExecutionDetails(
    string Name,
    string ExecutionArn,
    string StateMachineArn,
    string Status,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    string? Input,
    string? Output,
    string? Error,
    string? Cause);

public sealed record ExecutionPage(IReadOnlyList<WorkflowExecution> Executions, string? NextToken);

/// <summary>The execution name is used by a closed execution, or by a running one with other input.</summary>
public sealed class ExecutionNameTakenException(string executionName, Exception? innerException = null)
    : Exception($"the execution name \"{executionName}\" is taken by a closed execution or one with other input", innerException)
{
    public string ExecutionName { get; } = executionName;
}
