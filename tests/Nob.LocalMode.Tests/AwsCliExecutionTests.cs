using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>
/// `nob up` is a client of the endpoint's Step Functions API like any other: the execution it started is the one the
/// AWS CLI lists, describes (its output is the summary nob printed) and reads the history of.
/// </summary>
public sealed partial class AwsCliExecutionTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    [Fact]
    public async Task Up_ThenAwsCli_ListsDescribesAndReadsTheSameExecution()
    {
        var spec = fixture.WriteSpec("awscli", Specs.TwoBrokers("awscli", "AwsCli1", "AwsCli2"));
        var up = await fixture.NobAsync(output, "up", spec, "--json");
        Assert.True(up.ExitCode == 0, up.ToString());
        var summary = Summary.Parse(up);
        var executionArn = (string)summary["local"]!["executionArn"]!;
        Assert.Contains($"Execution {executionArn}", up.Stderr, StringComparison.Ordinal); // announced with the progress
        var parts = executionArn.Split(':');
        var stateMachineArn = string.Join(':', parts[..5]) + ":stateMachine:" + parts[6];

        var listed = await AwsAsync("stepfunctions", "list-executions", "--state-machine-arn", stateMachineArn);
        var item = listed["executions"]!.AsArray().Single(e => (string?)e!["executionArn"] == executionArn)!;
        Assert.Equal("SUCCEEDED", (string?)item["status"]);
        Assert.StartsWith("awscli-", (string?)item["name"], StringComparison.Ordinal);

        var described = await AwsAsync("stepfunctions", "describe-execution", "--execution-arn", executionArn);
        Assert.Equal("SUCCEEDED", (string?)described["status"]);
        var printed = summary.DeepClone().AsObject();
        printed.Remove("local");
        Assert.True(JsonNode.DeepEquals(printed, JsonNode.Parse((string)described["output"]!)), "describe-execution's output is not the summary nob up printed");

        var history = await AwsAsync("stepfunctions", "get-execution-history", "--execution-arn", executionArn, "--max-items", "5000");
        var events = history["events"]!.AsArray();
        Assert.Equal("ExecutionStarted", (string?)events[0]!["type"]);
        Assert.Equal("ExecutionSucceeded", (string?)events[^1]!["type"]);
        Assert.Contains(events, e => (string?)e!["stateEnteredEventDetails"]?["name"] == "Validate");
        // The transitions nob up reports are the history's states entered (plus retries, none expected here).
        var entered = events.Count(e => ((string?)e!["type"])?.EndsWith("StateEntered", StringComparison.Ordinal) == true);
        Assert.InRange((int)summary["local"]!["stateTransitions"]!, entered, entered + events.Count(e => (string?)e!["type"] == "TaskScheduled"));
    }

    [Fact]
    public async Task Up_InterruptedWithCtrlC_StopsItsExecutionOnTheEndpointAndSaysSo()
    {
        var spec = fixture.WriteSpec("ctrlc", Specs.TwoBrokers("ctrlc", "CtrlC1", "CtrlC2"));
        using var up = RunningNob.Start(fixture.Home, fixture.Password, "up", spec);
        await up.WaitForOutputAsync("EnsureBroker", TimeSpan.FromMinutes(4));

        up.Interrupt();

        var run = await up.WaitAsync(TimeSpan.FromMinutes(1));
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 1, run.ToString());
        var executionArn = ExecutionArnRegex().Match(run.Stdout).Groups[1].Value;
        Assert.Contains($"Interrupted: stopped the execution {executionArn} (StopExecution)", run.Stderr, StringComparison.Ordinal);
        var described = await AwsAsync("stepfunctions", "describe-execution", "--execution-arn", executionArn);
        Assert.Equal("ABORTED", (string?)described["status"]);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Execution (arn:\S+)")]
    private static partial System.Text.RegularExpressions.Regex ExecutionArnRegex();

    /// <summary>The AWS CLI with the endpoint, region and credentials nob records in NOB_HOME/cloud.json (what `nob status` prints).</summary>
    Task<JsonObject> AwsAsync(params string[] arguments) => LocalEndpointProcess.AwsAsync(fixture, arguments);
}
