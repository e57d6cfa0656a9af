using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Cli.Local.Workflow;

/// <summary>
/// One execution's events as GetExecutionHistory gives them (AWS's shape: no scope, no state name on task events),
/// indexed by their <c>previousEventId</c> chains: for each event, the state it belongs to (the StateEntered its chain
/// leads back to) and the innermost Map iteration it runs in (the MapIterationStarted its chain leads back to; an
/// iteration's end event closes it, so what follows is in the enclosing scope again). Events are added in id order.
/// </summary>
public sealed class ExecutionHistory(string executionArn)
{
    sealed record Node(HistoryEvent Event, HistoryEvent? Iteration, HistoryEvent? Entered);

    readonly List<HistoryEvent> events = [];
    readonly Dictionary<long, Node> nodes = [];

    public string ExecutionArn { get; } = executionArn;

    public IReadOnlyList<HistoryEvent> Events => events;

    /// <summary>Whether the history holds the event that ends the execution.</summary>
    public bool HasEnded => events.Any(e => HistoryEventTypes.EndsExecution(e.Type));

    public long LastEventId => events.Count == 0 ? 0 : events[^1].Id;

    /// <summary>Adds the next event (ids only grow; one seen before is ignored). An unknown previous event counts as the top.</summary>
    public bool Add(HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (nodes.ContainsKey(e.Id) || e.Id <= LastEventId) return false;
        HistoryEvent? iteration = null, entered = null;
        if (e.PreviousEventId is { } previousId && nodes.TryGetValue(previousId, out var previous))
        {
            if (HistoryEventTypes.EndsIteration(previous.Event.Type) && previous.Iteration is { } closed && nodes.TryGetValue(closed.Id, out var start))
                (iteration, entered) = (start.Iteration, start.Entered); // back in the Map's own thread
            else if (previous.Event.Type == HistoryEventTypes.MapIterationStarted)
                (iteration, entered) = (previous.Event, previous.Entered);
            else
                (iteration, entered) = (previous.Iteration, previous.Entered);
        }
        if (HistoryEventTypes.IsStateEntered(e.Type)) entered = e;
        nodes[e.Id] = new Node(e, iteration, entered);
        events.Add(e);
        return true;
    }

    /// <summary>The StateEntered event of the state <paramref name="e"/> belongs to (itself for a StateEntered).</summary>
    public HistoryEvent? EnteredOf(HistoryEvent e) => nodes.TryGetValue(e.Id, out var node) ? node.Entered : null;

    /// <summary>The MapIterationStarted of the innermost iteration <paramref name="e"/> runs in; null at the top.</summary>
    public HistoryEvent? IterationOf(HistoryEvent e) => nodes.TryGetValue(e.Id, out var node) ? node.Iteration : null;

    /// <summary>The index of the innermost Map iteration the event runs in.</summary>
    public int? IterationIndexOf(HistoryEvent e) => IterationOf(e)?.MapIterationStartedEventDetails?.Index;

    /// <summary>The state's name: from the event's own details, else from the state entered its chain leads back to; none for execution events.</summary>
    public string? StateNameOf(HistoryEvent e) =>
        e.Type?.StartsWith("Execution", StringComparison.Ordinal) == true ? null
        : e.StateEnteredEventDetails?.Name ?? e.StateExitedEventDetails?.Name
        ?? (e.MapIterationStartedEventDetails ?? e.MapIterationSucceededEventDetails ?? e.MapIterationFailedEventDetails ?? e.MapIterationAbortedEventDetails)?.Name
        ?? EnteredOf(e)?.StateEnteredEventDetails?.Name;

    /// <summary>Where the event runs: "" at the top; "EnsureBrokers[1]" in iteration 1 of Map EnsureBrokers; nested with "/".</summary>
    public string ScopeOf(HistoryEvent e)
    {
        var parts = new List<string>();
        for (var iteration = IterationOf(e); iteration is not null && parts.Count < 100; iteration = IterationOf(iteration))
            parts.Add($"{iteration.MapIterationStartedEventDetails?.Name}[{iteration.MapIterationStartedEventDetails?.Index}]");
        parts.Reverse();
        return string.Join('/', parts);
    }

    /// <summary>
    /// How many times a Retry re-ran a task: for each task state entered, the TaskScheduled events beyond the first
    /// (each attempt schedules the task once).
    /// </summary>
    public int Retries => events.Where(e => e.Type == HistoryEventTypes.TaskScheduled)
        .GroupBy(e => EnteredOf(e)?.Id ?? -e.Id).Sum(g => g.Count() - 1);

    /// <summary>
    /// The state transitions Step Functions (Standard) bills for this execution, as the local runner counts them: one for
    /// every state entered (in Map iterations too) plus one for every retry. Nested executions are billed on their own.
    /// </summary>
    public int StateTransitions => events.Count(e => HistoryEventTypes.IsStateEntered(e.Type)) + Retries;

    /// <summary>The error and cause an event carries (execution or task failure details), if any.</summary>
    public static (string? Error, string? Cause)? FailureOf(HistoryEvent e) =>
        (e.ExecutionFailedEventDetails ?? e.ExecutionAbortedEventDetails ?? e.ExecutionTimedOutEventDetails) is { } x ? (x.Error, x.Cause)
        : (e.TaskFailedEventDetails ?? e.TaskTimedOutEventDetails) is { } t ? (t.Error, t.Cause)
        : null;

    /// <summary>The function a task event's state invoked (from its TaskScheduled parameters), if it is a Lambda task.</summary>
    public string? FunctionNameOf(HistoryEvent e)
    {
        var scheduled = e.Type == HistoryEventTypes.TaskScheduled ? e
            : events.LastOrDefault(s => s.Type == HistoryEventTypes.TaskScheduled && s.Id < e.Id && EnteredOf(s)?.Id == EnteredOf(e)?.Id);
        return scheduled?.TaskScheduledEventDetails is { ResourceType: "lambda", Parameters: { } parameters } ? Json.StringAt(parameters, "FunctionName") : null;
    }

    /// <summary>Every failure on the way (failed tasks, iterations, the execution), in order.</summary>
    public IReadOnlyList<HistoryEvent> Failures =>
        [.. events.Where(e => FailureOf(e) is not null || e.Type?.EndsWith("Failed", StringComparison.Ordinal) == true)];

    /// <summary>"#12 TaskFailed EnsureBrokers[1]/EnsureBroker arn:…:function:F error=… cause=…", as the local runner wrote its events.</summary>
    public string Describe(HistoryEvent e)
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"#{e.Id} {e.Type}");
        if (StateNameOf(e) is { } name)
        {
            var scope = ScopeOf(e);
            sb.Append(' ').Append(scope.Length == 0 ? name : $"{scope}/{name}");
        }
        if (e.Type?.StartsWith("Task", StringComparison.Ordinal) == true && FunctionNameOf(e) is { } function) sb.Append(' ').Append(function);
        if (FailureOf(e) is var (error, cause) && (error is not null || cause is not null)) sb.Append(CultureInfo.InvariantCulture, $" error={error} cause={cause}");
        return sb.ToString();
    }

    static class Json
    {
        public static string? StringAt(string json, string name)
        {
            try
            {
                return JsonNode.Parse(json)?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }
}
