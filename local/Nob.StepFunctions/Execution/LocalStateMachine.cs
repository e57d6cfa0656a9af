using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;

namespace Nob.StepFunctions;

public sealed class LocalStateMachineOptions
{
    /// <summary>The clock: Wait states and retry delays are awaited on it, timestamps read from it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A number in [0, 1) for FULL jitter and States.MathRandom; default <see cref="Random.Shared"/>.</summary>
    public Func<double>? Random { get; init; }

    /// <summary>
    /// Called for every history event as it happens (a state entered or exited, with its Map iteration index, a task
    /// scheduled, …). Called under the history lock, so events arrive in order: keep it quick and do not call the runner.
    /// </summary>
    public Action<HistoryEvent>? OnEvent { get; init; }

    /// <summary>
    /// Receives the entries every events:putEvents task puts (the accepted ones, once per task attempt), before the task
    /// succeeds; an exception from it is the host's and ends the run. Null: the events are only kept on
    /// <see cref="ExecutionResult.PutEvents"/>. <see cref="JsonLinesEventRecorder.RecordAsync"/> writes them to a file.
    /// Nested executions use the same options, so their events arrive here too.
    /// </summary>
    public Func<IReadOnlyList<PutEventsEntry>, CancellationToken, Task>? OnPutEvents { get; init; }

    /// <summary>
    /// Awaited before an execution (the host's or a nested one) runs its first state, with its ARN: where the host
    /// registers it so that DescribeExecution elsewhere knows it runs. An exception from it fails the start.
    /// </summary>
    public Func<string, CancellationToken, Task>? OnExecutionStarting { get; init; }

    /// <summary>
    /// Awaited once an execution ended, with its ARN and status (SUCCEEDED, FAILED or ABORTED), before
    /// <see cref="LocalStateMachine.ExecuteAsync"/> returns or throws. Not called when the process dies first.
    /// </summary>
    public Func<string, string, CancellationToken, Task>? OnExecutionEnded { get; init; }

    /// <summary>What <c>${AWS::StackName}</c> and <c>!Ref AWS::StackName</c> resolve to in a template.</summary>
    public string StackName { get; init; } = "nob";

    public string Region { get; init; } = "us-east-1";
    public string Account { get; init; } = "123456789012";

    /// <summary>Step Functions' payload quota (256 KiB per state input, output and task result), enforced as States.DataLimitExceeded. Default true.</summary>
    public bool EnforcePayloadLimit { get; init; } = true;

    /// <summary>
    /// Step Functions' history quota (25,000 events per execution; a nested execution has its own history): an execution
    /// whose history would grow past it fails with States.Runtime, which no Retry or Catch handles. Default true.
    /// </summary>
    public bool EnforceHistoryLimit { get; init; } = true;
}

/// <summary>
/// Runs a state machine definition locally: <see cref="ExecuteAsync"/> runs one execution to its end and returns its
/// status, output or error and cause, and its history.
/// </summary>
public sealed class LocalStateMachine
{
    /// <summary>Step Functions' payload quota: 256 KiB, UTF-8.</summary>
    public const int PayloadLimitBytes = 262144;

    /// <summary>Step Functions' quota on one execution's history (Standard workflows): 25,000 events.</summary>
    public const int HistoryEventLimit = 25000;

    public LocalStateMachine(StateMachineDefinition definition, ILambdaFunctions functions, LocalStateMachineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(functions);
        Definition = definition;
        Functions = functions;
        Options = options ?? new LocalStateMachineOptions();
        foreach (var task in StateMachineDefinition.Tasks(definition.Root))
        {
            if (task.StaticFunctionName is { } name && !functions.Contains(name))
                throw new StatesDefinitionException($"{task.Location}: FunctionName \"{name}\" is not a function the runner knows");
        }
    }

    /// <summary>
    /// The state machine <paramref name="stateMachineLogicalId"/> of a SAM template, its functions run in-process,
    /// each handler constructed by <paramref name="handlerFactory"/> (default: the parameterless constructor).
    /// </summary>
    public static LocalStateMachine FromTemplate(string templatePath, string stateMachineLogicalId, HandlerFactory? handlerFactory = null,
        LocalStateMachineOptions? options = null, InProcessLambdaOptions? lambdaOptions = null)
    {
        var o = options ?? new LocalStateMachineOptions();
        var template = SamTemplate.Load(templatePath, o.Region, o.Account, o.StackName);
        return FromTemplate(template, stateMachineLogicalId, InProcessLambdaFunctions.FromTemplate(template, handlerFactory, lambdaOptions), o);
    }

