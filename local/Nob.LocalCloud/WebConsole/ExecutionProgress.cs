using System.Text.Json.Nodes;

namespace Nob.LocalCloud.WebConsole;

/// <summary>How a state stands in an execution: the CSS class its graph node gets.</summary>
public static class StateStatus
{
    public const string NotReached = "not-reached";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>It failed, and a Catch took the execution on from it.</summary>
    public const string Caught = "caught";
}

/// <summary>A Map state's iterations so far: started, succeeded, failed (and the item count MapStateStarted gave).</summary>
public sealed record MapIterations(int Started, int Succeeded, int Failed, int Items);

/// <summary>
/// Each state's status and each Map's iterations, read from an execution's history (GetExecutionHistory's shape). A state
/// counts as running while it was entered more often than exited; once every visit exited it succeeded, or was caught
/// when its last outcome was a failure (a Catch exits the state after the failure); a state still entered when the
/// execution ended failed. A failure belongs to the state its thread (previousEventId) was last entered in, so a Map's
/// failure is the Map's and a failure in an iteration is the inner state's.
/// </summary>
public sealed class ExecutionProgress
{
    private ExecutionProgress(IReadOnlyDictionary<string, string> states, IReadOnlyDictionary<string, MapIterations> iterations)
    {
        States = states;
        Iterations = iterations;
    }

    /// <summary>Status by state name, for every state the history names (others are <see cref="StateStatus.NotReached"/>).</summary>
    public IReadOnlyDictionary<string, string> States { get; }

    public IReadOnlyDictionary<string, MapIterations> Iterations { get; }

    public string StatusOf(string state) => States.GetValueOrDefault(state, StateStatus.NotReached);

    public static ExecutionProgress From(IReadOnlyList<JsonObject> history, bool executionRunning)
    {
        var byId = new Dictionary<long, JsonObject>();
        var entered = new Dictionary<string, int>(StringComparer.Ordinal);
        var exited = new Dictionary<string, int>(StringComparer.Ordinal);
        var lastFailed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var iterations = new Dictionary<string, MapIterations>(StringComparer.Ordinal);
        foreach (var e in history)
        {
            var id = Number(e["id"]);
            byId[id] = e;
            var type = e["type"]?.GetValue<string>() ?? "";
            if (type.EndsWith("StateEntered", StringComparison.Ordinal) && Name(e, "stateEnteredEventDetails") is { } enteredName)
            {
                entered[enteredName] = entered.GetValueOrDefault(enteredName) + 1;
            }
            else if (type.EndsWith("StateExited", StringComparison.Ordinal) && Name(e, "stateExitedEventDetails") is { } exitedName)
            {
                exited[exitedName] = exited.GetValueOrDefault(exitedName) + 1;
            }
            else if (type is "TaskFailed" or "MapStateFailed" or "ParallelStateFailed" or "TaskTimedOut" && Owner(e, byId) is { } failed)
            {
                lastFailed[failed] = true;
            }
            else if (type is "TaskSucceeded" or "MapStateSucceeded" or "ParallelStateSucceeded" && Owner(e, byId) is { } succeeded)
            {
                lastFailed[succeeded] = false;
            }

            if (type.StartsWith("MapIteration", StringComparison.Ordinal) && Name(e, type[0..1].ToLowerInvariant() + type[1..] + "EventDetails") is { } map)
            {
                var now = iterations.GetValueOrDefault(map, new MapIterations(0, 0, 0, 0));
                iterations[map] = type switch
                {
                    "MapIterationStarted" => now with { Started = now.Started + 1 },
                    "MapIterationSucceeded" => now with { Succeeded = now.Succeeded + 1 },
                    "MapIterationFailed" => now with { Failed = now.Failed + 1 },
                    _ => now,
                };
            }
            else if (type == "MapStateStarted" && Owner(e, byId) is { } started)
            {
                var now = iterations.GetValueOrDefault(started, new MapIterations(0, 0, 0, 0));
                iterations[started] = now with { Items = now.Items + (int)Number(e["mapStateStartedEventDetails"]?["length"]) };
            }
        }

        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, times) in entered)
        {
            var left = exited.GetValueOrDefault(name);
            states[name] = times > left
                ? executionRunning ? StateStatus.Running : StateStatus.Failed
                : lastFailed.GetValueOrDefault(name) ? StateStatus.Caught : StateStatus.Succeeded;
        }

        return new ExecutionProgress(states, iterations);
    }

    /// <summary>A number member, however the node holds it (parsed from a file, or made in memory as int or long).</summary>
    internal static long Number(JsonNode? node) =>
        node is null ? 0 : long.Parse(node.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);

    private static string? Name(JsonObject e, string details) => e[details]?["name"]?.GetValue<string>();

    /// <summary>The state the event's thread last entered (walking previousEventId back, bounded by the history's length).</summary>
    private static string? Owner(JsonObject e, Dictionary<long, JsonObject> byId)
    {
        var current = e;
        for (var step = 0; step <= byId.Count; step++)
        {
            var previous = Number(current["previousEventId"]);
            if (!byId.TryGetValue(previous, out var before) || previous == 0)
            {
                return null;
            }

            if ((before["type"]?.GetValue<string>() ?? "").EndsWith("StateEntered", StringComparison.Ordinal))
            {
                return Name(before, "stateEnteredEventDetails");
            }

            current = before;
        }

        return null;
    }
}
