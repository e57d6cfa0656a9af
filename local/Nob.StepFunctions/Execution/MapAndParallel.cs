using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;

namespace Nob.StepFunctions;

// Map and Parallel: iterations and branches, each in its own frame, run concurrently within their limit.
internal sealed partial class ExecutionRun
{
    async Task<JsonNode?> RunMapAsync(MapState map, StateRun s, JsonNode? raw, Frame frame, CancellationToken ct)
    {
        var effective = ApplyInputPath(map, raw);
        var scope = Scope(effective, s);
        JsonNode? itemsNode = effective;
        if (map.ItemsPath is { } itemsPath && !scope.TryEvaluate(itemsPath, out itemsNode))
            throw StatesError.Runtime($"Invalid path '{itemsPath.Text}' : No results for path: {itemsPath.Text} (ItemsPath)");
        if (itemsNode is not JsonArray items)
            throw StatesError.Runtime($"The ItemsPath '{map.ItemsPath?.Text ?? "$"}' must select a JSON array, but selects {JsonText.Describe(itemsNode)}");

        var concurrency = map.MaxConcurrency;
        if (map.MaxConcurrencyPath is { } concurrencyPath)
        {
            if (!scope.TryEvaluate(concurrencyPath, out var value) || !JsonText.IsInteger(value, out var n) || n < 0 || n > int.MaxValue)
                throw StatesError.Runtime($"The MaxConcurrencyPath '{concurrencyPath.Text}' must select a non-negative integer");
            concurrency = (int)n;
        }
        if (concurrency == 0) concurrency = MapState.UnboundedConcurrency;

        // Every iteration's input is built here, before any runs: each iteration then owns its own JSON tree.
        var inputs = items.Select((item, i) => map.ItemSelector is null ? JsonText.Clone(item) : map.ItemSelector.Evaluate(Scope(effective, s, i, item))).ToList();
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.MapStateStarted, StateName = map.Name, Length = inputs.Count });

        var outputs = await RunConcurrentlyAsync(inputs.Count, concurrency,
            (i, token) => RunIterationAsync(map, i, inputs[i], frame.Iteration(map.Name, i), token), ct).ConfigureAwait(false);
        if (outputs.Failure is { } failure)
        {
            Emit(frame, new HistoryEvent { Type = HistoryEventTypes.MapStateFailed, StateName = map.Name, Error = failure.Error, Cause = failure.Cause });
            throw new StatesError(failure.Error, failure.Cause, failure.Terminal, failure.Located);
        }
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.MapStateSucceeded, StateName = map.Name });
        return new JsonArray([.. outputs.Results.Select(JsonText.Detached)]);
    }

    async Task<JsonNode?> RunIterationAsync(MapState map, int index, JsonNode? input, Frame f, CancellationToken ct)
    {
        Emit(f, new HistoryEvent { Type = HistoryEventTypes.MapIterationStarted, StateName = map.Name, MapIterationIndex = index, Input = JsonText.Serialize(input) });
        try
        {
            var output = await RunBlockAsync(map.Processor, input, f, ct).ConfigureAwait(false);
            Emit(f, new HistoryEvent { Type = HistoryEventTypes.MapIterationSucceeded, StateName = map.Name, MapIterationIndex = index, Output = JsonText.Serialize(output) });
            return output;
        }
        catch (StatesError e)
        {
            Emit(f, new HistoryEvent { Type = HistoryEventTypes.MapIterationFailed, StateName = map.Name, MapIterationIndex = index, Error = e.Error, Cause = e.Cause });
            throw;
        }
        catch (OperationCanceledException)
        {
            Emit(f, new HistoryEvent { Type = HistoryEventTypes.MapIterationAborted, StateName = map.Name, MapIterationIndex = index });
            throw;
        }
    }

    async Task<JsonNode?> RunParallelAsync(ParallelState parallel, StateRun s, JsonNode? raw, Frame frame, CancellationToken ct)
    {
        var effective = ApplyInputPath(parallel, raw);
        if (parallel.Parameters is not null) effective = parallel.Parameters.Evaluate(Scope(effective, s));
        var inputs = parallel.Branches.Select(_ => JsonText.Clone(effective)).ToList();
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.ParallelStateStarted, StateName = parallel.Name, Length = inputs.Count });
        var outputs = await RunConcurrentlyAsync(inputs.Count, inputs.Count,
            (i, token) => RunBlockAsync(parallel.Branches[i], inputs[i], frame.Branch(parallel.Name, i), token), ct).ConfigureAwait(false);
        if (outputs.Failure is { } failure)
        {
            Emit(frame, new HistoryEvent { Type = HistoryEventTypes.ParallelStateFailed, StateName = parallel.Name, Error = failure.Error, Cause = failure.Cause });
            throw new StatesError(failure.Error, failure.Cause, failure.Terminal, failure.Located);
        }
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.ParallelStateSucceeded, StateName = parallel.Name });
        return new JsonArray([.. outputs.Results.Select(JsonText.Detached)]);
    }

    sealed record Concurrent(JsonNode?[] Results, StatesError? Failure);

    /// <summary>
    /// Runs <paramref name="count"/> units with at most <paramref name="concurrency"/> at a time, each on the thread
    /// pool, started in index order. The first failure cancels the units still running (they end aborted) and starts
    /// no more; the host's cancellation propagates after every unit has stopped.
    /// </summary>
    static async Task<Concurrent> RunConcurrentlyAsync(int count, int concurrency, Func<int, CancellationToken, Task<JsonNode?>> start, CancellationToken ct)
    {
        var results = new JsonNode?[count];
        StatesError? failure = null;
        var failureGate = new Lock();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var next = -1;

        async Task Worker()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count || stop.IsCancellationRequested) return;
                try
                {
                    results[i] = await start(i, stop.Token).ConfigureAwait(false);
                }
                catch (StatesError e)
                {
                    lock (failureGate) failure ??= e;
                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(Worker, CancellationToken.None)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return new Concurrent(results, failure);
    }
}
