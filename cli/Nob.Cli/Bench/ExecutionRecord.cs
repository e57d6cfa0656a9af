using System.Globalization;
using System.Text.Json.Nodes;
using Nob.Aws.StepFunctions.Model;
using Nob.Cli.Local;
using Nob.Cli.Local.Workflow;

namespace Nob.Cli.Bench;

/// <summary>
/// What <c>nob bench</c> learns about one execution, read from the endpoint's Step Functions API after it ended
/// (GetExecutionHistory of the execution and of the ones it started): times, state transitions, retries, tasks per
/// function, checks per broker wait loop, one payload per function for the cold-start harness, and the peak working set
/// of the local endpoint, the process that runs the executions. The bench finds the execution of a child <c>nob up</c>
/// or <c>nob drift</c> in its <c>--json</c> output (<see cref="ExecutionArnOf"/>); the commands themselves know nothing of it.
/// </summary>
public static class ExecutionRecord
{
    /// <summary>The record of an execution that has ended on the endpoint.</summary>
    public static async Task<JsonObject> ReadAsync(LocalEndpointClient endpoint, CloudState cloud, string executionArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(cloud);
        var outcome = await endpoint.ReadEndedExecutionAsync(executionArn, cancellationToken);
        return Build(outcome, PeakWorkingSetBytes(cloud.Pid), $"the local endpoint (nob cloud, pid {cloud.Pid}): VmHWM, its peak since it started");
    }

    /// <summary>The execution a <c>nob up --json</c> or <c>nob drift --json</c> ran: its output's <c>local.executionArn</c>.</summary>
    public static string ExecutionArnOf(string jsonOutput)
    {
        var arn = JsonNode.Parse(jsonOutput)?["local"]?["executionArn"];
        return arn is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new InvalidOperationException("the --json output names no local.executionArn");
    }

    /// <summary>A process's peak resident set (<c>VmHWM</c> of /proc/PID/status) in bytes; 0 when it cannot be read.</summary>
    public static long PeakWorkingSetBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static JsonObject Build(ExecutionOutcome result, long peakWorkingSetBytes, string peakWorkingSetOf)
    {
        ArgumentNullException.ThrowIfNull(result);
        var tasks = new JsonObject();
        var payloads = new JsonObject();
        // Tasks counted for this execution; payloads from nested executions too (a repair's build), the first one each.
        foreach (var (history, nested) in new[] { (result.History, false) }.Concat(result.Children.Select(c => (c, true))))
        {
            foreach (var e in history.Events.Where(e => e.Type == HistoryEventTypes.TaskScheduled))
            {
                if (history.FunctionNameOf(e) is not { } functionName) continue;
                var function = FunctionShortName(functionName);
                if (!nested) tasks[function] = ((int?)tasks[function] ?? 0) + 1;
                if (!payloads.ContainsKey(function) && e.TaskScheduledEventDetails?.Parameters is { } parameters && JsonNode.Parse(parameters)?["Payload"] is { } payload)
                    payloads[function] = payload.ToJsonString();
            }
        }
        return new JsonObject
        {
            ["status"] = result.Status,
            ["startDate"] = result.StartDate,
            ["stopDate"] = result.StopDate,
            ["stateTransitions"] = result.StateTransitions,
            ["nestedStateTransitions"] = result.Children.Sum(c => c.StateTransitions),
            ["retries"] = result.History.Retries,
            ["tasks"] = tasks,
            // The turns of the build's creation and reboot stages (each checks every broker still waiting).
            ["creationChecks"] = new JsonArray(Turns(result.History, "CheckBrokers")),
            ["rebootChecks"] = new JsonArray(Turns(result.History, "RebootBrokers")),
            ["stateSeconds"] = TopLevelStateSeconds(result.History),
            ["payloads"] = payloads,
            ["peakWorkingSetBytes"] = peakWorkingSetBytes,
            ["peakWorkingSetOf"] = peakWorkingSetOf,
        };
    }

    /// <summary>The payload each function got, from a record <see cref="Build"/> wrote.</summary>
    public static IReadOnlyDictionary<string, string> Payloads(JsonNode record) =>
        record["payloads"]?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>"arn:aws:lambda:…:function:ValidateFunction" → "ValidateFunction".</summary>
    public static string FunctionShortName(string functionName) =>
        functionName.Contains(":function:", StringComparison.Ordinal) ? functionName[(functionName.LastIndexOf(":function:", StringComparison.Ordinal) + 10)..].Split(':')[0] : functionName;

    /// <summary>How long each top-level state took, entered to exited (EnsureBrokers, WriteRevisions, Verify, …).</summary>
    static JsonObject TopLevelStateSeconds(ExecutionHistory history)
    {
        var seconds = new JsonObject();
        var entered = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var e in history.Events.Where(e => history.IterationOf(e) is null && e.Timestamp is not null))
        {
            if (e.StateEnteredEventDetails?.Name is { } name && HistoryEventTypes.IsStateEntered(e.Type)) entered[name] = e.Timestamp!.Value;
            else if (e.StateExitedEventDetails?.Name is { } exited && HistoryEventTypes.IsStateExited(e.Type) && entered.Remove(exited, out var at))
                seconds[exited] = Math.Round(((double?)seconds[exited] ?? 0) + (e.Timestamp!.Value - at).TotalSeconds, 3);
        }
        return seconds;
    }

    static JsonNode Turns(ExecutionHistory history, string state) =>
        history.Events.Count(e => e.Type == HistoryEventTypes.TaskStateEntered && e.StateEnteredEventDetails?.Name == state);
}
