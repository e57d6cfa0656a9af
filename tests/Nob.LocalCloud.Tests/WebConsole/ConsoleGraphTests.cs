using System.Text.Json.Nodes;
using Nob.LocalCloud.WebConsole;

namespace Nob.LocalCloud.Tests.WebConsole;

/// <summary>The ASL → graph model (states, transitions, inner blocks, layers) and the state statuses read from a history.</summary>
public sealed class ConsoleGraphTests
{
    private const string Branching = """
        {
          "StartAt": "Decide",
          "States": {
            "Decide": { "Type": "Choice", "Choices": [ { "Variable": "$.x", "IsPresent": true, "Next": "Work" } ], "Default": "Both" },
            "Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {}, "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Oops" } ], "Next": "Loop" },
            "Loop": { "Type": "Wait", "Seconds": 1, "Next": "Decide" },
            "Both": { "Type": "Parallel", "Branches": [
                { "StartAt": "Left", "States": { "Left": { "Type": "Pass", "End": true } } },
                { "StartAt": "Right", "States": { "Right": { "Type": "Pass", "End": true } } } ], "End": true },
            "Oops": { "Type": "Fail", "Error": "Bad" }
          }
        }
        """;

    [Fact]
    public void Read_ChoiceCatchParallel_EdgesByKindAndBranchesInside()
    {
        var graph = StateGraph.Read(Branching);

        Assert.Equal("Decide", graph.StartAt);
        Assert.Equal(
            [("Decide", "Both", "default"), ("Decide", "Work", "choice"), ("Loop", "Decide", "next"), ("Work", "Loop", "next"), ("Work", "Oops", "catch")],
            graph.Edges.Select(e => (e.From, e.To, e.Kind)).OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal));
        var layers = graph.Nodes.ToDictionary(n => n.Name, n => n.Layer);
        Assert.Equal(new Dictionary<string, int> { ["Decide"] = 0, ["Work"] = 1, ["Both"] = 1, ["Loop"] = 2, ["Oops"] = 2 }, layers);
        var both = graph.Nodes.Single(n => n.Name == "Both");
        Assert.Equal(["Left", "Right"], both.Inner.Select(b => b.StartAt));
        Assert.Equal(["Both", "Decide", "Left", "Loop", "Oops", "Right", "Work"], graph.AllNodes.Select(n => n.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_TestBuildMachine_MapHoldsItsProcessor()
    {
        var graph = StateGraph.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workflow", "build.asl.json")));

        Assert.Equal(["Prepare", "Each", "Pause", "Publish", "Done"], graph.Nodes.Select(n => n.Name));
        Assert.Equal([0, 1, 2, 3, 4], graph.Nodes.Select(n => n.Layer));
        var map = graph.Nodes.Single(n => n.Name == "Each");
        Assert.Equal("Map", map.Type);
        Assert.Equal(["Echo"], Assert.Single(map.Inner).Nodes.Select(n => n.Name));
    }

    private static JsonObject Entered(long id, long previous, string type, string name) =>
        new() { ["id"] = id, ["previousEventId"] = previous, ["type"] = type + "StateEntered", ["stateEnteredEventDetails"] = new JsonObject { ["name"] = name } };

    private static JsonObject Exited(long id, long previous, string type, string name) =>
        new() { ["id"] = id, ["previousEventId"] = previous, ["type"] = type + "StateExited", ["stateExitedEventDetails"] = new JsonObject { ["name"] = name } };

    private static JsonObject Plain(long id, long previous, string type) => new() { ["id"] = id, ["previousEventId"] = previous, ["type"] = type };

    [Fact]
    public void From_RetriedThenCaughtThenRunning_EachStatus()
    {
        JsonObject[] history =
        [
            Plain(1, 0, "ExecutionStarted"),
            Entered(2, 1, "Task", "Retried"), Plain(3, 2, "TaskScheduled"), Plain(4, 3, "TaskFailed"), Plain(5, 4, "TaskScheduled"), Plain(6, 5, "TaskSucceeded"),
            Exited(7, 6, "Task", "Retried"),
            Entered(8, 7, "Task", "Work"), Plain(9, 8, "TaskScheduled"), Plain(10, 9, "TaskFailed"), Exited(11, 10, "Task", "Work"),
            Entered(12, 11, "Wait", "Recover"),
        ];

        var running = ExecutionProgress.From(history, executionRunning: true);
        var ended = ExecutionProgress.From(history, executionRunning: false);

        Assert.Equal(StateStatus.Succeeded, running.StatusOf("Retried"));
        Assert.Equal(StateStatus.Caught, running.StatusOf("Work"));
        Assert.Equal(StateStatus.Running, running.StatusOf("Recover"));
        Assert.Equal(StateStatus.NotReached, running.StatusOf("Never"));
        Assert.Equal(StateStatus.Failed, ended.StatusOf("Recover"));
    }

    [Fact]
    public void From_MapIterations_CountedPerMapAndInnerStatesByVisits()
    {
        var history = new List<JsonObject>
        {
            Plain(1, 0, "ExecutionStarted"),
            Entered(2, 1, "Map", "Each"),
            new() { ["id"] = 3, ["previousEventId"] = 2, ["type"] = "MapStateStarted", ["mapStateStartedEventDetails"] = new JsonObject { ["length"] = 3 } },
        };
        for (var i = 0; i < 3; i++)
        {
            var at = 4 + 5 * i;
            history.Add(new() { ["id"] = at, ["previousEventId"] = 3, ["type"] = "MapIterationStarted", ["mapIterationStartedEventDetails"] = new JsonObject { ["name"] = "Each", ["index"] = i } });
            history.Add(Entered(at + 1, at, "Task", "Echo"));
            if (i < 2)
            {
                history.Add(Plain(at + 2, at + 1, "TaskSucceeded"));
                history.Add(Exited(at + 3, at + 2, "Task", "Echo"));
                history.Add(new() { ["id"] = at + 4, ["previousEventId"] = at + 3, ["type"] = "MapIterationSucceeded", ["mapIterationSucceededEventDetails"] = new JsonObject { ["name"] = "Each", ["index"] = i } });
            }
        }

        var progress = ExecutionProgress.From(history, executionRunning: true);

        Assert.Equal(new MapIterations(3, 2, 0, 3), progress.Iterations["Each"]);
        Assert.Equal(StateStatus.Running, progress.StatusOf("Echo"));
        Assert.Equal(StateStatus.Running, progress.StatusOf("Each"));
        Assert.Equal("iterations: 2 of 3 done", StateGraphSvg.IterationText(progress.Iterations["Each"]));
    }

    [Fact]
    public void From_MapFailure_BelongsToTheMapNotItsInnerState()
    {
        JsonObject[] history =
        [
            Plain(1, 0, "ExecutionStarted"),
            Entered(2, 1, "Map", "Each"), Plain(3, 2, "MapStateStarted"),
            new() { ["id"] = 4, ["previousEventId"] = 3, ["type"] = "MapIterationStarted", ["mapIterationStartedEventDetails"] = new JsonObject { ["name"] = "Each", ["index"] = 0 } },
            Entered(5, 4, "Task", "Echo"), Plain(6, 5, "TaskFailed"),
            new() { ["id"] = 7, ["previousEventId"] = 6, ["type"] = "MapIterationFailed", ["mapIterationFailedEventDetails"] = new JsonObject { ["name"] = "Each", ["index"] = 0 } },
            Plain(8, 3, "MapStateFailed"), Exited(9, 8, "Map", "Each"),
            Entered(10, 9, "Pass", "Handle"), Exited(11, 10, "Pass", "Handle"),
            Plain(12, 11, "ExecutionSucceeded"),
        ];

        var progress = ExecutionProgress.From(history, executionRunning: false);

        Assert.Equal(StateStatus.Caught, progress.StatusOf("Each"));
        Assert.Equal(StateStatus.Failed, progress.StatusOf("Echo"));
        Assert.Equal(StateStatus.Succeeded, progress.StatusOf("Handle"));
        Assert.Equal(new MapIterations(1, 0, 1, 0), progress.Iterations["Each"]);
    }
}
