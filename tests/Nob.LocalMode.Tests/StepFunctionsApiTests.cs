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

    /// <summary>`nob cloud` in the foreground of a child process; returns once cloud.json names it (the endpoint listens).</summary>
    async Task<(Process Daemon, StringBuilder Log)> StartCloudAsync()
    {
        var info = NobProcess.StartInfo(fixture.Home, fixture.Password, ["cloud"]);
        var log = new StringBuilder();
        var daemon = Process.Start(info) ?? throw new InvalidOperationException("could not start nob cloud");
        daemon.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        daemon.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        daemon.StandardInput.Close();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (File.Exists(fixture.CloudStateFile) && (int?)JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))?["pid"] == daemon.Id) return (daemon, log);
            Assert.False(daemon.HasExited, $"nob cloud exited {(daemon.HasExited ? daemon.ExitCode : 0)}:\n{log}");
            Assert.True(DateTime.UtcNow < deadline, $"nob cloud did not start within 2 minutes:\n{log}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM, as `nob down` and Ctrl-C stop it; bounded.</summary>
    async Task StopCloudAsync(Process daemon, StringBuilder log)
    {
        using (daemon)
        {
            Nob.LocalBrokers.ProcessIdentity.Of(daemon.Id)?.TrySignal(Nob.LocalBrokers.ProcessIdentity.SigTerm);
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await daemon.WaitForExitAsync(patience.Token);
            output.WriteLine($"nob cloud (pid {daemon.Id}) exited {daemon.ExitCode}:\n{log}");
        }
    }

    async Task<JsonObject> WaitForEndAsync(string executionArn)
    {
        var deadline = DateTime.UtcNow + ExecutionPatience;
        while (true)
        {
            var described = await AwsAsync("stepfunctions", "describe-execution", "--execution-arn", executionArn);
            if (Str(described, "status") != "RUNNING") return described;
            Assert.True(DateTime.UtcNow < deadline, $"{executionArn} still runs after {ExecutionPatience}");
            await Task.Delay(1000);
        }
    }

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

    /// <summary>The AWS CLI with the endpoint and the key pair cloud.json gives.</summary>
    async Task<JsonObject> AwsAsync(params string[] arguments)
    {
        var cloud = JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))!;
        var info = new ProcessStartInfo(File.Exists("/usr/bin/aws") ? "/usr/bin/aws" : "aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--endpoint-url", Str(cloud, "endpoint"), "--output", "json", "--no-cli-pager" }.Concat(arguments)) info.ArgumentList.Add(a);
        foreach (var name in new[] { "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION" }) info.Environment.Remove(name);
        info.Environment["AWS_ACCESS_KEY_ID"] = Str(cloud["environment"]!, "AWS_ACCESS_KEY_ID");
        info.Environment["AWS_SECRET_ACCESS_KEY"] = Str(cloud["environment"]!, "AWS_SECRET_ACCESS_KEY");
        info.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        info.Environment["AWS_CONFIG_FILE"] = "/nonexistent/aws-config";
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stderr}");
        var text = await stdout;
        return text.Trim().Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }
}
