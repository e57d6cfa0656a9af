using System.Text;
using System.Text.Json.Nodes;

namespace Nob.Cli.Local;

/// <summary>The human-readable result of <c>nob drift</c>: in sync, or each finding; what a repair changed; where the events went.</summary>
public static class DriftText
{
    public static string Write(JsonObject report)
    {
        var text = new StringBuilder();
        var name = (string?)report["networkName"];
        var local = report["local"];
        text.AppendLine();
        if (report["error"] is { } error)
        {
            text.AppendLine($"The drift check of \"{name}\" could not run: {(string?)error["Error"]}: {Cause(error)}");
        }
        else
        {
            var findings = report["findings"]?.AsArray() ?? [];
            text.AppendLine((bool?)report["inSync"] == true
                ? $"Network \"{name}\" is in sync with its stored spec."
                : $"Network \"{name}\" drifted: {findings.Count} finding(s).");
            foreach (var finding in findings)
                text.AppendLine($"  {(string?)finding!["kind"],-20} {(string?)finding["brokerName"] ?? "-",-16} {(string?)finding["detail"]}");
            if ((bool?)report["repaired"] == true)
            {
                var changes = report["changes"]?.AsArray() ?? [];
                text.AppendLine();
                text.AppendLine($"Repaired with build-network ({changes.Count} change(s)); the rebuilt network was verified:");
                foreach (var change in changes) text.AppendLine($"  {(string?)change}");
            }
            else if (report["repairError"] is { } repairError)
            {
                text.AppendLine();
                text.AppendLine($"The repair failed: {(string?)repairError["Error"]}: {Cause(repairError)}");
            }
            else if ((bool?)report["inSync"] == false)
            {
                text.AppendLine();
                text.AppendLine("Run again with --repair to converge it (build-network with the stored spec).");
            }
        }
        if (local is not null)
        {
            text.AppendLine();
            text.AppendLine($"Checked in {(double?)local["elapsedSeconds"]:0.0} s ({(int?)local["stateTransitions"]} state transitions); EventBridge events in {(string?)local["eventsFile"]}");
        }
        return text.ToString();
    }

    /// <summary>0 in sync or repaired; 3 drifted and not repaired; 1 the check or the repair failed.</summary>
    public static int ExitCode(JsonObject report) =>
        report["error"] is not null || report["repairError"] is not null ? NobCommand.Failed
        : (bool?)report["inSync"] == true || (bool?)report["repaired"] == true ? NobCommand.Ok
        : LocalCommands.Drifted;

    /// <summary>A Lambda error's cause is a JSON string {"errorType", "errorMessage"}; show the message.</summary>
    static string? Cause(JsonNode error)
    {
        var cause = (string?)error["Cause"];
        if (cause is null) return null;
        try
        {
            return JsonNode.Parse(cause) is JsonObject o && (string?)o["errorMessage"] is { } message ? message : cause;
        }
        catch (System.Text.Json.JsonException)
        {
            return cause;
        }
    }
}
