using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions;

/// <summary>A thread of control: the top level, a Map iteration or a Parallel branch. Events chain within it.</summary>
internal sealed class Frame(string scope, int? mapIndex, long? lastEventId)
{
    public string Scope { get; } = scope;
    public int? MapIndex { get; } = mapIndex;
    public long? LastEventId { get; set; } = lastEventId;

    string Prefix => Scope.Length == 0 ? "" : Scope + "/";

    public Frame Iteration(string map, int index) => new($"{Prefix}{map}[{index}]", index, LastEventId);

    public Frame Branch(string parallel, int index) => new($"{Prefix}{parallel}#{index}", MapIndex, LastEventId);
}

internal sealed record StateOutcome(JsonNode? Output, string? Next);

/// <summary>One state being run: what its context object ($$) says.</summary>
internal sealed class StateRun(ExecutionRun run, State state, HistoryEvent entered)
{
    public State State { get; } = state;
    public HistoryEvent Entered { get; } = entered;
    public int RetryCount { get; set; }

    public JsonObject Context(int? itemIndex = null, JsonNode? itemValue = null)
    {
        var context = new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = run.ExecutionArn,
                ["Input"] = run.InputNode(),
                ["Name"] = run.Name,
                ["RoleArn"] = run.RoleArn,
                ["StartTime"] = JsonText.Timestamp(run.StartTime),
                ["RedriveCount"] = 0,
            },
            ["State"] = new JsonObject
            {
                ["EnteredTime"] = JsonText.Timestamp(Entered.Timestamp),
                ["Name"] = State.Name,
                ["RetryCount"] = RetryCount,
            },
            ["StateMachine"] = new JsonObject { ["Id"] = run.Machine.Arn, ["Name"] = run.Machine.Definition.Name },
        };
        if (itemIndex is { } index)
            context["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = index, ["Value"] = JsonText.Clone(itemValue) } };
        return context;
    }
}

/// <summary>The interpreter: one execution of a definition.</summary>
internal sealed partial class ExecutionRun
{
    readonly List<HistoryEvent> history = [];
    readonly Lock gate = new();
    readonly Lock randomGate = new();
    readonly Func<double> random;
    long lastId;
    int retries;

    public ExecutionRun(LocalStateMachine machine, string name, string input, CancellationToken hostToken)
    {
        HostToken = hostToken;
        Machine = machine;
        Name = name;
        InputText = input;
        StartTime = Clock.GetUtcNow();
        Deadline = machine.Definition.TimeoutSeconds is { } timeout ? StartTime.AddSeconds(timeout) : null;
        ExecutionArn = machine.ExecutionArnFor(name);
        RoleArn = $"arn:aws:iam::{machine.Options.Account}:role/LocalStepFunctions";
        var source = machine.Options.Random;
        random = source is null ? System.Random.Shared.NextDouble : () =>
        {
            lock (randomGate) return source();
        };
    }

    public LocalStateMachine Machine { get; }

    /// <summary>
    /// The host's token. A function invocation in flight is abandoned only when the host cancels: when a sibling Map
    /// iteration or Parallel branch fails, it runs to its end (as on Lambda) and its iteration stops after it.
    /// </summary>
    public CancellationToken HostToken { get; }

    public string Name { get; }
    public string InputText { get; }
    public DateTimeOffset StartTime { get; }
    public string ExecutionArn { get; }
    public string RoleArn { get; }

    TimeProvider Clock => Machine.Options.TimeProvider;

    public JsonNode? InputNode() => JsonText.Parse(InputText);

    public IReadOnlyList<HistoryEvent> History
    {
        get
        {
            lock (gate) return [.. history];
        }
    }

    /// <summary>
    /// The events that end a thread of control (an execution, a Map or Parallel, an iteration) are recorded even past the
    /// history quota, so that a history that hit it still says how the execution ended.
    /// </summary>
    static bool Closes(string type) => type is HistoryEventTypes.ExecutionFailed or HistoryEventTypes.ExecutionAborted or HistoryEventTypes.ExecutionSucceeded
        or HistoryEventTypes.MapIterationFailed or HistoryEventTypes.MapIterationAborted or HistoryEventTypes.MapStateFailed
        or HistoryEventTypes.ParallelStateFailed or HistoryEventTypes.ParallelStateAborted or HistoryEventTypes.TaskFailed;

