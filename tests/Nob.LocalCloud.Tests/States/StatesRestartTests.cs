using System.Text.Json.Nodes;
using Nob.LocalCloud.States;

namespace Nob.LocalCloud.Tests.States;

/// <summary>
/// Executions across endpoint restarts: ended ones keep their description and history; one running when the endpoint
/// stops (gracefully, or killed: the data folder as it was while it ran) ends FAILED with Local.EndpointStopped.
/// </summary>
public sealed class StatesRestartTests : IDisposable
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = PrivateFile | UnixFileMode.UserExecute;

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"nob-states-restart-{Guid.NewGuid():N}");
    private readonly FakeFunctions _functions = new();

    private string Data => Path.Combine(_root, "cloud");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_EndedExecution_DescriptionHistoryAndNameSurvive()
    {
        string arn;
        JsonObject described;
        List<JsonObject> history;
        var name = $"kept-{Guid.NewGuid():N}";
        var input = new JsonObject { ["items"] = new JsonArray(1), ["polling"] = new JsonObject() };
        await using (var first = await WorkflowCloud.StartAsync(Data, _functions))
        {
            arn = await first.StartAsync("BuildNetworkStateMachine", input, name);
            described = await first.WaitForEndAsync(arn);
            history = await first.HistoryAsync(arn);
        }

        await using var second = await WorkflowCloud.StartAsync(Data, _functions);
        var again = await second.DescribeAsync(arn);
        var historyAgain = await second.HistoryAsync(arn);
        var listed = await second.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = WorkflowCloud.MachineArn("BuildNetworkStateMachine") });
        await second.ErrorAsync("StartExecution", new JsonObject
        {
            ["stateMachineArn"] = WorkflowCloud.MachineArn("BuildNetworkStateMachine"), ["name"] = name, ["input"] = input.ToJsonString(),
        }, "ExecutionAlreadyExists");

        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(described, again), $"{described.ToJsonString()}\n{again.ToJsonString()}");
        Assert.Equal(history.Select(e => e.ToJsonString()), historyAgain.Select(e => e.ToJsonString()));
        Assert.Contains(listed["executions"]!.AsArray(), e => e!["executionArn"]!.GetValue<string>() == arn);
        var folder = Path.Combine(Data, "executions");
        Assert.Equal(PrivateFolder, ModeOf(folder, PrivateFolder));
        Assert.All(Directory.GetFiles(folder), f => Assert.Equal(PrivateFile, ModeOf(f, PrivateFile)));
        Assert.True(Directory.GetFiles(folder, "*.jsonl").Length >= 1);
    }

    [Fact]
    public async Task GracefulStop_RunningExecutions_EndFailedWithTheCause_NestedToo()
    {
        string parent;
        string child;
        var key = Guid.NewGuid().ToString("N");
        await using (var first = await WorkflowCloud.StartAsync(Data, _functions))
        {
            (parent, child) = await first.StartParentHoldingChildAsync(key);
            await first.Cloud.StopAsync();
        }

        await using var second = await WorkflowCloud.StartAsync(Data, _functions);
        foreach (var arn in new[] { parent, child })
        {
            var described = await second.DescribeAsync(arn);
            var events = await second.HistoryAsync(arn);

            Assert.Equal(("FAILED", LocalWorkflowHost.EndpointStoppedError), (described["status"]!.GetValue<string>(), described["error"]!.GetValue<string>()));
            Assert.Contains("idempotent", described["cause"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("ExecutionFailed", events[^1]["type"]!.GetValue<string>());
            Assert.Equal(LocalWorkflowHost.EndpointStoppedError, events[^1]["executionFailedEventDetails"]!["error"]!.GetValue<string>());
            Assert.Single(events, e => e["type"]!.GetValue<string>().StartsWith("Execution", StringComparison.Ordinal) && e["type"]!.GetValue<string>() != "ExecutionStarted");
        }
    }

    [Fact]
    public async Task Killed_RunningExecution_EndsFailedAtTheNextStart_AfterATornLastLine()
    {
        var key = Guid.NewGuid().ToString("N");
        var killedData = Path.Combine(_root, "killed");
        string arn;
        List<JsonObject> before;
        await using (var first = await WorkflowCloud.StartAsync(Data, _functions))
        {
            arn = await first.StartAsync("HoldStateMachine", new JsonObject { ["key"] = key });
            await _functions.WaitEnteredAsync(key);
            before = await first.HistoryAsync(arn);
            // What a SIGKILL leaves: the data folder as it is while the execution runs, with a half-written event.
            CopyFolder(Path.Combine(Data, "executions"), Path.Combine(killedData, "executions"));
            var historyFile = Directory.GetFiles(Path.Combine(killedData, "executions"), "*.jsonl").Single();
            await File.AppendAllTextAsync(historyFile, """{"id":99,"type":"TaskSucc""");
            _functions.Release(key, "{}");
            await first.WaitForEndAsync(arn);
        }

        await using var second = await WorkflowCloud.StartAsync(killedData, _functions);
        var described = await second.DescribeAsync(arn);
        var events = await second.HistoryAsync(arn);

        Assert.Equal(("FAILED", LocalWorkflowHost.EndpointStoppedError), (described["status"]!.GetValue<string>(), described["error"]!.GetValue<string>()));
        Assert.Equal(before.Count + 1, events.Count);
        Assert.Equal(before.Select(e => e.ToJsonString()), events.Take(before.Count).Select(e => e.ToJsonString()));
        Assert.Equal(("ExecutionFailed", before[^1]["id"]!.GetValue<long>() + 1, before[^1]["id"]!.GetValue<long>()),
            (events[^1]["type"]!.GetValue<string>(), events[^1]["id"]!.GetValue<long>(), events[^1]["previousEventId"]!.GetValue<long>()));
        Assert.Contains("stopped while this execution ran", events[^1]["executionFailedEventDetails"]!["cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Store_PastItsBound_DropsTheOldestEndedWithTheirHistory()
    {
        var store = new ExecutionStore(Path.Combine(_root, "bounded"), maxExecutions: 2);
        var records = Enumerable.Range(0, 3).Select(i => new ExecutionRecord
        {
            ExecutionArn = WorkflowCloud.ExecutionArn("HoldStateMachine", $"e{i}"), Status = ExecutionStatus.Succeeded,
            StartDate = DateTimeOffset.UnixEpoch.AddDays(i), StopDate = DateTimeOffset.UnixEpoch.AddDays(i),
        }).ToList();
        foreach (var record in records)
        {
            store.Add(record);
            using var history = store.OpenHistory(record);
            ExecutionStore.WriteEvent(history, new JsonObject { ["id"] = 1 });
        }

        var reopened = new ExecutionStore(Path.Combine(_root, "bounded"), maxExecutions: 2);

        Assert.Equal([records[1].ExecutionArn, records[2].ExecutionArn], reopened.All.Select(r => r.ExecutionArn));
        Assert.False(File.Exists(store.HistoryPath(records[0])));
        Assert.True(File.Exists(store.HistoryPath(records[2])));
    }

    /// <summary>The file's mode; on Windows (no modes) what is expected.</summary>
    private static UnixFileMode ModeOf(string path, UnixFileMode expected) => OperatingSystem.IsWindows() ? expected : File.GetUnixFileMode(path);

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
