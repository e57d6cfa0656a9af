using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Schedule;
using Nob.StepFunctions;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

public sealed class ScheduleRunnerTests : IDisposable
{
    private const string TargetArn = "arn:aws:states:us-east-1:000000000000:stateMachine:CheckDriftStateMachine";
    private const string Input = """{"verify": true, "repair": false}""";

    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _data = Directory.CreateTempSubdirectory("nob-schedule-tests").FullName;
    private readonly ManualClock _clock = new(T0);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static ScheduleResource Schedule(string expression, bool enabled = true, int retries = 3, int maxAgeSeconds = 3600) => new(
        "DriftCheckSchedule", "nob-DriftCheckSchedule", "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nob-DriftCheckSchedule",
        expression, null, enabled, TargetArn, Input, retries, maxAgeSeconds, "arn:aws:sqs:us-east-1:000000000000:nob-DriftCheckDeadLetterQueue");

    private string DeadLetterPath => Path.Combine(_data, DeadLetterFile.FileName);

    [Fact]
    public async Task Start_RateSchedule_StartsTheTargetAtActivationThenEveryPeriodWithTheInput()
    {
        var target = new RecordingTarget(_clock);
        await using var runner = ScheduleRunner.Create(Schedule("rate(5 minutes)"), target.StartAsync, _data, _clock);
        runner.Start();

        foreach (var due in new[] { T0, T0.AddMinutes(5), T0.AddMinutes(10) })
        {
            if (due > T0)
            {
                await _clock.WaitForTimersAsync(1);
                Assert.Equal([due], _clock.DueTimes);
                _clock.AdvanceTo(due.AddSeconds(-1));
                Assert.Equal(due == T0.AddMinutes(5) ? 1 : 2, target.Count);
                _clock.AdvanceTo(due);
            }

            var call = await target.NextCallAsync();
            Assert.Equal(due, call.At);
            Assert.Equal(TargetArn, call.StateMachineArn);
            Assert.Null(call.Name);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Input), JsonNode.Parse(call.Input)));
        }

        var status = await StatusWhenAsync(runner, s => s.LastRun?.ScheduledTime == T0.AddMinutes(10));
        Assert.Equal("ENABLED", status.State);
        Assert.Equal(T0.AddMinutes(15), status.NextRun);
        Assert.Equal(target.ArnOf(3), status.LastRun!.ExecutionArn);
        Assert.Equal(1, status.LastRun.Attempts);
        Assert.False(File.Exists(DeadLetterPath));
    }

    [Fact]
    public async Task Start_CronSchedule_FirstRunAtTheNextMatchingTimeNotAtOnce()
    {
        var target = new RecordingTarget(_clock);
        await using var runner = ScheduleRunner.Create(Schedule("cron(30 12 * * ? *)"), target.StartAsync, _data, _clock);
        Assert.Equal(T0.AddMinutes(30), runner.Status.NextRun);
        runner.Start();
        await _clock.WaitForTimersAsync(1);
        Assert.Equal(0, target.Count);
        _clock.AdvanceTo(T0.AddMinutes(30));
        Assert.Equal(T0.AddMinutes(30), (await target.NextCallAsync()).At);
        await _clock.WaitForTimersAsync(1);
        Assert.Equal(T0.AddDays(1).AddMinutes(30), (await StatusWhenAsync(runner, s => s.LastRun is not null)).NextRun);
        // A distant run is waited for an hour at a time.
        Assert.Equal([T0.AddMinutes(90)], _clock.DueTimes);
        _clock.AdvanceTo(T0.AddMinutes(90));
        await _clock.WaitForTimersAsync(1);
        Assert.Equal([T0.AddMinutes(150)], _clock.DueTimes);
        Assert.Equal(1, target.Count);
    }

    [Fact]
    public async Task Start_ServerErrors_RetriedWithBackoffThenDeadLettered()
    {
        var target = new RecordingTarget(_clock) { Failure = _ => new ServiceError(500, "InternalServerError", "boom") };
        await using var runner = ScheduleRunner.Create(Schedule("rate(1 hour)", retries: 3), target.StartAsync, _data, _clock);
        runner.Start();

        // One attempt and MaximumRetryAttempts (3) retries, 1 s, 2 s and 4 s apart.
        await AttemptsAtAsync(target, [T0, T0.AddSeconds(1), T0.AddSeconds(3), T0.AddSeconds(7)]);
        var status = await StatusWhenAsync(runner, s => s.DeadLetters == 1);
        Assert.True(status.LastRun!.DeadLettered);
        Assert.Equal(4, status.LastRun.Attempts);
        Assert.Null(status.LastRun.ExecutionArn);
        Assert.Contains("InternalServerError: boom", status.LastRun.Error, StringComparison.Ordinal);

        var letter = Assert.Single(File.ReadAllLines(DeadLetterPath).Select(l => JsonNode.Parse(l)!));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Input), JsonNode.Parse((string)letter["body"]!)));
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:nob-DriftCheckDeadLetterQueue", (string?)letter["queueArn"]);
        var attributes = letter["messageAttributes"]!;
        Assert.Equal("InternalServerError", (string?)attributes["ERROR_CODE"]);
        Assert.Equal("boom", (string?)attributes["ERROR_MESSAGE"]);
        Assert.Equal("3", (string?)attributes["RETRY_ATTEMPTS"]);
        Assert.Equal(Schedule("x").Arn, (string?)attributes["SCHEDULE_ARN"]);
        Assert.Equal(TargetArn, (string?)attributes["TARGET_ARN"]);
        Assert.True(Guid.TryParse((string?)attributes["EXECUTION_ID"], out _));
        Assert.Equal(T0.AddSeconds(7), DateTimeOffset.Parse((string)letter["sentTimestamp"]!, CultureInfo.InvariantCulture));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(DeadLetterPath) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));

        // The next run is a new invocation with retries of its own.
        Assert.Equal(T0.AddHours(1), status.NextRun);
    }

    [Fact]
    public async Task Start_RetriesPastTheEventAge_StopAndDeadLetter()
    {
        var target = new RecordingTarget(_clock) { Failure = _ => new InvalidOperationException("host not ready") };
        await using var runner = ScheduleRunner.Create(Schedule("rate(1 hour)", retries: 185, maxAgeSeconds: 60), target.StartAsync, _data, _clock);
        runner.Start();

        // 1, 2, 4, 8, 16 s apart: the sixth attempt is 31 s after the due time; a retry 32 s later would be past 60 s.
        await AttemptsAtAsync(target, [T0, T0.AddSeconds(1), T0.AddSeconds(3), T0.AddSeconds(7), T0.AddSeconds(15), T0.AddSeconds(31)]);
        var status = await StatusWhenAsync(runner, s => s.DeadLetters == 1);
        Assert.Equal(6, status.LastRun!.Attempts);
        var attributes = JsonNode.Parse(Assert.Single(File.ReadAllLines(DeadLetterPath)))!["messageAttributes"]!;
        Assert.Equal("5", (string?)attributes["RETRY_ATTEMPTS"]);
        Assert.Equal("InvalidOperationException", (string?)attributes["ERROR_CODE"]);
    }

    [Fact]
    public async Task Start_ClientError_DeadLetteredWithoutRetry()
    {
        var target = new RecordingTarget(_clock) { Failure = _ => new ServiceError(400, "StateMachineDoesNotExist", "no such state machine") };
        await using var runner = ScheduleRunner.Create(Schedule("rate(1 hour)"), target.StartAsync, _data, _clock);
        runner.Start();
        await target.NextCallAsync();
        var status = await StatusWhenAsync(runner, s => s.DeadLetters == 1);
        Assert.Equal(1, status.LastRun!.Attempts);
        Assert.Equal(1, target.Count);
        Assert.Equal("0", (string?)JsonNode.Parse(Assert.Single(File.ReadAllLines(DeadLetterPath)))!["messageAttributes"]!["RETRY_ATTEMPTS"]);
    }

    [Fact]
    public async Task Start_ThrottledThenStarted_LastRunHasTheExecutionAndNothingDeadLettered()
    {
        var target = new RecordingTarget(_clock) { Failure = n => n <= 2 ? new ServiceError(429, "ThrottlingException", "Rate exceeded") : null };
        await using var runner = ScheduleRunner.Create(Schedule("rate(1 hour)"), target.StartAsync, _data, _clock);
        runner.Start();
        await AttemptsAtAsync(target, [T0, T0.AddSeconds(1), T0.AddSeconds(3)]);
        var status = await StatusWhenAsync(runner, s => s.LastRun is not null);
        Assert.Equal(target.ArnOf(3), status.LastRun!.ExecutionArn);
        Assert.Equal(3, status.LastRun.Attempts);
        Assert.Equal(0, status.DeadLetters);
        Assert.False(File.Exists(DeadLetterPath));
    }

    [Fact]
    public async Task Start_Disabled_NeverRuns()
    {
        var target = new RecordingTarget(_clock);
        await using var runner = ScheduleRunner.Create(Schedule("rate(1 minute)", enabled: false), target.StartAsync, _data, _clock);
        runner.Start();
        Assert.Null(runner.Status.NextRun);
        Assert.Equal("DISABLED", runner.Status.State);
        _clock.AdvanceTo(T0.AddDays(1));
        await runner.StopAsync();
        Assert.Equal(0, _clock.PendingTimers);
        Assert.Equal(0, target.Count);
        Assert.Null(runner.Status.LastRun);
    }

    [Fact]
    public async Task Create_AfterARestart_KeepsTheRateFromItsActivationWithoutMakingUpMissedRuns()
    {
        var target = new RecordingTarget(_clock);
        await using (var first = ScheduleRunner.Create(Schedule("rate(10 minutes)"), target.StartAsync, _data, _clock))
        {
            first.Start();
            await target.NextCallAsync();
            await StatusWhenAsync(first, s => s.LastRun is not null);
        }

        // Down for 25 minutes: the runs due at +10 and +20 are not made up; the next is +30, on the same grid.
        _clock.AdvanceTo(T0.AddMinutes(25));
        await using (var second = ScheduleRunner.Create(Schedule("rate(10 minutes)"), target.StartAsync, _data, _clock))
        {
            Assert.Equal(T0.AddMinutes(30), second.Status.NextRun);
            Assert.Equal(target.ArnOf(1), second.Status.LastRun?.ExecutionArn);
            second.Start();
            await _clock.WaitForTimersAsync(1);
            Assert.Equal(1, target.Count);
            _clock.AdvanceTo(T0.AddMinutes(30));
            Assert.Equal(T0.AddMinutes(30), (await target.NextCallAsync()).At);
            await StatusWhenAsync(second, s => s.LastRun?.ScheduledTime == T0.AddMinutes(30));
        }

        // A changed expression is a schedule activated now: a rate runs at once.
        _clock.AdvanceTo(T0.AddMinutes(33));
        await using var third = ScheduleRunner.Create(Schedule("rate(7 minutes)"), target.StartAsync, _data, _clock);
        Assert.Equal(T0.AddMinutes(33), third.Status.NextRun);
    }

    [Fact]
    public void Create_ExpressionEventBridgeRefuses_Throws()
    {
        var e = Assert.Throws<ScheduleExpressionException>(() => ScheduleRunner.Create(Schedule("rate(5 minute)"), new RecordingTarget(_clock).StartAsync, _data, _clock));
        Assert.Contains("rate(5 minute)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DriftRateOverride_TheTemplateScheduleRunsAtThatRate()
    {
        var template = SamTemplate.Load(RepoFile("template.yaml"), "us-east-1", "000000000000", "nob");
        var target = new RecordingTarget(_clock);
        await using var schedules = LocalSchedules.Create(template, new LocalWorkflowOptions { TemplatePath = "unused", DriftRate = "rate(1 minute)" },
            target.StartAsync, _data, _clock, _ => { });
        var status = Assert.Single(schedules.Statuses);
        Assert.Equal("rate(1 minute)", status.Expression);
        schedules.Start();
        Assert.Equal(T0, (await target.NextCallAsync()).At);
        await _clock.WaitForTimersAsync(1);
        _clock.AdvanceTo(T0.AddMinutes(1));
        var second = await target.NextCallAsync();
        Assert.Equal(T0.AddMinutes(1), second.At);
        Assert.Equal(template.StateMachines["CheckDriftStateMachine"].Arn, second.StateMachineArn);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Input), JsonNode.Parse(second.Input)));

        await using var off = LocalSchedules.Create(template, new LocalWorkflowOptions { TemplatePath = "unused", DriftScheduleEnabled = false },
            target.StartAsync, Directory.CreateDirectory(Path.Combine(_data, "off")).FullName, _clock, _ => { });
        Assert.Equal("DISABLED", Assert.Single(off.Statuses).State);
        Assert.Equal("rate(6 hours)", Assert.Single(off.Statuses).Expression);
    }

    /// <summary>Waits for each attempt, checking its time, and moves the clock to the retry due next.</summary>
    private async Task AttemptsAtAsync(RecordingTarget target, DateTimeOffset[] times)
    {
        for (var i = 0; i < times.Length; i++)
        {
            Assert.Equal(times[i], (await target.NextCallAsync()).At);
            if (i + 1 < times.Length)
            {
                // The next run's timer and the retry's.
                await _clock.WaitForTimersAsync(2);
                Assert.Equal(times[i + 1], _clock.DueTimes[0]);
                _clock.AdvanceTo(times[i + 1]);
            }
        }
    }

    private static async Task<ScheduleStatus> StatusWhenAsync(ScheduleRunner runner, Func<ScheduleStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition(runner.Status))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the schedule's status did not change as expected: {System.Text.Json.JsonSerializer.Serialize(runner.Status)}");
            await Task.Delay(5);
        }

        return runner.Status;
    }

    internal static string RepoFile(string name) => Repository.PathOf(name);

    internal sealed record Call(DateTimeOffset At, string StateMachineArn, string? Name, string Input);

    /// <summary>A start delegate that records each call with the clock's time; <see cref="Failure"/> by call number.</summary>
    internal sealed class RecordingTarget(TimeProvider clock)
    {
        private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();
        private int _count;

        public Func<int, Exception?> Failure { get; init; } = _ => null;

        public int Count => Volatile.Read(ref _count);

        public string ArnOf(int call) => $"arn:aws:states:us-east-1:000000000000:execution:CheckDriftStateMachine:run-{call}";

        public Task<string> StartAsync(string stateMachineArn, string? name, string input, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _count);
            _calls.Writer.TryWrite(new Call(clock.GetUtcNow(), stateMachineArn, name, input));
            return Failure(n) is { } failure ? Task.FromException<string>(failure) : Task.FromResult(ArnOf(n));
        }

        public async Task<Call> NextCallAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await _calls.Reader.ReadAsync(timeout.Token);
        }
    }
}
