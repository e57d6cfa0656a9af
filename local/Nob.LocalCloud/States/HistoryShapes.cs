using System.Text.Json.Nodes;
using Nob.StepFunctions;

namespace Nob.LocalCloud.States;

/// <summary>
/// The runner's <see cref="HistoryEvent"/> in GetExecutionHistory's shape (botocore's <c>HistoryEvent</c>): id,
/// previousEventId, timestamp (epoch seconds), type, and the <c>…EventDetails</c> member its type has. Events are kept
/// with their execution data; <see cref="WithoutExecutionData"/> removes it for <c>includeExecutionData: false</c>.
/// </summary>
internal static class HistoryShapes
{
    private static readonly string[] DataMembers = ["input", "output"];

    public static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    public static JsonObject ToAws(HistoryEvent e, string region, string roleArn)
    {
        var shaped = new JsonObject
        {
            ["id"] = e.Id,
            ["previousEventId"] = e.PreviousEventId ?? 0,
            ["timestamp"] = Seconds(e.Timestamp),
            ["type"] = e.Type,
        };
        if (Details(e, region, roleArn) is var (member, details))
        {
            shaped[member] = details;
        }

        return shaped;
    }

    /// <summary>The failure this endpoint records for an execution it could not finish (Local.EndpointStopped).</summary>
    public static JsonObject ExecutionFailed(long id, long previousEventId, DateTimeOffset timestamp, string error, string cause) => new()
    {
        ["id"] = id,
        ["previousEventId"] = previousEventId,
        ["timestamp"] = Seconds(timestamp),
        ["type"] = HistoryEventTypes.ExecutionFailed,
        ["executionFailedEventDetails"] = new JsonObject { ["error"] = error, ["cause"] = cause },
    };

    public static JsonObject WithoutExecutionData(JsonObject shaped)
    {
        var copy = (JsonObject)shaped.DeepClone();
        foreach (var (name, value) in copy)
        {
            if (name.EndsWith("EventDetails", StringComparison.Ordinal) && value is JsonObject details)
            {
                foreach (var member in DataMembers)
                {
                    details.Remove(member);
                }
            }
        }

        return copy;
    }

    private static (string Member, JsonObject Details)? Details(HistoryEvent e, string region, string roleArn)
    {
        if (e.IsStateEntered)
        {
            return ("stateEnteredEventDetails", WithData(new JsonObject { ["name"] = e.StateName }, "input", e.Input));
        }

        if (e.IsStateExited)
        {
            return ("stateExitedEventDetails", WithData(new JsonObject { ["name"] = e.StateName }, "output", e.Output));
        }

        var (resourceType, resource) = SplitResource(e.Resource);
        return e.Type switch
        {
            HistoryEventTypes.ExecutionStarted => ("executionStartedEventDetails", WithData(new JsonObject(), "input", e.Input, ("roleArn", roleArn))),
            HistoryEventTypes.ExecutionSucceeded => ("executionSucceededEventDetails", WithData(new JsonObject(), "output", e.Output)),
            HistoryEventTypes.ExecutionFailed => ("executionFailedEventDetails", ErrorAndCause(new JsonObject(), e)),
            HistoryEventTypes.ExecutionAborted => ("executionAbortedEventDetails", ErrorAndCause(new JsonObject(), e)),
            HistoryEventTypes.ExecutionTimedOut => ("executionTimedOutEventDetails", ErrorAndCause(new JsonObject(), e)),
            HistoryEventTypes.TaskScheduled => ("taskScheduledEventDetails", new JsonObject
            {
                ["resourceType"] = resourceType, ["resource"] = resource, ["region"] = region, ["parameters"] = e.Input ?? "{}",
            }),
            HistoryEventTypes.TaskStarted => ("taskStartedEventDetails", new JsonObject { ["resourceType"] = resourceType, ["resource"] = resource }),
            HistoryEventTypes.TaskSucceeded => ("taskSucceededEventDetails",
                WithData(new JsonObject { ["resourceType"] = resourceType, ["resource"] = resource }, "output", e.Output)),
            HistoryEventTypes.TaskFailed => ("taskFailedEventDetails", ErrorAndCause(new JsonObject { ["resourceType"] = resourceType, ["resource"] = resource }, e)),
            HistoryEventTypes.MapStateStarted => ("mapStateStartedEventDetails", new JsonObject { ["length"] = e.Length ?? 0 }),
            HistoryEventTypes.MapIterationStarted => ("mapIterationStartedEventDetails", Iteration(e)),
            HistoryEventTypes.MapIterationSucceeded => ("mapIterationSucceededEventDetails", Iteration(e)),
            HistoryEventTypes.MapIterationFailed => ("mapIterationFailedEventDetails", Iteration(e)),
            HistoryEventTypes.MapIterationAborted => ("mapIterationAbortedEventDetails", Iteration(e)),
            // MapStateSucceeded/Failed and the Parallel events have no details in the model.
            _ => null,
        };
    }

    /// <summary>"lambda:invoke" → ("lambda", "invoke"); "states:startExecution.sync:2" → ("states", "startExecution.sync:2").</summary>
    private static (string Type, string Resource) SplitResource(string? resource)
    {
        if (resource is null)
        {
            return ("unknown", "unknown");
        }

        var colon = resource.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (resource, resource) : (resource[..colon], resource[(colon + 1)..]);
    }

    private static JsonObject Iteration(HistoryEvent e) => new() { ["name"] = e.StateName, ["index"] = e.MapIterationIndex ?? 0 };

    private static JsonObject WithData(JsonObject details, string member, string? data, params (string Name, string Value)[] more)
    {
        if (data is not null)
        {
            details[member] = data;
            details[member + "Details"] = new JsonObject { ["truncated"] = false };
        }

        foreach (var (name, value) in more)
        {
            details[name] = value;
        }

        return details;
    }

    private static JsonObject ErrorAndCause(JsonObject details, HistoryEvent e)
    {
        if (e.Error is not null)
        {
            details["error"] = e.Error;
        }

        if (e.Cause is not null)
        {
            details["cause"] = e.Cause;
        }

        return details;
    }
}
