using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.LocalCloud.Http;
using Nob.StepFunctions;

namespace Nob.LocalCloud.States;

/// <summary>
/// The workflow hosted by the endpoint: template.yaml loaded for the endpoint's region/account/stack, its functions
/// in-process, its state machines run in the background exactly as Step Functions runs them (the runner's
/// <see cref="LocalStateMachine"/>). Every execution (those StartExecution starts and the nested ones their
/// states:startExecution tasks run) is recorded with its history in the data folder (<see cref="ExecutionStore"/>), so
/// DescribeExecution, ListExecutions and GetExecutionHistory answer for it across restarts. An execution still running
/// when the endpoint stops, gracefully or killed, ends FAILED with <see cref="EndpointStoppedError"/>: at the stop, or at
/// the next start for one the endpoint had no time to end.
/// </summary>
public sealed partial class LocalWorkflowHost
{
    /// <summary>The error of an execution that was running when the endpoint stopped.</summary>
    public const string EndpointStoppedError = "Local.EndpointStopped";

    /// <summary>The error of an execution the host itself failed to carry on (an event it could not record, …).</summary>
    public const string HostError = "Local.HostError";

    public const string EndpointStoppedCause =
        "The local endpoint stopped while this execution ran, so it did not finish. Its brokers are as it left them; "
        + "running it again is safe, since every step is idempotent (the network lock sees this execution is no longer running).";

    /// <summary>How long a graceful stop waits for the cancelled executions to end before recording them itself.</summary>
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(10);

    /// <summary>The StartExecution run a nested execution runs under (its parent, at any depth).</summary>
    private static readonly AsyncLocal<string?> TopExecution = new();

    private readonly Lock _gate = new();
    private readonly ExecutionStore _store;
    private readonly Dictionary<string, LiveExecution> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HostedMachine> _machines = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;
    private bool _open;
    private bool _stopping;

    private LocalWorkflowHost(SamTemplate template, ILambdaFunctions functions, ExecutionStore store, TimeProvider clock, Action<string> log, Func<IReadOnlyList<PutEventsEntry>, CancellationToken, Task>? onPutEvents)
    {
        Template = template;
        Functions = functions;
        _store = store;
        _clock = clock;
        _log = log;
        var options = new LocalStateMachineOptions
        {
            TimeProvider = clock,
            Region = template.Region,
            Account = template.Account,
            StackName = template.StackName,
            OnPutEvents = onPutEvents,
            OnExecutionStarting = OnExecutionStartingAsync,
            OnExecutionEnded = OnExecutionEndedAsync,
            OnEvent = OnEvent,
        };
        foreach (var resource in template.StateMachines.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var machine = LocalStateMachine.FromTemplate(template, resource.LogicalId, functions, options);
            _machines[resource.Arn] = new HostedMachine(resource, machine, RoleArnOf(template, resource),
                new DateTimeOffset(File.GetLastWriteTimeUtc(resource.DefinitionPath), TimeSpan.Zero), Definition(resource));
        }

        RecoverInterrupted();
    }

    /// <summary>The template, loaded for the endpoint's region, account and stack name.</summary>
    public SamTemplate Template { get; }

    /// <summary>The template's functions, in-process (ApiFunction among them).</summary>
    public ILambdaFunctions Functions { get; }

    /// <summary>The template's state machines, by name.</summary>
    internal IEnumerable<HostedMachine> Machines => _machines.Values.OrderBy(m => m.Resource.Name, StringComparer.Ordinal);

    internal HostedMachine? Machine(string stateMachineArn) => _machines.GetValueOrDefault(stateMachineArn);

    /// <summary>
    /// Builds the host: the template for <paramref name="region"/>/<paramref name="account"/>, the functions in-process
    /// (or <see cref="LocalWorkflowOptions.Functions"/>), executions kept in <paramref name="executionsFolder"/>. Executions
    /// the previous endpoint left running end FAILED here. Starts are refused until <see cref="Open"/>.
    /// </summary>
    internal static LocalWorkflowHost Create(LocalWorkflowOptions options, string region, string account, string executionsFolder, Action<string> log, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var template = SamTemplate.Load(options.TemplatePath, region, account, options.StackName);
        var functions = options.Functions ?? InProcessLambdaFunctions.FromTemplate(template, options.HandlerFactory,
            new InProcessLambdaOptions { Environment = options.FunctionEnvironment });
        Func<IReadOnlyList<PutEventsEntry>, CancellationToken, Task>? onPutEvents = null;
        if (options.EventsFile is { } eventsFile)
        {
            Nob.LocalBrokers.PrivateFiles.EnsureFile(eventsFile); // the recorder appends; created here so it is 0600
            onPutEvents = new JsonLinesEventRecorder(eventsFile).RecordAsync;
        }

        return new LocalWorkflowHost(template, functions, new ExecutionStore(executionsFolder), clock ?? TimeProvider.System, log, onPutEvents);
    }

