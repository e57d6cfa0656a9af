using System.Text.Json.Nodes;

namespace Nob.LocalCloud.Tests.States;

/// <summary>GetExecutionHistory in Step Functions' shape, StopExecution, and nested executions (states:startExecution.sync:2).</summary>
public sealed class StatesHistoryTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    private WorkflowCloud Cloud => fixture.Cloud;

    private static string Type(JsonObject e) => e["type"]!.GetValue<string>();

    private async Task<string> SucceededBuildAsync()
    {
        var arn = await Cloud.StartAsync("BuildNetworkStateMachine", new JsonObject { ["items"] = new JsonArray(10, 20), ["polling"] = new JsonObject() });
        Assert.Equal("SUCCEEDED", (await Cloud.WaitForEndAsync(arn))["status"]!.GetValue<string>());
        return arn;
    }

    [Fact]
    public async Task GetExecutionHistory_Build_EventsAndDetailsInStepFunctionsShape()
    {
        var arn = await SucceededBuildAsync();

        var events = await Cloud.HistoryAsync(arn);

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e["id"]!.GetValue<long>()));
        Assert.Equal(0, events[0]["previousEventId"]!.GetValue<long>());
        Assert.All(events.Skip(1), e => Assert.InRange(e["previousEventId"]!.GetValue<long>(), 1, e["id"]!.GetValue<long>() - 1));
        Assert.Equal("ExecutionStarted", Type(events[0]));
        Assert.Equal("ExecutionSucceeded", Type(events[^1]));
        Assert.Equal(["PassStateEntered", "PassStateExited", "MapStateEntered", "MapStateStarted"], events.Skip(1).Take(4).Select(Type));
        var entered = events[1]["stateEnteredEventDetails"]!;
        Assert.Equal("Prepare", entered["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonArray(10, 20), JsonNode.Parse(entered["input"]!.GetValue<string>())!["items"]));
        Assert.Equal(2, events.Single(e => Type(e) == "MapStateStarted")["mapStateStartedEventDetails"]!["length"]!.GetValue<int>());
        var iterations = events.Where(e => Type(e) == "MapIterationStarted").Select(e => e["mapIterationStartedEventDetails"]!).ToList();
        Assert.Equal([("Each", 0), ("Each", 1)], iterations.Select(i => (i["name"]!.GetValue<string>(), i["index"]!.GetValue<int>())).Order());
        var scheduled = events.Where(e => Type(e) == "TaskScheduled").Select(e => e["taskScheduledEventDetails"]!).ToList();
        Assert.Contains(scheduled, s => (s["resourceType"]!.GetValue<string>(), s["resource"]!.GetValue<string>(), s["region"]!.GetValue<string>()) == ("lambda", "invoke", Clients.Region)
            && JsonNode.Parse(s["parameters"]!.GetValue<string>())!["FunctionName"]!.GetValue<string>().EndsWith(":function:EchoFunction", StringComparison.Ordinal));
        Assert.Contains(scheduled, s => (s["resourceType"]!.GetValue<string>(), s["resource"]!.GetValue<string>()) == ("events", "putEvents"));
        Assert.Contains(events, e => Type(e) == "TaskSucceeded" && e["taskSucceededEventDetails"]!["output"] is not null);
        Assert.Contains(events, e => Type(e) == "WaitStateEntered");
        Assert.True(events[^1]["executionSucceededEventDetails"]!["output"] is not null);
        Assert.StartsWith("arn:aws:iam::", events[0]["executionStartedEventDetails"]!["roleArn"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetExecutionHistory_PagedReversedOrWithoutData_SameEvents()
    {
        var arn = await SucceededBuildAsync();

        var whole = await Cloud.HistoryAsync(arn);
        var paged = await Cloud.HistoryAsync(arn, pageSize: 3);
        var reversed = await Cloud.HistoryAsync(arn, reverse: true, pageSize: 4);
        var withoutData = await Cloud.OkAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = arn, ["includeExecutionData"] = false, ["maxResults"] = 1000 });

        Assert.True(whole.Count > 10, $"{whole.Count} events");
        Assert.Equal(whole.Select(e => e.ToJsonString()), paged.Select(e => e.ToJsonString()));
        Assert.Equal(whole.Select(e => e["id"]!.GetValue<long>()).Reverse(), reversed.Select(e => e["id"]!.GetValue<long>()));
        var bare = withoutData["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(whole.Count, bare.Count);
        Assert.Null(bare[0]["executionStartedEventDetails"]!["input"]);
        Assert.Null(bare[1]["stateEnteredEventDetails"]!["input"]);
        Assert.Equal("Prepare", bare[1]["stateEnteredEventDetails"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetExecutionHistory_TokenOfAnotherExecution_InvalidToken()
    {
        var (first, second) = (await SucceededBuildAsync(), await SucceededBuildAsync());
        var page = await Cloud.OkAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = first, ["maxResults"] = 2 });

        await Cloud.ErrorAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = second, ["nextToken"] = page["nextToken"]!.GetValue<string>() }, "InvalidToken");
        await Cloud.ErrorAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = first + "-missing" }, "ExecutionDoesNotExist");
    }

    [Fact]
    public async Task StopExecution_Running_AbortedWithTheGivenErrorAndCause()
    {
        var key = Guid.NewGuid().ToString("N");
        var arn = await Cloud.StartAsync("HoldStateMachine", new JsonObject { ["key"] = key });
        await fixture.Functions.WaitEnteredAsync(key);

        var stopped = await Cloud.OkAsync("StopExecution", new JsonObject { ["executionArn"] = arn, ["error"] = "Operator.Stop", ["cause"] = "stopped by the test" });
        var described = await Cloud.DescribeAsync(arn);
        var events = await Cloud.HistoryAsync(arn);
        var again = await Cloud.OkAsync("StopExecution", new JsonObject { ["executionArn"] = arn });

        Assert.Equal(("ABORTED", "Operator.Stop", "stopped by the test"),
            (described["status"]!.GetValue<string>(), described["error"]!.GetValue<string>(), described["cause"]!.GetValue<string>()));
        Assert.Equal(stopped["stopDate"]!.GetValue<double>(), described["stopDate"]!.GetValue<double>());
        Assert.Equal("ExecutionAborted", Type(events[^1]));
        Assert.Equal("Operator.Stop", events[^1]["executionAbortedEventDetails"]!["error"]!.GetValue<string>());
        Assert.Equal(stopped["stopDate"]!.GetValue<double>(), again["stopDate"]!.GetValue<double>());
        Assert.Null(described["output"]);
    }

    [Fact]
    public async Task NestedExecution_VisibleWhileItRuns_EndsWithItsParent()
    {
        var key = Guid.NewGuid().ToString("N");

        var (parent, child) = await Cloud.StartParentHoldingChildAsync(key);
        var running = await Cloud.DescribeAsync(child);
        var runningHistory = await Cloud.HistoryAsync(child);
        var stopChild = await Cloud.ErrorAsync("StopExecution", new JsonObject { ["executionArn"] = child }, "ValidationException");
        fixture.Functions.Release(key, """{"answer":42}""");
        var parentEnd = await Cloud.WaitForEndAsync(parent);
        var childEnd = await Cloud.DescribeAsync(child);
        var parentEvents = await Cloud.HistoryAsync(parent);

        Assert.Equal("RUNNING", running["status"]!.GetValue<string>());
        Assert.Equal(["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted"], runningHistory.Select(Type));
        Assert.Contains(parent, stopChild["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("SUCCEEDED", "SUCCEEDED"), (parentEnd["status"]!.GetValue<string>(), childEnd["status"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"answer":42}"""), JsonNode.Parse(parentEnd["output"]!.GetValue<string>())));
        Assert.Contains(parentEvents, e => Type(e) == "TaskScheduled" && e["taskScheduledEventDetails"]!["resource"]!.GetValue<string>() == "startExecution.sync:2");
    }

    [Fact]
    public async Task StopExecution_OfAParent_AbortsItsNestedExecutionToo()
    {
        var key = Guid.NewGuid().ToString("N");
        var (parent, child) = await Cloud.StartParentHoldingChildAsync(key);

        await Cloud.OkAsync("StopExecution", new JsonObject { ["executionArn"] = parent, ["error"] = "Operator.Stop" });
        var childEnd = await Cloud.WaitForEndAsync(child);

        Assert.Equal("ABORTED", (await Cloud.DescribeAsync(parent))["status"]!.GetValue<string>());
        Assert.Equal("ABORTED", childEnd["status"]!.GetValue<string>());
    }
}
