using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The workflow as an AWS CLI user drives it on the local endpoint (`nob cloud`): start-execution of build-network with
/// examples/tutorial.json builds real brokers; an endpoint stopped in the middle of a build leaves it FAILED with its
/// cause, and the next build (the network lock taken over) and a teardown-network execution succeed.
/// </summary>
public sealed class StepFunctionsApiTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    const string Build = "arn:aws:states:us-east-1:000000000000:stateMachine:BuildNetworkStateMachine";
    const string Teardown = "arn:aws:states:us-east-1:000000000000:stateMachine:TeardownNetworkStateMachine";
    static readonly TimeSpan ExecutionPatience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task AwsCli_BuildStoppedByARestart_FailsWithTheCause_ThenBuildAndTeardownSucceed()
    {
        var spec = Path.Combine(Repository.Root, "examples", "tutorial.json");
        var (daemon, log) = await StartCloudAsync();
        await AwsAsync("ssm", "put-parameter", "--name", "/nob/tutorial/password", "--type", "SecureString", "--value", fixture.Password);

        // A build the endpoint's stop interrupts once its first broker is asked for.
        var interrupted = Str(await AwsAsync("stepfunctions", "start-execution", "--state-machine-arn", Build, "--name", "tutorial-interrupted", "--input", $"file://{spec}"), "executionArn");
        await WaitForEventAsync(interrupted, "TaskScheduled");
        await StopCloudAsync(daemon, log);
        (daemon, log) = await StartCloudAsync();
        var failed = await AwsAsync("stepfunctions", "describe-execution", "--execution-arn", interrupted);

        var built = Str(await AwsAsync("stepfunctions", "start-execution", "--state-machine-arn", Build, "--name", "tutorial-built", "--input", $"file://{spec}"), "executionArn");
        var succeeded = await WaitForEndAsync(built);
        var history = await AwsAsync("stepfunctions", "get-execution-history", "--execution-arn", built, "--max-items", "5000");
        var brokers = await AwsAsync("mq", "list-brokers");
        var down = Str(await AwsAsync("stepfunctions", "start-execution", "--state-machine-arn", Teardown, "--input", """{"networkName":"tutorial"}"""), "executionArn");
        var tornDown = await WaitForEndAsync(down);
        var brokersAfter = await AwsAsync("mq", "list-brokers");
        await StopCloudAsync(daemon, log);

        Assert.Equal(("FAILED", "Local.EndpointStopped"), (Str(failed, "status"), Str(failed, "error")));
        Assert.Contains("idempotent", Str(failed, "cause"), StringComparison.Ordinal);
        Assert.True(Str(succeeded, "status") == "SUCCEEDED", succeeded.ToJsonString());
        var summary = JsonNode.Parse(Str(succeeded, "output"))!;
        Assert.Equal("tutorial", (string?)summary["networkName"]);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(spec)), JsonNode.Parse(Str(succeeded, "input"))), "DescribeExecution shows the input as sent");
        var types = history["events"]!.AsArray().Select(e => (string)e!["type"]!).ToList();
        Assert.Equal(("ExecutionStarted", "ExecutionSucceeded"), (types[0], types[^1]));
        Assert.Contains("MapIterationStarted", types);
        Assert.Equal(["MyBroker1", "MyBroker2"], brokers["BrokerSummaries"]!.AsArray().Select(b => (string)b!["BrokerName"]!).Order(StringComparer.Ordinal));
        Assert.True(Str(tornDown, "status") == "SUCCEEDED", tornDown.ToJsonString());
        Assert.Empty(brokersAfter["BrokerSummaries"]!.AsArray());
    }

    static string Str(JsonNode node, string member) => (string?)node[member] ?? throw new InvalidOperationException($"no {member} in {node.ToJsonString()}");

    Task<(Process Daemon, StringBuilder Log)> StartCloudAsync() => LocalEndpointProcess.StartAsync(fixture);

    Task StopCloudAsync(Process daemon, StringBuilder log) => LocalEndpointProcess.StopAsync(daemon, log, output);

    Task<JsonObject> AwsAsync(params string[] arguments) => LocalEndpointProcess.AwsAsync(fixture, arguments);

    Task<JsonObject> WaitForEndAsync(string executionArn) => LocalEndpointProcess.WaitForEndAsync(fixture, executionArn, ExecutionPatience);

    async Task WaitForEventAsync(string executionArn, string type)
    {
        var deadline = DateTime.UtcNow + ExecutionPatience;
        while (true)
        {
            var history = await AwsAsync("stepfunctions", "get-execution-history", "--execution-arn", executionArn, "--max-items", "5000");
            if (history["events"]!.AsArray().Any(e => (string?)e!["type"] == type)) return;
            Assert.True(DateTime.UtcNow < deadline, $"{executionArn} had no {type} event after {ExecutionPatience}");
            await Task.Delay(200);
        }
    }
}
