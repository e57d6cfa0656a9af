using System.Diagnostics;
using System.Text.Json.Nodes;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Cli.Local.Workflow;

/// <summary>
/// Live progress from an execution's history: each task state as it is entered, with its broker (from the state's
/// input), each task failure naming the broker of the state it failed in, and each Map's width.
/// </summary>
public static class ProgressLines
{
    /// <summary>The progress line for <paramref name="e"/> (already added to <paramref name="history"/>), or null for an event that has none.</summary>
    public static string? For(ExecutionHistory history, HistoryEvent e)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Type)
        {
            case HistoryEventTypes.TaskStateEntered:
                return $"{e.StateEnteredEventDetails?.Name}{Broker(e.StateEnteredEventDetails?.Input)}";
            case HistoryEventTypes.TaskFailed:
                // A TaskFailed event carries neither the state nor its input: both come from the state entered its chain leads back to.
                var entered = history.EnteredOf(e);
                return $"{entered?.StateEnteredEventDetails?.Name}{Broker(entered?.StateEnteredEventDetails?.Input)} failed: {e.TaskFailedEventDetails?.Error}";
            case HistoryEventTypes.MapStateStarted:
                return $"{history.StateNameOf(e)}: {e.MapStateStartedEventDetails?.Length} in parallel";
            default:
                return null;
        }
    }

    /// <summary>" [B1]", " [B1, CREATION_IN_PROGRESS]", " [B1, …; B2, …]" for a stage's waiting brokers, or "".</summary>
    public static string Broker(string? input)
    {
        if (input is null) return "";
        try
        {
            var node = JsonNode.Parse(input);
            // The build's stages check many brokers per turn: name the ones still waiting, with their states.
            if ((node?["wait"]?["value"] ?? node?["reboot"]?["value"]) is JsonObject stage && stage["waits"] is JsonArray waits)
            {
                var waiting = waits.Count == 0
                    ? [.. (stage["brokers"] as JsonArray ?? []).Select(b => (string?)b?["brokerName"] ?? "?")]
                    : waits.Where(w => w?["ready"]?.GetValue<bool>() != true).Select(w => $"{(string?)w?["brokerName"]}, {(string?)w?["state"]}").ToList();
                return waiting.Count == 0 ? "" : $" [{string.Join("; ", waiting.Take(6))}{(waiting.Count > 6 ? $"; {waiting.Count - 6} more" : "")}]";
            }
            var name = (node?["brokerName"] ?? node?["broker"]?["brokerName"] ?? node?["wait"]?["value"]?["brokerName"]
                ?? node?["revision"]?["value"]?["brokerName"] ?? node?["ensured"]?["value"]?["brokerName"])?.GetValue<string>();
            var state = node?["wait"]?["value"]?["state"]?.GetValue<string>();
            return name is null ? "" : $" [{name}{(state is null ? "" : $", {state}")}]";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return "";
        }
    }
}

/// <summary>Writes <see cref="ProgressLines"/> with the time since the command started, one whole line at a time.</summary>
public sealed class ProgressReporter(TextWriter output, Stopwatch clock)
{
    readonly Lock gate = new();

    public void OnEvent(ExecutionHistory history, HistoryEvent e)
    {
        if (ProgressLines.For(history, e) is not { } line) return;
        lock (gate)
        {
            output.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:0.0}s] {line}");
            output.Flush();
        }
    }
}
