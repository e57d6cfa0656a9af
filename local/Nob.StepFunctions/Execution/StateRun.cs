using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;

namespace Nob.StepFunctions;

/// <summary>A thread of control: the top level, a Map iteration or a Parallel branch. Events chain within it.</summary>
internal sealed class Frame(string scope, int? mapIndex, long? lastEventId)
{
    public string Scope { get; } = scope;
    public int? MapIndex { get; } = mapIndex;
    public long? LastEventId { get; set; } = lastEventId;

    string Prefix => Scope.Length == 0 ? "" : Scope + "/";

    public Frame Iteration(string map, int index) => new($"{Prefix}{map}[{index}]", index, LastEventId);

    public Frame Branch(string parallel, int index) => new($"{Prefix}{parallel}#{index}", MapIndex, LastEventId);
}

internal sealed record StateOutcome(JsonNode? Output, string? Next);

/// <summary>One state being run: what its context object ($$) says.</summary>
internal sealed class StateRun(ExecutionRun run, State state, HistoryEvent entered)
{
    public State State { get; } = state;
    public HistoryEvent Entered { get; } = entered;
    public int RetryCount { get; set; }

    public JsonObject Context(int? itemIndex = null, JsonNode? itemValue = null)
    {
        var context = new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = run.ExecutionArn,
                ["Input"] = run.InputNode(),
                ["Name"] = run.Name,
                ["RoleArn"] = run.RoleArn,
                ["StartTime"] = JsonText.Timestamp(run.StartTime),
                ["RedriveCount"] = 0,
            },
            ["State"] = new JsonObject
            {
                ["EnteredTime"] = JsonText.Timestamp(Entered.Timestamp),
                ["Name"] = State.Name,
                ["RetryCount"] = RetryCount,
            },
            ["StateMachine"] = new JsonObject { ["Id"] = run.Machine.Arn, ["Name"] = run.Machine.Definition.Name },
        };
        if (itemIndex is { } index)
            context["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = index, ["Value"] = JsonText.Clone(itemValue) } };
        return context;
    }
}