    public HistoryEvent Emit(Frame frame, HistoryEvent e)
    {
        lock (gate)
        {
            // Step Functions fails an execution whose history reaches its quota; we fail it with States.Runtime (never
            // retried nor caught), naming the quota. (The wording is ours.)
            if (Machine.Options.EnforceHistoryLimit && lastId >= LocalStateMachine.HistoryEventLimit && !Closes(e.Type))
                throw new StatesError(StatesErrorNames.Runtime,
                    $"The execution history reached Step Functions' quota of {LocalStateMachine.HistoryEventLimit} events (at {e.Type}{(e.StateName is null ? "" : $" of state '{e.StateName}'")}): the execution fails.",
                    terminal: true, located: true);
            var full = e with
            {
                Id = ++lastId,
                PreviousEventId = frame.LastEventId,
                Timestamp = Clock.GetUtcNow(),
                Scope = frame.Scope,
                MapIterationIndex = e.MapIterationIndex ?? frame.MapIndex,
                ExecutionArn = ExecutionArn,
            };
            history.Add(full);
            frame.LastEventId = full.Id;
            Machine.Options.OnEvent?.Invoke(full);
            return full;
        }
    }

    public ExecutionResult Result(string status, string? output, string? error, string? cause) => new()
    {
        ExecutionArn = ExecutionArn,
        Name = Name,
        Status = status,
        Output = output,
        Error = error,
        Cause = cause,
        StartDate = StartTime,
        StopDate = Clock.GetUtcNow(),
        History = History,
        Retries = Volatile.Read(ref retries),
        StateMachineArn = Machine.Arn,
        Input = InputText,
        PutEvents = PutEventsSoFar,
        ChildExecutions = ChildExecutionsSoFar,
    };

