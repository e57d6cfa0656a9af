using System.Diagnostics;
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

    /// <summary>" [B1]" for a per-broker state, " [B1, CREATION_IN_PROGRESS; B2, …]" for a stage's waiting brokers, or "" (see <see cref="StateInput"/>).</summary>
    public static string Broker(string? input)
    {
        if (input is null || StateInput.Parse(input) is not { } state) return "";
        if ((state.Wait?.Value ?? state.Reboot?.Value) is { Waits: { } waits } stage)
        {
            // The build's stages check many brokers per turn: name the ones still waiting, with their states.
            var waiting = waits.Count == 0
                ? [.. (stage.Brokers ?? []).Select(b => b.BrokerName ?? "?")]
                : waits.Where(w => !w.Ready).Select(w => $"{w.BrokerName}, {w.State}").ToList();
            return waiting.Count == 0 ? "" : $" [{string.Join("; ", waiting.Take(6))}{(waiting.Count > 6 ? $"; {waiting.Count - 6} more" : "")}]";
        }
        return state.BrokerName is { } name ? $" [{name}]" : "";
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