    /// <summary>From now on executions may start (the endpoint listens and the functions can reach it).</summary>
    internal void Open()
    {
        lock (_gate)
        {
            _open = true;
        }
    }

    /// <summary>
    /// Starts an execution in the background exactly as the StartExecution operation does (same name rules, same errors
    /// as ServiceError with Step Functions' codes), returns its ARN and start date. A second start with the same name
    /// and input while the first runs returns the first's answer, as Step Functions does.
    /// </summary>
    public Task<(string ExecutionArn, DateTimeOffset StartDate)> StartExecutionAsync(string stateMachineArn, string? name, string input, CancellationToken cancellationToken)
        => Task.FromResult(Start(stateMachineArn, name, input, traceHeader: null));

    internal (string ExecutionArn, DateTimeOffset StartDate) Start(string stateMachineArn, string? name, string? input, string? traceHeader)
    {
        StatesArns.CheckStateMachineArn(stateMachineArn);
        var hosted = Machine(stateMachineArn) ?? throw new ServiceError(400, "StateMachineDoesNotExist", $"State Machine Does Not Exist: '{stateMachineArn}'");
        var executionName = name ?? Guid.NewGuid().ToString();
        StatesArns.CheckName(executionName, "name");
        var given = input ?? "{}";
        StatesArns.CheckInput(given);
        var arn = hosted.Runner.ExecutionArnFor(executionName);
        var inputHash = ExecutionStore.Sha256(given);
        LiveExecution live;
        lock (_gate)
        {
            if (!_open || _stopping)
            {
                throw new ServiceError(400, "ExecutionLimitExceeded", _stopping ? "The local endpoint is stopping; start the execution again once it runs." : "The local endpoint is starting; try again in a moment.");
            }

            if (_store.Find(arn) is { } existing)
            {
                if (existing.Status == ExecutionStatus.Running && existing.ParentArn is null && existing.InputSha256 == inputHash)
                {
                    return (arn, existing.StartDate);
                }

                throw new ServiceError(400, "ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");
            }

            var record = new ExecutionRecord
            {
                ExecutionArn = arn, StateMachineArn = stateMachineArn, Name = executionName, StartDate = _clock.GetUtcNow(),
                InputSha256 = inputHash, TraceHeader = traceHeader,
            };
            _store.Add(record);
            live = new LiveExecution(record, _store.OpenHistory(record), hosted) { CallerInput = given, Cancel = new CancellationTokenSource() };
            _live[arn] = live;
        }

        var effective = LocalPolling.Apply(hosted.Resource.LogicalId, given);
        _log($"execution {arn} started");
        live.Run = Task.Run(() => RunAsync(live, effective, executionName));
        return (arn, live.Record.StartDate);
    }

