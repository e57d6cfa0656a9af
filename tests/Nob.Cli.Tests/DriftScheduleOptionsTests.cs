using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Cli;
using Nob.Cli.Local;
using Nob.LocalCloud.Schedule;

namespace Nob.Cli.Tests;

public sealed class DriftScheduleOptionsTests
{
    static async Task<(int Exit, string Out, string Err)> Nob(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await NobCommand.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Extract_DriftOptionsAmongOthers_TakenOutInOrderAndGivenBackAsArguments()
    {
        var (rest, options, error) = DriftScheduleOptions.Extract(["cloud", "--drift-rate", "cron(0 3 * * ? *)", "--port", "0", "--drift-schedule", "disabled"]);
        Assert.Null(error);
        Assert.Equal(["cloud", "--port", "0"], rest);
        Assert.Equal(new DriftScheduleOptions("cron(0 3 * * ? *)", false), options);
        Assert.Equal(["--drift-rate", "cron(0 3 * * ? *)", "--drift-schedule", "disabled"], options.Arguments());
        Assert.True(DriftScheduleOptions.Extract(["cloud"]).Options.IsNone);
    }

    [Theory]
    [InlineData("cloud", "--drift-rate", "rate(5 minute)", "singular for 1")]
    [InlineData("cloud", "--drift-rate", "cron(0 3 * * * *)", "exactly one of day-of-month and day-of-week")]
    [InlineData("cloud", "--drift-rate", "at(2030-01-01T00:00:00)", "takes a rate or cron expression")]
    [InlineData("up", "--drift-rate", "rate(1 week)", "not \"week\"")]
    [InlineData("up", "--drift-schedule", "sometimes", "takes enabled or disabled")]
    public async Task Run_BadDriftOption_ExitsTwoSayingWhy(string command, string option, string value, string expected)
    {
        var (exit, output, errors) = await Nob(command, option, value);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.StartsWith($"nob: {option}", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cloud", "--help")]
    [InlineData("up", "--help")]
    [InlineData("cloud", "--port", "0", "--help")]
    [InlineData("--help")]
    public async Task Run_Help_ExitsZeroListingTheDriftOptions(params string[] args)
    {
        var (exit, output, _) = await Nob(args);
        Assert.Equal(0, exit);
        Assert.Contains("nob cloud [--port PORT] [--drift-rate EXPR] [--drift-schedule enabled|disabled]", output, StringComparison.Ordinal);
        Assert.Contains("nob up SPEC [--json] [--drift-rate EXPR] [--drift-schedule enabled|disabled]", output, StringComparison.Ordinal);
        Assert.Contains("\n  --drift-rate      EXPR:", output, StringComparison.Ordinal);
        Assert.Contains("\n  --drift-schedule  enabled|disabled", output, StringComparison.Ordinal);
    }

    static JsonNode Answer(params ScheduleStatus[] schedules) =>
        JsonNode.Parse(JsonSerializer.Serialize(new { schedules }, new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    static ScheduleStatus Status(string state, ScheduleRun? last) => new()
    {
        Name = "nob-DriftCheckSchedule",
        Arn = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nob-DriftCheckSchedule",
        Expression = "rate(6 hours)",
        Timezone = "UTC",
        State = state,
        TargetArn = "arn:aws:states:us-east-1:000000000000:stateMachine:CheckDriftStateMachine",
        NextRun = state == "ENABLED" ? new DateTimeOffset(2026, 3, 1, 18, 0, 0, TimeSpan.Zero) : null,
        LastRun = last,
        DeadLetterFile = "/home/u/.nob/cloud/schedule-dead-letters.jsonl",
    };

    [Fact]
    public void Describe_TheAdminRoutesAnswer_OneLineWithNextAndLastRun()
    {
        var started = new ScheduleRun { ScheduledTime = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), FinishedAt = DateTimeOffset.UnixEpoch, Attempts = 1, ExecutionArn = "arn:x:execution:1" };
        Assert.Equal(["Schedule nob-DriftCheckSchedule: rate(6 hours) (UTC), next run 2026-03-01 18:00:00Z; last run 2026-03-01 12:00:00Z started arn:x:execution:1"],
            ScheduleStatusText.Describe(Answer(Status("ENABLED", started))));

        var failed = started with { ExecutionArn = null, Error = "InternalServerError: boom", DeadLettered = true };
        Assert.Equal(["Schedule nob-DriftCheckSchedule: rate(6 hours) (UTC), next run 2026-03-01 18:00:00Z; last run 2026-03-01 12:00:00Z failed (InternalServerError: boom), see /home/u/.nob/cloud/schedule-dead-letters.jsonl"],
            ScheduleStatusText.Describe(Answer(Status("ENABLED", failed))));

        Assert.Equal(["Schedule nob-DriftCheckSchedule: rate(6 hours) (UTC), DISABLED: never runs"], ScheduleStatusText.Describe(Answer(Status("DISABLED", null))));
        Assert.Empty(ScheduleStatusText.Describe(Answer()));
    }
}
