using System.Diagnostics;
using System.Text.Json.Nodes;
using Nob.StepFunctions;

namespace Nob.Cli.Bench;

/// <summary>
/// What <c>nob bench</c> learns from inside a <c>nob up</c> process: when <see cref="Variable"/> names a file, <c>nob up</c>
/// writes its execution's measurements there (times, state transitions, retries, tasks per function, checks per broker
/// wait loop, one payload per function for the cold-start harness, and the process's peak working set). <c>nob drift</c> and
/// <c>nob down SPEC</c> write one too (their payloads are the cold-start harness's for the check-drift and teardown handlers).
/// </summary>
public static class ExecutionRecord
{
    public const string Variable = "NOB_BENCH_RECORD";

    /// <summary>Writes the record when <see cref="Variable"/> is set; otherwise does nothing.</summary>
    public static void WriteIfRequested(ExecutionResult result)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } path) return;
        using var self = Process.GetCurrentProcess();
        File.WriteAllText(path, Build(result, self.PeakWorkingSet64).ToJsonString());
    }

    public static JsonObject Build(ExecutionResult result, long peakWorkingSetBytes)
    {
        var tasks = new JsonObject();
        var payloads = new JsonObject();
        foreach (var e in result.History.Where(e => e.Type == HistoryEventTypes.TaskScheduled && e.FunctionName is not null))
        {
            var function = FunctionShortName(e.FunctionName!);
            tasks[function] = ((int?)tasks[function] ?? 0) + 1;
            if (!payloads.ContainsKey(function) && e.Input is { } input && JsonNode.Parse(input)?["Payload"] is { } payload)
                payloads[function] = payload.ToJsonString();
        }
        return new JsonObject
        {
            ["status"] = result.Status,
            ["startDate"] = result.StartDate,
            ["stopDate"] = result.StopDate,
            ["stateTransitions"] = result.StateTransitions,
            ["retries"] = result.Retries,
            ["tasks"] = tasks,
            // The turns of the build's creation and reboot stages (each checks every broker still waiting).
            ["creationChecks"] = new JsonArray(Turns(result, "CheckBrokers")),
            ["rebootChecks"] = new JsonArray(Turns(result, "RebootBrokers")),
            ["stateSeconds"] = TopLevelStateSeconds(result),
            ["payloads"] = payloads,
            ["peakWorkingSetBytes"] = peakWorkingSetBytes,
        };
    }

    /// <summary>The payload each function got, from a record <see cref="Build"/> wrote.</summary>
    public static IReadOnlyDictionary<string, string> Payloads(JsonNode record) =>
        record["payloads"]?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>"arn:aws:lambda:…:function:ValidateFunction" → "ValidateFunction".</summary>
    public static string FunctionShortName(string functionName) =>
        functionName.Contains(":function:", StringComparison.Ordinal) ? functionName[(functionName.LastIndexOf(":function:", StringComparison.Ordinal) + 10)..].Split(':')[0] : functionName;

    /// <summary>How long each top-level state took, entered to exited (EnsureBrokers, WriteRevisions, Verify, …).</summary>
    static JsonObject TopLevelStateSeconds(ExecutionResult result)
    {
        var seconds = new JsonObject();
        var entered = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var e in result.History.Where(e => e.Scope.Length == 0 && e.StateName is not null))
        {
            if (e.IsStateEntered) entered[e.StateName!] = e.Timestamp;
            else if (e.IsStateExited && entered.Remove(e.StateName!, out var at))
                seconds[e.StateName!] = Math.Round(((double?)seconds[e.StateName!] ?? 0) + (e.Timestamp - at).TotalSeconds, 3);
        }
        return seconds;
    }

    static JsonNode Turns(ExecutionResult result, string state) =>
        result.History.Count(e => e.Type == "TaskStateEntered" && e.StateName == state);
}