    private async Task RunAsync(LiveExecution live, string input, string executionName)
    {
        TopExecution.Value = live.Record.ExecutionArn;
        try
        {
            var result = await live.Machine.Runner.ExecuteAsync(input, executionName, live.Cancel!.Token).ConfigureAwait(false);
            _log($"execution {live.Record.ExecutionArn} ended {result.Status}");
        }
        catch (ExecutionAbortedException)
        {
            _log($"execution {live.Record.ExecutionArn} stopped");
        }
        catch (Exception e)
        {
            _log($"execution {live.Record.ExecutionArn}: the host failed it: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            // What the runner could not end through its hooks (an exception the host raised in one) ends here, nested ones too.
            EndLeftovers(r => r.ExecutionArn == live.Record.ExecutionArn || r.ParentArn == live.Record.ExecutionArn, HostError,
                "The local endpoint could not carry this execution on; see its log.");
        }
    }

    /// <summary>
    /// StopExecution: cancels a running execution, which ends ABORTED with <paramref name="error"/> and <paramref name="cause"/>
    /// (its ExecutionAborted event carries them); an execution that has ended keeps its end and answers its stop date.
    /// </summary>
    internal async Task<DateTimeOffset> StopExecutionAsync(string executionArn, string? error, string? cause)
    {
        LiveExecution? live;
        lock (_gate)
        {
            var record = _store.Find(executionArn) ?? throw new ServiceError(400, "ExecutionDoesNotExist", $"Execution Does Not Exist: '{executionArn}'");
            if (!_live.TryGetValue(executionArn, out live))
            {
                return record.StopDate ?? record.StartDate;
            }

            if (live.Cancel is null)
            {
                throw new ServiceError(400, "ValidationException",
                    $"'{executionArn}' was started by the states:startExecution task of '{record.ParentArn}'; locally it stops with that execution: stop that one");
            }

            live.StopError = error;
            live.StopCause = cause;
            live.StopRequested = true;
        }

        await live.Cancel.CancelAsync().ConfigureAwait(false);
        await WaitAsync(live.Run, StopPatience).ConfigureAwait(false);
        lock (_gate)
        {
            return _store.Find(executionArn)?.StopDate ?? _clock.GetUtcNow();
        }
    }

    /// <summary>
    /// A graceful stop: refuses new starts, cancels every running execution and records it FAILED with
    /// <see cref="EndpointStoppedError"/> (an ExecutionFailed event), waiting a bounded time for the runs to end.
    /// </summary>
    internal async Task StopAsync()
    {
        List<LiveExecution> running;
        lock (_gate)
        {
            _stopping = true;
            running = [.. _live.Values.Where(l => l.Cancel is not null)];
        }

        foreach (var live in running)
        {
            await live.Cancel!.CancelAsync().ConfigureAwait(false);
        }

        foreach (var live in running)
        {
            await WaitAsync(live.Run, StopPatience).ConfigureAwait(false);
        }

        EndLeftovers(_ => true, EndpointStoppedError, EndpointStoppedCause);
    }

    private static async Task WaitAsync(Task? run, TimeSpan patience)
    {
        if (run is null)
        {
            return;
        }

        try
        {
            await run.WaitAsync(patience).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The caller records what is still running.
        }
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    internal ExecutionRecord? Find(string executionArn)
    {
        lock (_gate)
        {
            return _store.Find(executionArn)?.Copy();
        }
    }

    internal List<ExecutionRecord> Executions()
    {
        lock (_gate)
        {
            return [.. _store.All.Select(r => r.Copy())];
        }
    }

    /// <summary>The execution's events in GetExecutionHistory's shape, with their execution data.</summary>
    internal List<JsonObject> History(string executionArn)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(executionArn, out var live))
            {
                return [.. live.Events.Select(e => (JsonObject)e.DeepClone())];
            }

            return _store.Find(executionArn) is { } record ? _store.ReadHistory(record) : [];
        }
    }

    /// <summary>The execution's input, and its output once it succeeded, from its ExecutionStarted and ExecutionSucceeded events.</summary>
    internal (string? Input, string? Output) InputAndOutput(string executionArn)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(executionArn, out var live))
            {
                return (Detail(live.Events.FirstOrDefault(), "executionStartedEventDetails", "input"), null);
            }
        }

        var events = History(executionArn);
        return (Detail(events.FirstOrDefault(), "executionStartedEventDetails", "input"),
            Detail(events.LastOrDefault(e => e["type"]?.GetValue<string>() == HistoryEventTypes.ExecutionSucceeded), "executionSucceededEventDetails", "output"));
    }

    private static string? Detail(JsonObject? shaped, string member, string field) => shaped?[member]?[field]?.GetValue<string>();

    // ---- the runner's hooks -----------------------------------------------------------------------------------

    private Task OnExecutionStartingAsync(string executionArn, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(executionArn, out var own) && own.Cancel is not null)
            {
                return Task.CompletedTask; // a StartExecution's, recorded already
            }

            if (_store.Find(executionArn) is not null)
            {
                // The runner turns this into the task's StepFunctions.InvalidNameException.
                throw new ArgumentException($"Execution Already Exists: '{executionArn}'", "executionName");
            }

            var parts = executionArn.Split(':');
            var hosted = _machines.GetValueOrDefault($"arn:aws:states:{parts[3]}:{parts[4]}:stateMachine:{parts[6]}")
                ?? throw new InvalidOperationException($"{executionArn} is not an execution of the template's state machines");
            var record = new ExecutionRecord
            {
                ExecutionArn = executionArn, StateMachineArn = hosted.Resource.Arn, Name = parts[7], StartDate = _clock.GetUtcNow(),
                ParentArn = TopExecution.Value,
            };
            _store.Add(record);
            _live[executionArn] = new LiveExecution(record, _store.OpenHistory(record), hosted);
        }

        return Task.CompletedTask;
    }

    private void OnEvent(HistoryEvent e)
    {
        lock (_gate)
        {
            if (e.ExecutionArn is null || !_live.TryGetValue(e.ExecutionArn, out var live))
            {
                return;
            }

            var recorded = e;
            switch (e.Type)
            {
                case HistoryEventTypes.ExecutionStarted:
                    // The input the caller sent, as DescribeExecution shows it (the run uses local polling: LocalPolling).
                    recorded = e with { Input = live.CallerInput ?? e.Input };
                    live.Record.InputSha256 = ExecutionStore.Sha256(recorded.Input ?? "");
                    break;
                case HistoryEventTypes.ExecutionAborted when _stopping && !StoppedByCaller(live):
                    recorded = e with { Type = HistoryEventTypes.ExecutionFailed, Error = EndpointStoppedError, Cause = EndpointStoppedCause };
                    break;
                case HistoryEventTypes.ExecutionAborted:
                    var top = live.Cancel is null && live.Record.ParentArn is { } parent && _live.TryGetValue(parent, out var p) ? p : live;
                    recorded = e with { Error = top.StopError, Cause = top.StopCause };
                    break;
            }

            if (recorded.Type is HistoryEventTypes.ExecutionFailed or HistoryEventTypes.ExecutionAborted or HistoryEventTypes.ExecutionTimedOut)
            {
                live.Record.Error = recorded.Error;
                live.Record.Cause = recorded.Cause;
            }

            var shaped = HistoryShapes.ToAws(recorded, Template.Region, live.Machine.RoleArn);
            live.Events.Add(shaped);
            live.LastEventId = recorded.Id;
            ExecutionStore.WriteEvent(live.History, shaped);
        }
    }

    private Task OnExecutionEndedAsync(string executionArn, string status, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_live.Remove(executionArn, out var live))
            {
                live.Record.Status = status == ExecutionStatus.Aborted && _stopping && !StoppedByCaller(live) ? ExecutionStatus.Failed : status;
                live.Record.StopDate = _clock.GetUtcNow();
                live.Close();
                _store.Save();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Stopped by StopExecution (of it, or of the execution it runs under), not by the endpoint stopping.</summary>
    private bool StoppedByCaller(LiveExecution live) =>
        live.StopRequested || (live.Record.ParentArn is { } parent && _live.TryGetValue(parent, out var top) && top.StopRequested);

    // ---- endings the runner did not record ------------------------------------------------------------------------

    /// <summary>At start: what the previous endpoint left RUNNING (it was killed, or its stop ran out of patience) ends FAILED.</summary>
    private void RecoverInterrupted()
    {
        lock (_gate)
        {
            foreach (var record in _store.All.Where(r => r.Status == ExecutionStatus.Running))
            {
                var lastId = _store.ReadHistory(record).Select(e => (long?)e["id"]?.GetValue<long>() ?? 0).DefaultIfEmpty(0).Max();
                EndRecord(record, lastId, EndpointStoppedError, EndpointStoppedCause, appendAfterCrash: true);
                _log($"execution {record.ExecutionArn} was running when the endpoint stopped: ended FAILED ({EndpointStoppedError})");
            }

            _store.Save();
        }
    }

    private void EndLeftovers(Func<ExecutionRecord, bool> which, string error, string cause)
    {
        lock (_gate)
        {
            var left = _live.Values.Where(l => which(l.Record)).ToList();
            foreach (var live in left)
            {
                _live.Remove(live.Record.ExecutionArn);
                live.Close();
                EndRecord(live.Record, live.LastEventId, error, cause, appendAfterCrash: true);
            }

            if (left.Count > 0)
            {
                _store.Save();
            }
        }
    }

    private void EndRecord(ExecutionRecord record, long lastEventId, string error, string cause, bool appendAfterCrash)
    {
        var now = _clock.GetUtcNow();
        var failed = HistoryShapes.ExecutionFailed(lastEventId + 1, lastEventId, now, error, cause);
        if (appendAfterCrash)
        {
            _store.AppendAfterCrash(record, failed);
        }

        record.Status = ExecutionStatus.Failed;
        record.Error = error;
        record.Cause = cause;
        record.StopDate = now;
    }

    // ---- the template's machines -------------------------------------------------------------------------------

    /// <summary>The role SAM makes for a state machine with Policies (named after the stack and the logical id).</summary>
    private static string RoleArnOf(SamTemplate template, StateMachineResource resource) =>
        $"arn:{SamTemplate.Partition}:iam::{template.Account}:role/{template.StackName}-{resource.LogicalId}Role";

    /// <summary>The definition as CloudFormation hands it to Step Functions: the ASL with its DefinitionSubstitutions applied.</summary>
    private static string Definition(StateMachineResource resource) =>
        Placeholder().Replace(File.ReadAllText(resource.DefinitionPath), m =>
            resource.Substitutions.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Placeholder();
}
