using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.LocalCloud.States;
using static Nob.LocalCloud.WebConsole.ConsoleHtml;

namespace Nob.LocalCloud.WebConsole;

/// <summary>The executions list, one execution's page (graph, history, input, output) and the JSON its script polls.</summary>
internal sealed class ExecutionPages(LocalWorkflowHost host)
{
    /// <summary>The executions list shows at most this many per state machine.</summary>
    public const int ListLimit = 200;

    public XElement List()
    {
        var executions = host.Executions();
        var body = new List<object?>();
        foreach (var machine in host.Machines)
        {
            var mine = executions.Where(e => e.StateMachineArn == machine.Resource.Arn)
                .OrderByDescending(e => e.StartDate).ThenByDescending(e => e.ExecutionArn, StringComparer.Ordinal).Take(ListLimit).ToList();
            body.Add(E("section", A("class", "machine"), A("data-machine", machine.Resource.Name),
                E("h2", machine.Resource.Name),
                mine.Count == 0
                    ? E("p", "No executions.")
                    : Table(["Name", "Status", "Started", "Stopped"], mine.Select(e => Row(
                        E("a", A("href", ExecutionHref(e.ExecutionArn)), e.Name),
                        Status(e.Status),
                        Time(e.StartDate),
                        e.Status == ExecutionStatus.Running ? "" : Time(e.StopDate))))));
        }

        return Page("Executions", "executions", body);
    }

    public XElement? Execution(string executionArn)
    {
        if (host.Find(executionArn) is not { } record)
        {
            return null;
        }

        var history = host.History(executionArn);
        var (input, output) = host.InputAndOutput(executionArn);
        var running = record.Status == ExecutionStatus.Running;
        var progress = ExecutionProgress.From(history, running);
        var machine = host.Machine(record.StateMachineArn);
        var graph = machine is null ? E("p", "The state machine is not hosted here.") : StateGraphSvg.Draw(StateGraph.Read(machine.Definition), progress);
        return Page(record.Name, "executions", [
            E("div", A("id", "execution"), A("data-api", $"{ConsoleAccess.Prefix}/api/execution?arn={Uri.EscapeDataString(executionArn)}"),
                A("data-running", running ? "true" : "false"),
                E("p", "Status ", Status(record.Status, "status"), " · state machine ", E("code", machine?.Resource.Name ?? record.StateMachineArn),
                    " · started ", Time(record.StartDate), " · stopped ", E("span", A("id", "stopped"), running ? "" : Time(record.StopDate))),
                E("p", E("code", A("class", "arn"), executionArn)),
                E("p", A("id", "error"), A("class", "error"), Failure(record)),
                E("div", A("class", "legend"), Legend()),
                E("div", A("class", "graph-frame"), graph),
                E("h2", "Input"),
                E("pre", A("id", "input"), Pretty(input)),
                E("h2", "Output"),
                E("pre", A("id", "output"), Pretty(record.Status == ExecutionStatus.Succeeded ? output : null)),
                E("h2", "Event history"),
                Table(["#", "Time", "Type", "State", "Detail"], EventRows(history, record.StartDate).Select(r => Row(r.Id, r.Elapsed, r.Type, r.State, r.Detail)), "history")),
        ], script: true);
    }

    /// <summary>What the execution page's script polls: status, each state's status, Map iterations, the events, the output.</summary>
    public JsonObject? Json(string executionArn)
    {
        if (host.Find(executionArn) is not { } record)
        {
            return null;
        }

        var history = host.History(executionArn);
        var running = record.Status == ExecutionStatus.Running;
        var progress = ExecutionProgress.From(history, running);
        var (_, output) = host.InputAndOutput(executionArn);
        var states = new JsonObject();
        foreach (var (name, status) in progress.States)
        {
            states[name] = status;
        }

        var iterations = new JsonObject();
        foreach (var (name, counts) in progress.Iterations)
        {
            iterations[name] = StateGraphSvg.IterationText(counts);
        }

        return new JsonObject
        {
            ["status"] = record.Status,
            ["running"] = running,
            ["stopped"] = running ? "" : Time(record.StopDate),
            ["error"] = Failure(record),
            ["states"] = states,
            ["iterations"] = iterations,
            ["output"] = Pretty(record.Status == ExecutionStatus.Succeeded ? output : null),
            ["events"] = new JsonArray([.. EventRows(history, record.StartDate).Select(r => (JsonNode)new JsonArray(r.Id, r.Elapsed, r.Type, r.State, r.Detail))]),
        };
    }

    private static string Failure(ExecutionRecord record) =>
        record.Status == ExecutionStatus.Running || (record.Error is null && record.Cause is null) ? "" : $"{record.Error}: {record.Cause}";

    private static IEnumerable<XElement> Legend() =>
        new[] { StateStatus.NotReached, StateStatus.Running, StateStatus.Succeeded, StateStatus.Failed, StateStatus.Caught }
            .Select(s => E("span", A("class", $"key {s}"), s.Replace('-', ' ')));

    public static string Pretty(string? json)
    {
        if (json is null)
        {
            return "";
        }

        try
        {
            return JsonNode.Parse(json)?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) ?? "null";
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }

    public sealed record EventRow(string Id, string Elapsed, string Type, string State, string Detail);

    public static IEnumerable<EventRow> EventRows(IEnumerable<JsonObject> history, DateTimeOffset start) => history.Select(e =>
    {
        var type = e["type"]?.GetValue<string>() ?? "";
        var seconds = (e["timestamp"]?.GetValue<double>() ?? 0) - start.ToUnixTimeMilliseconds() / 1000.0;
        var details = e.FirstOrDefault(p => p.Key.EndsWith("EventDetails", StringComparison.Ordinal)).Value as JsonObject;
        var state = details?["name"]?.GetValue<string>() ?? "";
        if (details?["index"] is { } index)
        {
            state += $" [{ExecutionProgress.Number(index)}]";
        }

        var detail = details?["error"] is { } error ? $"{error.GetValue<string>()}: {details["cause"]?.GetValue<string>()}"
            : details?["resource"]?.GetValue<string>() ?? "";
        return new EventRow(e["id"]?.ToString() ?? "", $"+{Math.Max(0, seconds):0.0} s", type, state, detail);
    });
}
