using System.Globalization;
using System.Text;

namespace Nob.Cli.Local.Workflow;

/// <summary>
/// How an execution on the endpoint ended (DescribeExecution's status, output or error and cause) with its history and
/// the histories of the executions it started (states:startExecution.sync tasks), at any depth.
/// </summary>
public sealed class ExecutionOutcome
{
    public const string Succeeded = "SUCCEEDED";

    public required string ExecutionArn { get; init; }

    /// <summary>SUCCEEDED, FAILED, TIMED_OUT or ABORTED.</summary>
    public required string Status { get; init; }

    public string? Output { get; init; }

    public string? Error { get; init; }

    public string? Cause { get; init; }

    public required DateTimeOffset StartDate { get; init; }

    public required DateTimeOffset StopDate { get; init; }

    public required ExecutionHistory History { get; init; }

    /// <summary>The nested executions' histories, in the order they were found.</summary>
    public IReadOnlyList<ExecutionHistory> Children { get; init; } = [];

    public bool IsSucceeded => Status == Succeeded;

    /// <summary>This execution's billed transitions (nested executions are billed on their own).</summary>
    public int StateTransitions => History.StateTransitions;

    /// <summary>A readable account of the result: status, error and cause, and each failure with the state it happened in.</summary>
    public string Explain()
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Status} after {StateTransitions} state transitions");
        if (Error is not null || Cause is not null) sb.Append(CultureInfo.InvariantCulture, $": {Error}: {Cause}");
        foreach (var f in History.Failures) sb.AppendLine().Append("  ").Append(History.Describe(f));
        return sb.ToString();
    }
}
