using System.Text.Json.Nodes;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

/// <summary>The drift schedule run by a started endpoint hosting the workflow, and what its admin route shows.</summary>
public sealed class EndpointScheduleTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _root = Directory.CreateTempSubdirectory("nob-endpoint-schedule").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private LocalCloudOptions Options(ScheduleRunnerTests.RecordingTarget target, ManualClock clock) => new()
    {
        DataDirectory = Path.Combine(_root, "cloud"),
        Workflow = new LocalWorkflowOptions
        {
            TemplatePath = ScheduleRunnerTests.RepoFile("template.yaml"),
            DriftRate = "rate(1 minute)",
            ScheduleStart = target.StartAsync,
            ScheduleClock = clock,
            // The schedule's start is recorded above; the hosted functions are never called (and no environment is set).
            Functions = new RecordingLambdaFunctions(Nob.StepFunctions.SamTemplate.Load(ScheduleRunnerTests.RepoFile("template.yaml"), "us-east-1", "000000000000", "nob")
                .Functions.Values.Select(f => f.Arn)),
        },
    };

    [Fact]
    public async Task StartAsync_WorkflowWithDriftRate_RunsCheckDriftAndShowsTheScheduleOnItsAdminRoute()
    {
        var clock = new ManualClock(T0);
        var target = new ScheduleRunnerTests.RecordingTarget(clock);
        var cloud = await LocalCloud.StartAsync(Options(target, clock));
        try
        {
            // No StartDate: a rate schedule runs as soon as it is active.
            var first = await target.NextCallAsync();
            Assert.Equal(T0, first.At);
            Assert.Equal("arn:aws:states:us-east-1:000000000000:stateMachine:CheckDriftStateMachine", first.StateMachineArn);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"verify": true, "repair": false}"""), JsonNode.Parse(first.Input)));

            JsonNode schedule = null!;
            using var http = Clients.Http(cloud);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            do
            {
                var body = JsonNode.Parse(await http.GetStringAsync("_localcloud/schedules"))!;
                schedule = Assert.Single(body["schedules"]!.AsArray())!;
                Assert.True(DateTime.UtcNow < deadline, body.ToJsonString());
                await Task.Delay(5);
            }
            while (schedule["lastRun"] is null);

            Assert.Equal("nob-DriftCheckSchedule", (string?)schedule["name"]);
            Assert.Equal("rate(1 minute)", (string?)schedule["expression"]);
            Assert.Equal("ENABLED", (string?)schedule["state"]);
            Assert.Equal(T0.AddMinutes(1), DateTimeOffset.Parse((string)schedule["nextRun"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(target.ArnOf(1), (string?)schedule["lastRun"]!["executionArn"]);
            Assert.Equal(T0.AddMinutes(1), Assert.Single(cloud.Schedules).NextRun);
        }
        finally
        {
            await cloud.StopAsync();
        }

        // Started again within the same minute: the run already made is not made again.
        var again = await LocalCloud.StartAsync(Options(target, clock));
        try
        {
            Assert.Equal(T0.AddMinutes(1), Assert.Single(again.Schedules).NextRun);
            Assert.Equal(target.ArnOf(1), again.Schedules[0].LastRun?.ExecutionArn);
            await clock.WaitForTimersAsync(1);
            Assert.Equal(1, target.Count);
        }
        finally
        {
            await again.DownAsync();
        }

        Assert.False(File.Exists(Path.Combine(_root, "cloud", "schedules.json")));
    }
}
