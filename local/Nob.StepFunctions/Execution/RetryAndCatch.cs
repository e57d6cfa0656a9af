using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;

namespace Nob.StepFunctions;

// Retry and Catch: how a failed attempt of a Task, Map or Parallel state is retried or caught.
internal sealed partial class ExecutionRun
{
    async Task<StateOutcome> RecoverAsync(IRecoverable state, StateRun s, JsonNode? raw, Func<Task<JsonNode?>> attempt, Func<JsonNode?, StateOutcome> finish, CancellationToken ct)
    {
        var attempts = new int[state.Retry.Count];
        while (true)
        {
            StatesError error;
            try
            {
                return finish(await attempt().ConfigureAwait(false));
            }
            catch (StatesError e) when (!e.Terminal)
            {
                error = e;
            }

            var r = IndexOfMatch(state.Retry.Select(x => x.ErrorEquals), error);
            if (r >= 0 && attempts[r] < state.Retry[r].MaxAttempts)
            {
                var delay = state.Retry[r].Delay(attempts[r], random);
                attempts[r]++;
                s.RetryCount++;
                Interlocked.Increment(ref retries);
                await DelayAsync(delay, ct).ConfigureAwait(false);
                continue;
            }

            var c = IndexOfMatch(state.Catch.Select(x => x.ErrorEquals), error);
            if (c < 0) throw error;
            var catcher = state.Catch[c];
            var errorOutput = new JsonObject();
            if (error.Error is not null) errorOutput["Error"] = error.Error;
            if (error.Cause is not null) errorOutput["Cause"] = error.Cause;
            return new StateOutcome(ApplyResultPath(catcher.ResultPath, raw, errorOutput), catcher.Next);
        }
    }

    /// <summary>
    /// The first retrier or catcher whose ErrorEquals names the error: by name, States.ALL (anything), or
    /// States.TaskFailed (anything but States.Timeout). Terminal errors never get here.
    /// </summary>
    static int IndexOfMatch(IEnumerable<IReadOnlyList<string>> lists, StatesError error)
    {
        var i = 0;
        foreach (var names in lists)
        {
            if (names.Any(n => n == StatesErrorNames.All || (n == StatesErrorNames.TaskFailed && error.Error != StatesErrorNames.Timeout) || n == error.Error)) return i;
            i++;
        }
        return -1;
    }
}
