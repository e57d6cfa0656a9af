using System.Text.Json.Nodes;
using Nob.StepFunctions;

namespace Nob.LocalCloud.States;

/// <summary>A state machine of the template as the endpoint serves it.</summary>
internal sealed record HostedMachine(StateMachineResource Resource, LocalStateMachine Runner, string RoleArn, DateTimeOffset CreationDate, string Definition);

/// <summary>An execution while it runs: its record, its events so far and its history file open for appending.</summary>
internal sealed class LiveExecution(ExecutionRecord record, FileStream history, HostedMachine machine)
{
    public ExecutionRecord Record { get; } = record;

    public HostedMachine Machine { get; } = machine;

    public FileStream History { get; } = history;

    public List<JsonObject> Events { get; } = [];

    public long LastEventId { get; set; }

    /// <summary>The input StartExecution was given; null for a nested execution (its input is the task's).</summary>
    public string? CallerInput { get; init; }

    /// <summary>Cancels the run; null for a nested execution, which runs (and stops) with its parent.</summary>
    public CancellationTokenSource? Cancel { get; init; }

    public Task? Run { get; set; }

    public bool StopRequested { get; set; }

    public string? StopError { get; set; }

    public string? StopCause { get; set; }

    public void Close() => History.Dispose();
}
