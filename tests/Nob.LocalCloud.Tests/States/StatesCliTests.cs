using System.Text.Json.Nodes;
using Nob.Testing;

namespace Nob.LocalCloud.Tests.States;

/// <summary>The real AWS CLI (<c>aws stepfunctions …</c>) against the endpoint's Step Functions, signed with the endpoint's key pair.</summary>
public sealed class StatesCliTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    private WorkflowCloud Cloud => fixture.Cloud;

    [Fact]
    public async Task StartExecution_FromAFile_DescribeShowsSucceededWithOutput_HistoryAndListAgree()
    {
        var inputFile = Path.Combine(Path.GetTempPath(), $"nob-states-cli-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(inputFile, """{"items":["a","b","c"],"polling":{"intervalSeconds":30}}""");
        try
        {
            var started = await AwsAsync("stepfunctions", "start-execution", "--state-machine-arn", WorkflowCloud.MachineArn("BuildNetworkStateMachine"),
                "--name", $"cli-{Guid.NewGuid():N}", "--input", $"file://{inputFile}");
            var arn = started["executionArn"]!.GetValue<string>();
            await Cloud.WaitForEndAsync(arn);

            var described = await AwsAsync("stepfunctions", "describe-execution", "--execution-arn", arn);
            var history = await AwsAsync("stepfunctions", "get-execution-history", "--execution-arn", arn, "--max-items", "1000");
            var listed = await AwsAsync("stepfunctions", "list-executions", "--state-machine-arn", WorkflowCloud.MachineArn("BuildNetworkStateMachine"), "--status-filter", "SUCCEEDED");

            Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(new JsonArray("a", "b", "c"), JsonNode.Parse(described["output"]!.GetValue<string>())!["echoed"]));
            // The CLI prints timestamps as ISO 8601 text: it parsed the epoch seconds.
            Assert.True(DateTimeOffset.TryParse(described["startDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));
            var events = history["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
            Assert.Equal("ExecutionStarted", events[0]);
            Assert.Equal("ExecutionSucceeded", events[^1]);
            Assert.Equal(3, events.Count(t => t == "MapIterationSucceeded"));
            Assert.Contains(listed["executions"]!.AsArray(), e => e!["executionArn"]!.GetValue<string>() == arn);
        }
        finally
        {
            File.Delete(inputFile);
        }
    }

    [Fact]
    public async Task StopExecution_Running_AbortedWithTheCause()
    {
        var key = Guid.NewGuid().ToString("N");
        var started = await AwsAsync("stepfunctions", "start-execution", "--state-machine-arn", WorkflowCloud.MachineArn("HoldStateMachine"),
            "--input", new JsonObject { ["key"] = key }.ToJsonString());
        var arn = started["executionArn"]!.GetValue<string>();
        await fixture.Functions.WaitEnteredAsync(key);

        var stopped = await AwsAsync("stepfunctions", "stop-execution", "--execution-arn", arn, "--error", "Cli.Stop", "--cause", "stopped from the AWS CLI");
        var described = await AwsAsync("stepfunctions", "describe-execution", "--execution-arn", arn);

        Assert.NotNull(stopped["stopDate"]);
        Assert.Equal(("ABORTED", "Cli.Stop", "stopped from the AWS CLI"),
            (described["status"]!.GetValue<string>(), described["error"]!.GetValue<string>(), described["cause"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ListAndDescribeStateMachines_TheTemplatesMachines()
    {
        var listed = await AwsAsync("stepfunctions", "list-state-machines");
        var described = await AwsAsync("stepfunctions", "describe-state-machine", "--state-machine-arn", WorkflowCloud.MachineArn("ParentStateMachine"));

        Assert.Equal(3, listed["stateMachines"]!.AsArray().Count);
        var definition = JsonNode.Parse(described["definition"]!.GetValue<string>())!;
        Assert.Equal(WorkflowCloud.MachineArn("HoldStateMachine"), definition["States"]!["Child"]!["Parameters"]!["StateMachineArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeExecution_Unknown_CliReportsExecutionDoesNotExist()
    {
        var (exitCode, _, stderr) = await RunAsync("stepfunctions", "describe-execution", "--execution-arn", WorkflowCloud.ExecutionArn("HoldStateMachine", "no-such-run"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ExecutionDoesNotExist", stderr, StringComparison.Ordinal);
    }

    private AwsCli Cli
    {
        get
        {
            var environment = Cloud.Cloud.EnvironmentVariables;
            return new(Cloud.Cloud.Endpoint.AbsoluteUri, environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"], Clients.Region);
        }
    }

    private Task<JsonObject> AwsAsync(params string[] arguments) => Cli.JsonAsync(arguments);

    private Task<ToolResult> RunAsync(params string[] arguments) => Cli.RunAsync(arguments);
}
