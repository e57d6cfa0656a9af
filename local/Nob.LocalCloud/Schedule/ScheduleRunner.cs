using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;
using Nob.StepFunctions;

namespace Nob.LocalCloud.Schedule;

/// <summary>
/// Runs one template schedule while the endpoint runs, as EventBridge Scheduler would: at each due time it starts the
/// target (through <c>start</c>: state machine ARN, execution name — none, so one is generated —, input) with the
/// schedule's input; a start that fails with throttling or a server-side error is retried with exponential backoff while
/// the RetryPolicy allows (MaximumRetryAttempts retries, none after MaximumEventAgeInSeconds from the due time), and an
/// invocation that still fails, or fails with a client error, goes to the dead-letter file. Each invocation runs on its
/// own, so a slow one never holds back the next. A disabled schedule never runs.
/// <para>
/// When it became active is kept in the data folder (schedules.json, with the last run): a rate schedule counts its
/// periods from then across restarts, and runs missed while the endpoint was down are not made up (EventBridge Scheduler
/// runs each time as it comes; here none came). A schedule that is new, or whose expression, time zone or state changed,
/// becomes active at the endpoint's start: a rate schedule then runs at once, as EventBridge Scheduler starts a rate
/// schedule without StartDate "immediately" (User Guide, Schedule types).
/// </para>
/// </summary>
internal sealed class ScheduleRunner : IAsyncDisposable
{
    public const string StateFileName = "schedules.json";

    /// <summary>EventBridge Scheduler invokes within 60 seconds of the due time; a wake-up later than that (the machine slept) skips what it missed.</summary>
    private static readonly TimeSpan Precision = TimeSpan.FromSeconds(60);

    /// <summary>Timers are set at most this far ahead, so a distant run never needs one longer than Task.Delay takes.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromMinutes(5);

    private readonly ScheduleResource _schedule;
    private readonly ScheduleExpression _expression;
    private readonly Func<string, string?, string, CancellationToken, Task<string>> _start;
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;
    private readonly JsonStateFile<StoredSchedules> _stateFile;
    private readonly DeadLetterFile _deadLetters;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _invocations = [];
    private readonly DateTimeOffset _activatedAt;
    private DateTimeOffset? _nextRun;
    private ScheduleRun? _lastRun;
    private int _deadLetterCount;
    private Task _loop = Task.CompletedTask;

    private ScheduleRunner(ScheduleResource schedule, ScheduleExpression expression, Func<string, string?, string, CancellationToken, Task<string>> start,
        string dataDirectory, TimeProvider clock, Action<string> log)
    {
        _schedule = schedule;
        _expression = expression;
        _start = start;
        _clock = clock;
        _log = log;
        _stateFile = new JsonStateFile<StoredSchedules>(Path.Combine(dataDirectory, StateFileName));
        _deadLetters = new DeadLetterFile(Path.Combine(dataDirectory, DeadLetterFile.FileName));
        _deadLetterCount = _deadLetters.Count(schedule.Arn);

        var state = _stateFile.Load();
        var stored = state.Schedules.GetValueOrDefault(schedule.LogicalId);
        var now = clock.GetUtcNow();
        var unchanged = stored is { Enabled: true } && schedule.Enabled && stored.Expression == schedule.Expression && stored.Timezone == expression.TimeZone.Id;
        _activatedAt = unchanged ? stored!.ActivatedAt : now;
        _lastRun = stored?.LastRun;
        // A run already made is not made again (a restart within the minute it was due).
        var from = unchanged && stored!.LastRun is { } last && last.ScheduledTime >= now ? last.ScheduledTime.AddTicks(1) : now;
        _nextRun = schedule.Enabled ? expression.Next(from, _activatedAt) : null;
        Save();
    }

    /// <summary>
    /// Reads the schedule's expression and time zone (a <see cref="ScheduleExpressionException"/> for one EventBridge
    /// Scheduler refuses) and its state in <paramref name="dataDirectory"/>; nothing runs before <see cref="Start"/>.
    /// </summary>
    public static ScheduleRunner Create(ScheduleResource schedule, Func<string, string?, string, CancellationToken, Task<string>> start, string dataDirectory,
        TimeProvider? clock = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(start);
        var expression = ScheduleExpression.Parse(schedule.Expression, schedule.ExpressionTimezone);
        return new ScheduleRunner(schedule, expression, start, dataDirectory, clock ?? TimeProvider.System, log ?? (_ => { }));
    }

    public ScheduleExpression Expression => _expression;

