using System.Text.Json.Nodes;
using Nob.Core.Api;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.StepFunctions;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// A local cloud whose networks API runs the real <c>ApiFunction</c> in-process (the template's handler string, built
/// with fakes of its ports), shared by <see cref="ApiFunctionEndpointTests"/>.
/// </summary>
public sealed class ApiFunctionFixture() : ApiCloudFixture("nob-api-function-tests")
{
    internal FakeWorkflowExecutions Executions { get; } = new(TimeProvider.System);

    internal FakeNetworkStore Networks { get; } = new();

    internal ApiStateMachines Machines { get; } = FakeStateMachines.In("us-east-1", "000000000000");

    private protected override ILambdaFunctions BuildFunctions(SamTemplate template) =>
        InProcessLambdaFunctions.FromTemplate(template,
            HandlerFactories.FromServices(Executions, Networks, Machines, TimeProvider.System),
            new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore });
}

/// <summary>Signed requests to the local networks API answered by ApiFunction's own code, as on AWS.</summary>
public class ApiFunctionEndpointTests : IClassFixture<ApiFunctionFixture>
{
    readonly ApiFunctionFixture fixture;

    public ApiFunctionEndpointTests(ApiFunctionFixture fixture)
    {
        this.fixture = fixture;
        fixture.Executions.Executions.Clear();
        fixture.Networks.Records.Clear();
    }

    Task<CurlResponse> SendAsync(string method, string resourcePath, string? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        SignedCurl.SendAsync(fixture.Cloud, method, fixture.Cloud.ApiUrl!.AbsoluteUri + resourcePath, body,
            headers ?? new Dictionary<string, string> { ["Content-Type"] = "application/json" });

    static JsonNode Json(CurlResponse response) => JsonNode.Parse(response.Body)!;

    [Fact]
    public async Task PostNetworks_ValidSpec_Is202AndStartsBuildNetwork()
    {
        var response = await SendAsync("POST", "/networks", Repository.Example("tutorial"));

        Assert.Equal(202, response.Status);
        Assert.Equal(["application/json"], response.Header("Content-Type"));
        var execution = Assert.Single(fixture.Executions.Executions);
        Assert.Equal(fixture.Machines.Build, execution.StateMachineArn);
        Assert.Equal(execution.Arn, (string?)Json(response)["executionArn"]);
        Assert.Equal("tutorial", (string?)Json(response)["networkName"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Repository.Example("tutorial")), JsonNode.Parse(execution.Input)));
    }

    [Fact]
    public async Task PostNetworks_RetriedWithIdempotencyKey_JoinsTheSameExecution()
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "build-1" };

        var first = await SendAsync("POST", "/networks", Repository.Example("tutorial"), headers);
        var retry = await SendAsync("POST", "/networks", Repository.Example("tutorial"), headers);

        Assert.Equal(202, first.Status);
        Assert.Equal((string?)Json(first)["executionArn"], (string?)Json(retry)["executionArn"]);
        Assert.Single(fixture.Executions.Executions);
    }

    [Fact]
    public async Task PostNetworks_OutlineValidButSpecInvalid_Is400WithTheSpecReadersErrors()
    {
        var spec = JsonNode.Parse(Repository.Example("tutorial"))!;
        spec["brokers"]![0]!["name"] = "My Broker";

        var response = await SendAsync("POST", "/networks", spec.ToJsonString());

        Assert.Equal(400, response.Status);
        Assert.Equal(SpecReader.Read(spec.ToJsonString()).Errors.Select(e => e.ToString()), Json(response)["errors"]!.AsArray().Select(e => (string)e!));
        Assert.Empty(fixture.Executions.Executions);
    }

    [Fact]
    public async Task GetNetwork_Stored_Is200WithTheRecordAndLastBuild()
    {
        await SendAsync("POST", "/networks", Repository.Example("tutorial"));
        fixture.Networks.Records["tutorial"] = new NetworkRecord(1, "tutorial", Repository.Example("tutorial"), [new StoredBroker("MyBroker1", "b-1", true)], [], DateTimeOffset.UtcNow, null);

        var response = await SendAsync("GET", "/networks/tutorial", headers: new Dictionary<string, string>());

        Assert.Equal(200, response.Status);
        Assert.Equal("b-1", (string?)Json(response)["stored"]!["brokers"]![0]!["brokerId"]);
        Assert.Equal("RUNNING", (string?)Json(response)["lastExecution"]!["status"]);
    }

    [Fact]
    public async Task GetNetwork_Unknown_Is404FromTheFunction()
    {
        var response = await SendAsync("GET", "/networks/nowhere", headers: new Dictionary<string, string>());

        Assert.Equal(404, response.Status);
        Assert.Empty(response.Header("x-amzn-ErrorType"));
    }

    [Fact]
    public async Task DeleteNetwork_Is202AndStartsTeardownNetwork()
    {
        var response = await SendAsync("DELETE", "/networks/tutorial", headers: new Dictionary<string, string>());

        Assert.Equal(202, response.Status);
        var execution = Assert.Single(fixture.Executions.Executions);
        Assert.Equal(fixture.Machines.Teardown, execution.StateMachineArn);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"networkName":"tutorial"}"""), JsonNode.Parse(execution.Input)));
    }

    [Fact]
    public async Task PostDriftCheck_Is202AndStartsCheckDriftWithTheOptions()
    {
        var response = await SendAsync("POST", "/networks/tutorial/drift-checks", """{"verify": false}""");

        Assert.Equal(202, response.Status);
        var execution = Assert.Single(fixture.Executions.Executions);
        Assert.Equal(fixture.Machines.CheckDrift, execution.StateMachineArn);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"networkName":"tutorial","repair":false,"verify":false}"""), JsonNode.Parse(execution.Input)));
    }

    [Fact]
    public async Task GetExecution_Started_Is200WithItsStatus()
    {
        var started = Json(await SendAsync("POST", "/networks", Repository.Example("tutorial")));
        var name = (string)started["executionName"]!;

        var response = await SendAsync("GET", $"/networks/tutorial/executions/{name}", headers: new Dictionary<string, string>());

        Assert.Equal(200, response.Status);
        Assert.Equal("RUNNING", (string?)Json(response)["status"]);
        Assert.Equal("build-network", (string?)Json(response)["workflow"]);
    }
}