    /// <summary>Runs the states of a block from StartAt until one ends it; a failure leaves as a <see cref="StatesError"/>.</summary>
    public async Task<JsonNode?> RunBlockAsync(StatesBlock block, JsonNode? input, Frame frame, CancellationToken cancellationToken)
    {
        var state = block.States[block.StartAt];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CheckDeadline();
            var entered = Emit(frame, new HistoryEvent { Type = HistoryEventTypes.StateEntered(state.Type), StateName = state.Name, Input = JsonText.Serialize(input) });
            var stateRun = new StateRun(this, state, entered);
            StateOutcome outcome;
            try
            {
                outcome = await RunStateAsync(stateRun, input, frame, cancellationToken).ConfigureAwait(false);
                CheckPayload(outcome.Output, stateRun, "output");
            }
            catch (StatesError e) when (e.Terminal && !e.Located)
            {
                throw new StatesError(e.Error, $"An error occurred while executing the state '{state.Name}' (entered at the event id #{entered.Id}). {e.Cause}", terminal: true, located: true);
            }
            var output = JsonText.Serialize(outcome.Output);
            Emit(frame, new HistoryEvent { Type = HistoryEventTypes.StateExited(state.Type), StateName = state.Name, Output = output });
            if (outcome.Next is null) return outcome.Output;
            state = block.States[outcome.Next];
            input = outcome.Output;
        }
    }

    Task<StateOutcome> RunStateAsync(StateRun s, JsonNode? raw, Frame frame, CancellationToken ct) => s.State switch
    {
        PassState pass => Task.FromResult(RunPass(pass, s, raw)),
        TaskState task => RecoverAsync(task, s, raw,
            () => RunTaskAsync(task, s, raw, frame),
            result => Finish(task, s, raw, result, task.ResultSelector, task.ResultPath), ct),
        ChoiceState choice => Task.FromResult(RunChoice(choice, s, raw)),
        WaitState wait => RunWaitAsync(wait, s, raw, ct),
        SucceedState succeed => Task.FromResult(new StateOutcome(ApplyOutputPath(succeed, ApplyInputPath(succeed, raw)), null)),
        FailState fail => throw RunFail(fail, s, raw),
        MapState map => RecoverAsync(map, s, raw,
            () => RunMapAsync(map, s, raw, frame, ct),
            result => Finish(map, s, raw, result, map.ResultSelector, map.ResultPath), ct),
        ParallelState parallel => RecoverAsync(parallel, s, raw,
            () => RunParallelAsync(parallel, s, raw, frame, ct),
            result => Finish(parallel, s, raw, result, parallel.ResultSelector, parallel.ResultPath), ct),
        _ => throw new InvalidOperationException(s.State.GetType().Name),
    };

    EvaluationScope Scope(JsonNode? input, StateRun s, int? itemIndex = null, JsonNode? itemValue = null) =>
        new(input, () => s.Context(itemIndex, itemValue), random);

    /// <summary>Waits on the clock; waits longer than a timer allows (~49 days; Wait may ask for years) are taken in steps.</summary>
    async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        // A wait past the machine's TimeoutSeconds ends at it, and the execution times out there.
        var pastDeadline = Deadline is { } deadline && Clock.GetUtcNow() + delay >= deadline;
        if (pastDeadline) delay = Deadline!.Value - Clock.GetUtcNow();
        await DelayInStepsAsync(delay, ct).ConfigureAwait(false);
        if (pastDeadline) throw new ExecutionTimedOutException();
    }

    /// <summary>When the state machine has a TimeoutSeconds: the time the execution times out.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Checked as every state starts and as every wait ends (a running task finishes first).</summary>
    void CheckDeadline()
    {
        if (Deadline is { } deadline && Clock.GetUtcNow() >= deadline) throw new ExecutionTimedOutException();
    }

    async Task DelayInStepsAsync(TimeSpan delay, CancellationToken ct)
    {
        var step = TimeSpan.FromDays(40);
        while (delay > TimeSpan.Zero)
        {
            var part = delay < step ? delay : step;
            await Task.Delay(part, Clock, ct).ConfigureAwait(false);
            delay -= part;
        }
    }

    // ---- Input and output processing ----

    static JsonNode? ApplyInputPath(State state, JsonNode? raw) => Select(state.InputPath, raw, "InputPath");

    static JsonNode? ApplyOutputPath(State state, JsonNode? output) => Select(state.OutputPath, output, "OutputPath");

    static JsonNode? Select(OptionalPath path, JsonNode? value, string field)
    {
        if (path.IsNull) return new JsonObject();
        if (path.Path is null) return value;
        return path.Path.TryEvaluate(value, out var selected) ? selected
            : throw StatesError.Runtime($"Invalid path '{path.Path.Text}' : No results for path: {path.Path.Text} ({field}) in the input '{JsonText.Serialize(value)}'");
    }

    static JsonNode? ApplyResultPath(OptionalPath resultPath, JsonNode? raw, JsonNode? result)
    {
        if (resultPath.IsNull) return raw;
        if (resultPath.Path is null) return result;
        try
        {
            return resultPath.Path.Place(raw, result);
        }
        catch (InvalidOperationException e)
        {
            throw StatesError.Runtime($"Unable to apply ReferencePath {resultPath.Path.Text} to input '{JsonText.Serialize(raw)}': {e.Message}");
        }
    }

    /// <summary>ResultSelector, then ResultPath onto the raw input, then OutputPath.</summary>
    StateOutcome Finish(State state, StateRun s, JsonNode? raw, JsonNode? result, PayloadTemplate? resultSelector, OptionalPath resultPath)
    {
        if (resultSelector is not null) result = resultSelector.Evaluate(Scope(result, s));
        var output = ApplyResultPath(resultPath, raw, result);
        return new StateOutcome(ApplyOutputPath(state, output), state.End ? null : state.Next);
    }

    void CheckPayload(JsonNode? value, StateRun s, string what)
    {
        if (Machine.Options.EnforcePayloadLimit && JsonText.Utf8Size(value) > LocalStateMachine.PayloadLimitBytes)
            throw new StatesError(StatesErrorNames.DataLimitExceeded,
                $"The state/task '{s.State.Name}' {what} has a size exceeding the maximum number of bytes service limit ({LocalStateMachine.PayloadLimitBytes}).",
                terminal: true, located: true);
    }

    // ---- States ----

    StateOutcome RunPass(PassState pass, StateRun s, JsonNode? raw)
    {
        var effective = ApplyInputPath(pass, raw);
        if (pass.Parameters is not null) effective = pass.Parameters.Evaluate(Scope(effective, s));
        var result = pass.HasResult ? JsonText.Clone(pass.Result) : effective;
        var output = ApplyResultPath(pass.ResultPath, raw, result);
        return new StateOutcome(ApplyOutputPath(pass, output), pass.End ? null : pass.Next);
    }

    StateOutcome RunChoice(ChoiceState choice, StateRun s, JsonNode? raw)
    {
        var effective = ApplyInputPath(choice, raw);
        var scope = Scope(effective, s);
        var next = choice.Choices.FirstOrDefault(rule => rule.Matches(scope))?.Next ?? choice.Default
            ?? throw new StatesError(StatesErrorNames.NoChoiceMatched, $"No Choice Rule matched and no Default is given in the state '{choice.Name}'");
        return new StateOutcome(ApplyOutputPath(choice, effective), next);
    }

    async Task<StateOutcome> RunWaitAsync(WaitState wait, StateRun s, JsonNode? raw, CancellationToken ct)
    {
        var effective = ApplyInputPath(wait, raw);
        var scope = Scope(effective, s);
        TimeSpan delay;
        if (wait.Seconds is { } seconds)
        {
            delay = TimeSpan.FromSeconds(seconds);
        }
        else if (wait.SecondsPath is { } secondsPath)
        {
            if (!scope.TryEvaluate(secondsPath, out var value)) throw StatesError.Runtime($"Invalid path '{secondsPath.Text}' : No results for path: {secondsPath.Text} (SecondsPath)");
            if (!JsonText.IsInteger(value, out var n) || n < 0)
                throw StatesError.Runtime($"The SecondsPath parameter does not reference a valid non-negative integer: {JsonText.Serialize(value)}");
            delay = TimeSpan.FromSeconds(n);
        }
        else
        {
            DateTimeOffset until;
            if (wait.Timestamp is { } timestamp)
            {
                until = timestamp;
            }
            else
            {
                var path = wait.TimestampPath!;
                if (!scope.TryEvaluate(path, out var value)) throw StatesError.Runtime($"Invalid path '{path.Text}' : No results for path: {path.Text} (TimestampPath)");
                if (!JsonText.IsString(value, out var text) || !ChoiceRule.TryTimestamp(text, out until))
                    throw StatesError.Runtime($"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {JsonText.Serialize(value)}");
            }
            delay = until - Clock.GetUtcNow();
        }
        await DelayAsync(delay, ct).ConfigureAwait(false);
        return new StateOutcome(ApplyOutputPath(wait, effective), wait.End ? null : wait.Next);
    }

    StatesError RunFail(FailState fail, StateRun s, JsonNode? raw)
    {
        var scope = Scope(raw, s);
        var error = fail.Error ?? fail.ErrorPath?.Evaluate(scope);
        var cause = fail.Cause ?? fail.CausePath?.Evaluate(scope);
        return new StatesError(error, cause);
    }

    // ---- Task (lambda:invoke) ----

    Task<JsonNode?> RunTaskAsync(TaskState task, StateRun s, JsonNode? raw, Frame frame) => task.Kind switch
    {
        TaskKind.LambdaInvoke => InvokeAsync(task, s, raw, frame),
        TaskKind.PutEvents => PutEventsAsync(task, s, raw, frame),
        _ => StartExecutionAsync(task, s, raw, frame),
    };

    async Task<JsonNode?> InvokeAsync(TaskState task, StateRun s, JsonNode? raw, Frame frame)
    {
        var effective = ApplyInputPath(task, raw);
        var parameters = task.Parameters.Evaluate(Scope(effective, s)) as JsonObject ?? throw new InvalidOperationException("Parameters is an object");
        CheckPayload(parameters, s, "input (after Parameters)");
        if (!JsonText.IsString(parameters["FunctionName"], out var functionName))
            throw StatesError.Runtime($"The field 'FunctionName' must be a string, but is {JsonText.Serialize(parameters["FunctionName"])}");
        var payload = JsonText.Serialize(parameters["Payload"]);

        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskScheduled, StateName = task.Name, Resource = "lambda:invoke", FunctionName = functionName, Input = JsonText.Serialize(parameters) });
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskStarted, StateName = task.Name, Resource = "lambda:invoke", FunctionName = functionName });
        var invocation = Machine.Functions.Contains(functionName)
            ? await Machine.Functions.InvokeAsync(functionName, payload, HostToken).ConfigureAwait(false)
            : null;
        if (invocation is null || invocation.IsError)
        {
            var (error, cause) = invocation is null
                ? ("Lambda.ResourceNotFoundException", $"Function not found: {functionName} (Service: Lambda, Status Code: 404, Error Code: ResourceNotFoundException)")
                : (invocation.ErrorType!, JsonSerializer.Serialize(new JsonObject { ["errorType"] = invocation.ErrorType, ["errorMessage"] = invocation.ErrorMessage }, JsonText.Options));
            Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskFailed, StateName = task.Name, Resource = "lambda:invoke", FunctionName = functionName, Error = error, Cause = cause });
            throw new StatesError(error, cause);
        }

        var result = new JsonObject
        {
            ["ExecutedVersion"] = invocation.ExecutedVersion,
            ["Payload"] = ParsePayload(invocation.Payload),
            ["SdkHttpMetadata"] = new JsonObject
            {
                ["HttpHeaders"] = new JsonObject
                {
                    ["Content-Type"] = "application/json",
                    ["X-Amz-Executed-Version"] = invocation.ExecutedVersion,
                    ["x-amzn-RequestId"] = invocation.RequestId,
                },
                ["HttpStatusCode"] = 200,
            },
            ["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = invocation.RequestId },
            ["StatusCode"] = 200,
        };
        CheckPayload(result, s, "task result");
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskSucceeded, StateName = task.Name, Resource = "lambda:invoke", FunctionName = functionName, Output = JsonText.Serialize(result) });
        return result;
    }

    /// <summary>The function's output as JSON when it is JSON (as lambda:invoke parses it), else as a string.</summary>
    static JsonNode? ParsePayload(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            return JsonText.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    // ---- Retry and Catch ----

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

    // ---- Map and Parallel ----

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
