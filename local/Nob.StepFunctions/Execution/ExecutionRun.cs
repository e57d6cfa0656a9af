using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions;

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
}