    /// <summary>
    /// The state machine <paramref name="stateMachineLogicalId"/> of a loaded template, calling <paramref name="functions"/>.
    /// Its states:startExecution tasks may start any state machine of the template (built when first started, with the
    /// same functions and options); a literal StateMachineArn that names none of them is rejected here.
    /// </summary>
    public static LocalStateMachine FromTemplate(SamTemplate template, string stateMachineLogicalId, ILambdaFunctions functions, LocalStateMachineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var o = options ?? new LocalStateMachineOptions();
        // The template's ARNs (what !Ref gives) must be the ARNs the machines run under.
        if (template.Region != o.Region || template.Account != o.Account)
            throw new ArgumentException($"the template was loaded for {template.Region}/{template.Account}, the options say {o.Region}/{o.Account}", nameof(options));
        return new TemplateStateMachines(template, functions, o).Get(stateMachineLogicalId);
    }

    public StateMachineDefinition Definition { get; }
    public ILambdaFunctions Functions { get; }
    public LocalStateMachineOptions Options { get; }

    public string Arn => $"arn:aws:states:{Options.Region}:{Options.Account}:stateMachine:{Definition.Name}";

    /// <summary>
    /// Resolves the StateMachineArn of a states:startExecution task to the machine to run as a nested execution; null
    /// (or a null answer) fails the task with StepFunctions.StateMachineDoesNotExistException. FromTemplate sets it to
    /// the template's state machines; a test may set it to its own.
    /// </summary>
    public Func<string, LocalStateMachine?>? StateMachines { get; init; }

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> startedNames = new(StringComparer.Ordinal);

    /// <summary>The ARN an execution of this machine with <paramref name="executionName"/> has.</summary>
    public string ExecutionArnFor(string executionName) => $"arn:aws:states:{Options.Region}:{Options.Account}:execution:{Definition.Name}:{executionName}";

    /// <summary>
    /// Claims an execution name for a nested execution: Step Functions refuses a name a Standard machine has already
    /// used (ExecutionAlreadyExists). Executions started with <see cref="ExecuteAsync"/> by the host are not checked.
    /// </summary>
    internal bool ReserveExecutionName(string executionName) => startedNames.TryAdd(executionName, 0);

    /// <summary>
    /// Runs one execution with <paramref name="input"/> (JSON) to its end. A failed execution is a result, not an
    /// exception. Throws <see cref="ArgumentException"/> for input that is not JSON or too large (as StartExecution
    /// rejects it), <see cref="ExecutionAbortedException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<ExecutionResult> ExecuteAsync(string input, string? executionName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        JsonNode? inputNode;
        try
        {
            inputNode = JsonText.Parse(input);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"InvalidExecutionInput: the input is not JSON: {e.Message}", nameof(input), e);
        }
        if (Options.EnforcePayloadLimit && System.Text.Encoding.UTF8.GetByteCount(input) > PayloadLimitBytes)
            throw new ArgumentException($"InvalidExecutionInput: the input is larger than {PayloadLimitBytes} bytes", nameof(input));
        var name = executionName ?? Guid.NewGuid().ToString();
        if (name.Length is 0 or > 80) throw new ArgumentException("An execution name has 1 to 80 characters", nameof(executionName));

        var run = new ExecutionRun(this, name, input, cancellationToken);
        if (Options.OnExecutionStarting is { } starting) await starting(run.ExecutionArn, cancellationToken).ConfigureAwait(false);
        var result = await RunAsync(run, inputNode, cancellationToken).ConfigureAwait(false);
        if (Options.OnExecutionEnded is { } ended)
            await ended(run.ExecutionArn, result?.Status ?? ExecutionAbortedStatus, CancellationToken.None).ConfigureAwait(false);
        return result ?? throw new ExecutionAbortedException(run.ExecutionArn, run.History, cancellationToken);
    }

    const string ExecutionAbortedStatus = "ABORTED";

    /// <summary>The execution's result; null when it was aborted (<paramref name="cancellationToken"/> cancelled).</summary>
    async Task<ExecutionResult?> RunAsync(ExecutionRun run, JsonNode? inputNode, CancellationToken cancellationToken)
    {
        var top = new Frame("", null, null);
        run.Emit(top, new HistoryEvent { Type = HistoryEventTypes.ExecutionStarted, Input = run.InputText });
        try
        {
            var output = await run.RunBlockAsync(Definition.Root, inputNode, top, cancellationToken).ConfigureAwait(false);
            var text = JsonText.Serialize(output);
            run.Emit(top, new HistoryEvent { Type = HistoryEventTypes.ExecutionSucceeded, Output = text });
            return run.Result(ExecutionResult.Succeeded, text, null, null);
        }
        catch (StatesError e)
        {
            run.Emit(top, new HistoryEvent { Type = HistoryEventTypes.ExecutionFailed, Error = e.Error, Cause = e.Cause });
            return run.Result(ExecutionResult.Failed, null, e.Error, e.Cause);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Emit(top, new HistoryEvent { Type = HistoryEventTypes.ExecutionAborted });
            return null;
        }
        catch (ExecutionTimedOutException e)
        {
            run.Emit(top, new HistoryEvent { Type = HistoryEventTypes.ExecutionTimedOut, Error = StatesErrorNames.Timeout, Cause = e.Message });
            return run.Result(ExecutionResult.TimedOut, null, StatesErrorNames.Timeout, e.Message);
        }
    }
}