    public ScheduleStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new ScheduleStatus
                {
                    Name = _schedule.Name,
                    Arn = _schedule.Arn,
                    Expression = _schedule.Expression,
                    Timezone = _expression.TimeZone.Id,
                    State = _schedule.Enabled ? "ENABLED" : "DISABLED",
                    TargetArn = _schedule.TargetArn,
                    NextRun = _nextRun,
                    LastRun = _lastRun,
                    DeadLetterFile = _deadLetters.Path,
                    DeadLetters = _deadLetterCount,
                };
            }
        }
    }

    /// <summary>Starts waiting for the due times in the background.</summary>
    public void Start()
    {
        if (_schedule.Enabled)
        {
            _log($"schedule {_schedule.Name}: {_schedule.Expression} ({_expression.TimeZone.Id}), next run {_nextRun?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
            _loop = Task.Run(() => LoopAsync(_stopping.Token));
        }
        else
        {
            _log($"schedule {_schedule.Name}: DISABLED, never runs");
        }
    }

    /// <summary>Stops the timer; an invocation under way ends (one not started goes to the dead-letter file).</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Task[] invocations;
        lock (_gate)
        {
            invocations = [.. _invocations];
        }

        await Task.WhenAll(invocations).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            DateTimeOffset due;
            lock (_gate)
            {
                if (_nextRun is not { } next)
                {
                    return;
                }

                due = next;
            }

            var wait = due - _clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait < LongestWait ? wait : LongestWait, _clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (_clock.GetUtcNow() < due)
                {
                    continue;
                }
            }

            var now = _clock.GetUtcNow();
            var following = _expression.Next(due.AddTicks(1), _activatedAt);
            if (following is { } f && f < now - Precision)
            {
                following = _expression.Next(now, _activatedAt);
            }

            lock (_gate)
            {
                _nextRun = following;
                _invocations.RemoveAll(t => t.IsCompleted);
            }

            // The target's start runs off this loop and outside the lock: a slow or retried one never delays the next run.
            var invocation = Task.Run(() => InvokeAsync(due, cancellationToken), CancellationToken.None);
            lock (_gate)
            {
                _invocations.Add(invocation);
            }
        }
    }

    /// <summary>One invocation: start attempts as the RetryPolicy allows, then the dead-letter file.</summary>
    private async Task InvokeAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        var input = _schedule.Input ?? "{}";
        var lastRetry = due + TimeSpan.FromSeconds(_schedule.MaximumEventAgeInSeconds);
        for (var attempt = 1; ; attempt++)
        {
            string code, message;
            var retryable = false;
            try
            {
                var executionArn = await _start(_schedule.TargetArn, null, input, cancellationToken).ConfigureAwait(false);
                _log($"schedule {_schedule.Name}: the run due {due:u} started {executionArn}");
                Record(new ScheduleRun { ScheduledTime = due, FinishedAt = _clock.GetUtcNow(), Attempts = attempt, ExecutionArn = executionArn });
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                (code, message) = StoppedError();
            }
            catch (ServiceError e)
            {
                (code, message, retryable) = (e.Code, e.Message, e.Status is 429 or >= 500);
            }
#pragma warning disable CA1031 // whatever else the start throws is the target's failure, a server-side one
            catch (Exception e)
#pragma warning restore CA1031
            {
                (code, message, retryable) = (e.GetType().Name, e.Message, true);
            }

            var delay = RetryDelay(attempt);
            if (retryable && attempt <= _schedule.MaximumRetryAttempts && _clock.GetUtcNow() + delay <= lastRetry)
            {
                _log($"schedule {_schedule.Name}: starting the run due {due:u} failed ({code}: {message}); retry {attempt} in {delay.TotalSeconds:0.#} s");
                try
                {
                    await Task.Delay(delay, _clock, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    (code, message) = StoppedError();
                }
            }

            await DeadLetterAsync(due, invocationId, input, attempt, code, message).ConfigureAwait(false);
            return;
        }
    }

    private static (string Code, string Message) StoppedError() => ("LocalEndpointStopped", "the local endpoint stopped before the target was started");

    /// <summary>Exponential backoff: 1 s before the first retry, doubling, at most 5 minutes.</summary>
    internal static TimeSpan RetryDelay(int retry) =>
        retry >= 10 ? LongestRetryDelay : TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks << (retry - 1), LongestRetryDelay.Ticks));

    private async Task DeadLetterAsync(DateTimeOffset due, string invocationId, string input, int attempts, string code, string message)
    {
        var now = _clock.GetUtcNow();
        await _deadLetters.AppendAsync(new DeadLetter(_schedule.DeadLetterArn, now, input, code, message, invocationId, attempts - 1, _schedule.Arn, _schedule.TargetArn),
            CancellationToken.None).ConfigureAwait(false);
        _log($"schedule {_schedule.Name}: the run due {due:u} was not started after {attempts} attempt(s) ({code}: {message}); written to {_deadLetters.Path}");
        lock (_gate)
        {
            _deadLetterCount++;
        }

        Record(new ScheduleRun { ScheduledTime = due, FinishedAt = now, Attempts = attempts, Error = $"{code}: {message}", DeadLettered = true });
    }

    private void Record(ScheduleRun run)
    {
        lock (_gate)
        {
            // Invocations may finish out of order (one retried, the next not): the latest due time is the last run.
            if (_lastRun is null || run.ScheduledTime >= _lastRun.ScheduledTime)
            {
                _lastRun = run;
            }

            Save();
        }
    }

    private void Save()
    {
        lock (_gate)
        {
            var state = _stateFile.Load();
            state.Schedules[_schedule.LogicalId] = new StoredSchedule
            {
                Expression = _schedule.Expression,
                Timezone = _expression.TimeZone.Id,
                Enabled = _schedule.Enabled,
                ActivatedAt = _activatedAt,
                LastRun = _lastRun,
            };
            _stateFile.Save(state);
        }
    }
}

/// <summary>schedules.json: each schedule's activation and last run, by logical id.</summary>
internal sealed class StoredSchedules
{
    public Dictionary<string, StoredSchedule> Schedules { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class StoredSchedule
{
    public string Expression { get; set; } = "";

    public string Timezone { get; set; } = "UTC";

    public bool Enabled { get; set; }

    public DateTimeOffset ActivatedAt { get; set; }

    public ScheduleRun? LastRun { get; set; }
}
