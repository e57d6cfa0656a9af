using System.Text.Json.Nodes;
using static Nob.LocalMode.Tests.LocalEndpointProcess;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The networks API and the drift schedule on the local endpoint with no nob command but `nob cloud`: a signed
/// POST /networks builds examples/tutorial.json on real brokers, GET reads its record, a broker someone deleted is reported
/// as drift by the schedule's own check-drift run, and DELETE tears the network down. Unsigned and wrongly signed
/// requests change nothing.
/// </summary>
public sealed class ThreeTriggersTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    const string CheckDrift = "arn:aws:states:us-east-1:000000000000:stateMachine:CheckDriftStateMachine";
    static readonly TimeSpan ExecutionPatience = TimeSpan.FromMinutes(4);

    // The schedule fires when the endpoint starts, then every minute: a drift must be reported within two more runs.
    static readonly TimeSpan SchedulePatience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task NetworksApiAndSchedule_BuildReadDriftTeardown_WithoutTheCli()
    {
        var spec = Path.Combine(Repository.Root, "examples", "tutorial.json");
        var (daemon, log) = await StartAsync(fixture, "--drift-rate", "rate(1 minute)");
        try
        {
            await AwsAsync(fixture, "ssm", "put-parameter", "--name", "/nob/tutorial/password", "--type", "SecureString", "--value", fixture.Password);

            var unsigned = await ApiAsync(fixture, "POST", "/networks", spec, sign: false);
            var wronglySigned = await ApiAsync(fixture, "POST", "/networks", spec, secret: "not-the-secret-key-of-this-endpoint-0000");
            var nothingStarted = await AwsAsync(fixture, "stepfunctions", "list-executions", "--state-machine-arn",
                "arn:aws:states:us-east-1:000000000000:stateMachine:BuildNetworkStateMachine");
            Assert.Equal(403, unsigned.Status);
            Assert.Equal("Missing Authentication Token", (string?)unsigned.Body?["message"]);
            Assert.Equal(403, wronglySigned.Status);
            Assert.StartsWith("The request signature we calculated does not match", (string?)wronglySigned.Body?["message"], StringComparison.Ordinal);
            Assert.Empty(nothingStarted["executions"]!.AsArray());

            var posted = await ApiAsync(fixture, "POST", "/networks", spec);
            Assert.True(posted.Status == 202, posted.Body?.ToJsonString());
            var built = await WaitForEndAsync(fixture, Str(posted.Body!, "executionArn"), ExecutionPatience);
            Assert.True(Str(built, "status") == "SUCCEEDED", built.ToJsonString());

            var read = await ApiAsync(fixture, "GET", "/networks/tutorial");
            Assert.True(read.Status == 200, read.Body?.ToJsonString());
            Assert.Equal("tutorial", (string?)read.Body!["networkName"]);
            Assert.NotNull(read.Body["stored"]);
            Assert.Equal(Str(posted.Body!, "executionArn"), (string?)read.Body["lastExecution"]?["executionArn"]);

            // Someone deletes one of the network's brokers; no nob command runs after this.
            var brokers = await AwsAsync(fixture, "mq", "list-brokers");
            var deletedBroker = brokers["BrokerSummaries"]!.AsArray().Single(b => (string?)b!["BrokerName"] == "MyBroker2")!;
            await AwsAsync(fixture, "mq", "delete-broker", "--broker-id", Str(deletedBroker, "BrokerId"));
            var detected = await WaitForDriftEventAsync("tutorial");
            Assert.Contains(detected["detail"]!["findings"]!.AsArray(), f => (string?)f!["brokerName"] == "MyBroker2");
            var checks = await AwsAsync(fixture, "stepfunctions", "list-executions", "--state-machine-arn", CheckDrift);
            Assert.NotEmpty(checks["executions"]!.AsArray());

            var deleted = await ApiAsync(fixture, "DELETE", "/networks/tutorial");
            Assert.True(deleted.Status == 202, deleted.Body?.ToJsonString());
            var tornDown = await WaitForEndAsync(fixture, Str(deleted.Body!, "executionArn"), ExecutionPatience);
            Assert.True(Str(tornDown, "status") == "SUCCEEDED", tornDown.ToJsonString());
            Assert.Empty((await AwsAsync(fixture, "mq", "list-brokers"))["BrokerSummaries"]!.AsArray());
            var afterTeardown = await ApiAsync(fixture, "GET", "/networks/tutorial");
            Assert.True(afterTeardown.Status == 200 && afterTeardown.Body?["stored"] is null, afterTeardown.Body?.ToJsonString());
        }
        finally
        {
            await StopAsync(daemon, log, output);
        }
    }

    async Task<JsonObject> WaitForDriftEventAsync(string network)
    {
        var events = Path.Combine(fixture.Home, "events.jsonl");
        var deadline = DateTime.UtcNow + SchedulePatience;
        while (true)
        {
            var detected = !File.Exists(events) ? null : (await File.ReadAllLinesAsync(events)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())
                .LastOrDefault(e => (string?)e["detail-type"] == "Network Drift Detected" && (string?)e["detail"]?["networkName"] == network);
            if (detected is not null) return detected;
            if (DateTime.UtcNow >= deadline)
            {
                var checks = await AwsAsync(fixture, "stepfunctions", "list-executions", "--state-machine-arn", CheckDrift);
                var last = checks["executions"]!.AsArray().FirstOrDefault() is { } newest
                    ? await AwsAsync(fixture, "stepfunctions", "describe-execution", "--execution-arn", Str(newest, "executionArn"))
                    : null;
                Assert.Fail($"no scheduled check reported network {network} drifted within {SchedulePatience}; check-drift executions: {checks.ToJsonString()}; "
                    + $"the newest: {last?.ToJsonString()}; events: {(File.Exists(events) ? await File.ReadAllTextAsync(events) : "(no file)")}");
            }
            await Task.Delay(1000);
        }
    }
}
