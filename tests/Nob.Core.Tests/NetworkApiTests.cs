using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nob.Core.Api;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Testing;

namespace Nob.Core.Tests;

public class NetworkApiTests
{
    static readonly ApiStateMachines Machines = FakeStateMachines.In();
    readonly ManualClock clock = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    readonly FakeWorkflowExecutions sfn;
    readonly FakeNetworkStore store = new();
    readonly NetworkApi api;

    public NetworkApiTests()
    {
        sfn = new FakeWorkflowExecutions(clock);
        api = new NetworkApi(sfn, store, Machines, clock);
    }

    Task<ApiResponse> Post(string? body, string? key = null)
        => api.HandleAsync(new ApiRequest("POST", "/networks", "/networks", null, body, key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key }), CancellationToken.None);

    Task<ApiResponse> Get(string name) => api.HandleAsync(
        new ApiRequest("GET", "/networks/" + Uri.EscapeDataString(name), "/networks/{name}", new Dictionary<string, string> { ["name"] = name }, null), CancellationToken.None);

    static JsonNode Body(ApiResponse response) => JsonNode.Parse(response.Body)!;

    static string Hash16(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    // ---- POST ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Post_ValidSpec_Returns202WithDeterministicNameAndCanonicalInput()
    {
        var spec = Repo.Example("tutorial");

        var response = await Post(spec);

        Assert.Equal(202, response.StatusCode);
        var execution = Assert.Single(sfn.Executions);
        Assert.DoesNotContain('\n', execution.Input);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(spec), JsonNode.Parse(execution.Input)));
        var body = Body(response);
        Assert.Equal("tutorial", (string?)body["networkName"]);
        Assert.Equal("tutorial-" + Hash16(execution.Input), (string?)body["executionName"]);
        Assert.Equal(execution.Name, (string?)body["executionName"]);
        Assert.Equal(execution.Arn, (string?)body["executionArn"]);
        Assert.Equal("2026-11-25T10:00:00.000Z", (string?)body["startDate"]);
        Assert.Equal("application/json", response.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Post_SameRequestTwiceWhileRunning_SameArnAndOneExecution()
    {
        var spec = Repo.Example("tutorial");

        var first = Body(await Post(spec));
        clock.Advance(TimeSpan.FromSeconds(3));
        var second = Body(await Post(spec));

        Assert.Equal((string?)first["executionArn"], (string?)second["executionArn"]);
        Assert.Equal((string?)first["startDate"], (string?)second["startDate"]);
        Assert.Single(sfn.Executions);
    }

    [Fact]
    public async Task Post_SameSpecReformattedAndReordered_JoinsTheSameExecution()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        var reordered = new JsonObject();
        foreach (var (key, value) in spec.Reverse().ToList()) reordered[key] = value?.DeepClone();

        var first = Body(await Post(spec.ToJsonString()));
        var second = Body(await Post("// the same spec\n" + reordered.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));

        Assert.Equal((string?)first["executionArn"], (string?)second["executionArn"]);
        Assert.Single(sfn.Executions);
    }

    [Fact]
    public async Task Post_AfterTheExecutionClosed_StartsR2AndRetriesJoinIt()
    {
        var spec = Repo.Example("tutorial");
        var first = Body(await Post(spec));
        sfn.Close((string)first["executionName"]!, "FAILED");

        var second = Body(await Post(spec));
        var retry = Body(await Post(spec));

        Assert.Equal((string)first["executionName"]! + "-r2", (string?)second["executionName"]);
        Assert.Equal((string?)second["executionArn"], (string?)retry["executionArn"]);
        Assert.Equal(2, sfn.Executions.Count);

        sfn.Close((string)second["executionName"]!);
        var third = Body(await Post(spec));
        Assert.Equal((string)first["executionName"]! + "-r3", (string?)third["executionName"]);
        Assert.Equal(3, sfn.Executions.Count);
    }

    [Fact]
    public async Task Post_DifferentSpecSameNetwork_StartsItsOwnExecution()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        var first = Body(await Post(spec.ToJsonString()));
        spec["description"] = "changed";

        var second = Body(await Post(spec.ToJsonString()));

        Assert.NotEqual((string?)first["executionName"], (string?)second["executionName"]);
        Assert.StartsWith("tutorial-", (string?)second["executionName"], StringComparison.Ordinal);
        Assert.Equal(2, sfn.Executions.Count(e => e.Status == "RUNNING"));
    }

    [Fact]
    public async Task Post_EveryNameTakenByClosedBuilds_Returns409()
    {
        var spec = Repo.Example("tutorial");
        for (var i = 0; i < NetworkApi.MaxNameAttempts; i++)
        {
            var accepted = await Post(spec);
            Assert.Equal(202, accepted.StatusCode);
            var started = Body(accepted);
            sfn.Close((string)started["executionName"]!);
        }
        var startsBefore = sfn.StartCalls;

        var response = await Post(spec);

        Assert.Equal(409, response.StatusCode);
        Assert.Contains("tutorial", (string?)Body(response)["message"], StringComparison.Ordinal);
        Assert.Equal(NetworkApi.MaxNameAttempts, sfn.StartCalls - startsBefore);
        Assert.Equal(NetworkApi.MaxNameAttempts, sfn.Executions.Count);
    }

    public static TheoryData<string, string> BadSpecs() => new()
    {
        { "tutorial", """{"brokers":[{"name":"My Broker"},{"name":"MyBroker2"}],"user":{"username":"u","passwordParameter":"/p","password":"x"}}""" },
        { "mesh", """{"networkName":null,"topology":{"type":"ring"}}""" },
        { "hub-and-spoke", """{"colour":"blue","polling":{"intervalSeconds":-1,"timeoutMinutes":60}}""" },
        { "tree", """{"networkName":"a b","brokers":[]}""" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task Post_InvalidSpec_Returns400WithTheCliErrors(string example, string mutation)
    {
        var spec = JsonNode.Parse(Repo.Example(example))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(mutation)!.AsObject()) spec[key] = value?.DeepClone();
        var text = spec.ToJsonString();
        var expected = SpecReader.Read(text).Errors.Select(e => e.ToString()).ToList();
        Assert.NotEmpty(expected);

        var response = await Post(text);

        Assert.Equal(400, response.StatusCode);
        var body = Body(response);
        Assert.Equal(expected, body["errors"]!.AsArray().Select(e => (string)e!));
        Assert.Contains($"{expected.Count} problem(s)", (string?)body["message"], StringComparison.Ordinal);
        Assert.Empty(sfn.Executions);
    }

    [Theory]
    [InlineData("{\"networkName\": ")]
    [InlineData("not json")]
    public async Task Post_MalformedJson_Returns400WithTheParseError(string body)
    {
        var response = await Post(body);

        Assert.Equal(400, response.StatusCode);
        var json = Body(response);
        Assert.Contains("not valid JSON", (string?)json["message"], StringComparison.Ordinal);
        Assert.Equal(SpecReader.Read(body).Errors.Select(e => e.ToString()), json["errors"]!.AsArray().Select(e => (string)e!));
        Assert.Equal(0, sfn.StartCalls);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n")]
    public async Task Post_NoBody_Returns400(string? body)
    {
        var response = await Post(body);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("no body", (string?)Body(response)["message"], StringComparison.Ordinal);
        Assert.Equal(0, sfn.StartCalls);
    }

    [Fact]
    public async Task Post_BodyWithPasswordField_ErrorDoesNotEchoThePassword()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["user"]!["password"] = "Hunter2-s3cret";

        var response = await Post(spec.ToJsonString());

        Assert.Equal(400, response.StatusCode);
        Assert.DoesNotContain("Hunter2-s3cret", response.Body, StringComparison.Ordinal);
    }

    // ---- GET -----------------------------------------------------------------------------------------------

    static NetworkRecord Record(string name) => new(
        NetworkRecord.CurrentSchemaVersion, name, Repo.Example("tutorial"),
        [new StoredBroker("MyBroker1", "b-1", true), new StoredBroker("MyBroker2", "b-2", false)],
        ["MyBroker1 <==> MyBroker2"], new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), "tutorial-0123456789abcdef");

    [Fact]
    public async Task Get_RecordAndExecutions_Returns200WithRecordAndNewestExecutionOfThatNetwork()
    {
        store.Records["tutorial"] = Record("tutorial");
        var first = Body(await Post(Repo.Example("tutorial")));
        clock.Advance(TimeSpan.FromMinutes(20));
        sfn.Close((string)first["executionName"]!);
        var latest = Body(await Post(Repo.Example("tutorial")));
        clock.Advance(TimeSpan.FromMinutes(1));
        // Another network whose name starts with "tutorial-" is not this network's.
        var other = JsonNode.Parse(Repo.Example("tutorial"))!;
        other["networkName"] = "tutorial-eu";
        Assert.Equal(202, (await Post(other.ToJsonString())).StatusCode);

        var response = await Get("tutorial");

        Assert.Equal(200, response.StatusCode);
        var body = Body(response);
        Assert.Equal("tutorial", (string?)body["networkName"]);
        var stored = body["stored"]!;
        Assert.Equal(1, (int)stored["schemaVersion"]!);
        Assert.Equal("tutorial", (string?)stored["networkName"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Repo.Example("tutorial")), stored["spec"]));
        Assert.Equal("b-2", (string?)stored["brokers"]![1]!["brokerId"]);
        Assert.False((bool)stored["brokers"]![1]!["created"]!);
        Assert.Equal("MyBroker1 <==> MyBroker2", (string?)stored["connectors"]![0]);
        Assert.Equal("2026-11-24T09:30:00.000Z", (string?)stored["storedAt"]);
        Assert.Equal("tutorial-0123456789abcdef", (string?)stored["executionName"]);
        var last = body["lastExecution"]!;
        Assert.Equal((string?)latest["executionName"], (string?)last["name"]);
        Assert.Equal((string?)latest["executionArn"], (string?)last["executionArn"]);
        Assert.Equal("RUNNING", (string?)last["status"]);
        Assert.Equal("2026-11-25T10:20:00.000Z", (string?)last["startDate"]);
        Assert.Null(last["stopDate"]);
    }

    [Fact]
    public async Task Get_ClosedExecutionWithoutRecord_Returns200WithStatusAndStopDate()
    {
        var started = Body(await Post(Repo.Example("mesh")));
        clock.Advance(TimeSpan.FromMinutes(5));
        sfn.Close((string)started["executionName"]!, "FAILED");

        var body = Body(await Get("mesh"));

        Assert.Null(body["stored"]);
        Assert.Equal("FAILED", (string?)body["lastExecution"]!["status"]);
        Assert.Equal("2026-11-25T10:05:00.000Z", (string?)body["lastExecution"]!["stopDate"]);
    }

    [Fact]
    public async Task Get_RecordWithoutExecutions_Returns200WithNullLastExecution()
    {
        store.Records["tutorial"] = Record("tutorial");

        var body = Body(await Get("tutorial"));

        Assert.Equal("tutorial", (string?)body["stored"]!["networkName"]);
        Assert.Null(body["lastExecution"]);
    }

    [Fact]
    public async Task Get_UnknownNetwork_Returns404()
    {
        await Post(Repo.Example("mesh"));

        var response = await Get("nothing-here");

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("nothing-here", (string?)Body(response)["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ExecutionOlderThanTheSearchedPages_IsNotFoundAndListingIsBounded()
    {
        await Post(Repo.Example("mesh"));
        var other = JsonNode.Parse(Repo.Example("tutorial"))!;
        for (var i = 0; i < NetworkApi.ListPageSize * NetworkApi.MaxListPages; i++)
        {
            other["description"] = "build " + i;
            await Post(other.ToJsonString());
        }

        var response = await Get("mesh");

        Assert.Equal(404, response.StatusCode);
        Assert.Equal(NetworkApi.MaxListPages, sfn.ListCalls);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("net/work")]
    [InlineData("x12345678901234567890123456789012345678901")]
    public async Task Get_InvalidName_Returns400WithTheSpecRule(string name)
    {
        var response = await Get(name);

        Assert.Equal(400, response.StatusCode);
        var error = (string?)Body(response)["errors"]![0];
        Assert.StartsWith("name: ", error, StringComparison.Ordinal);
        Assert.EndsWith("use 1-40 letters, digits, '-' or '_'", error, StringComparison.Ordinal);
        Assert.Equal(0, sfn.ListCalls);
    }

    // ---- DELETE and drift checks ---------------------------------------------------------------------------

    Task<ApiResponse> Delete(string name, string? key = null) => api.HandleAsync(
        new ApiRequest("DELETE", "/networks/" + Uri.EscapeDataString(name), "/networks/{name}", new Dictionary<string, string> { ["name"] = name }, null, Key(key)),
        CancellationToken.None);

    Task<ApiResponse> DriftCheck(string name, string? body, string? key = null) => api.HandleAsync(
        new ApiRequest("POST", $"/networks/{Uri.EscapeDataString(name)}/drift-checks", "/networks/{name}/drift-checks", new Dictionary<string, string> { ["name"] = name }, body, Key(key)),
        CancellationToken.None);

    Task<ApiResponse> Status(string name, string executionName) => api.HandleAsync(
        new ApiRequest("GET", $"/networks/{name}/executions/{executionName}", "/networks/{name}/executions/{executionName}",
            new Dictionary<string, string> { ["name"] = name, ["executionName"] = executionName }, null), CancellationToken.None);

    static Dictionary<string, string>? Key(string? key) => key is null ? null : new() { ["Idempotency-Key"] = key };

    [Fact]
    public async Task Delete_RetriedWhileRunning_JoinsTheTeardownWithADeterministicName()
    {
        var first = await Delete("tutorial");
        clock.Advance(TimeSpan.FromSeconds(2));
        var retry = await Delete("tutorial");

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(202, retry.StatusCode);
        var execution = Assert.Single(sfn.Executions);
        Assert.Equal(Machines.Teardown, execution.StateMachineArn);
        Assert.Equal("""{"networkName":"tutorial"}""", execution.Input);
        Assert.Equal("tutorial-" + Hash16(execution.Input), execution.Name);
        var body = Body(retry);
        Assert.Equal(execution.Arn, (string?)body["executionArn"]);
        Assert.Equal("teardown-network", (string?)body["workflow"]);
        Assert.Equal("RUNNING", (string?)body["status"]);
        Assert.Equal("2026-11-25T10:00:00.000Z", (string?)body["startDate"]);
    }

    [Fact]
    public async Task Delete_AfterTheTeardownClosed_StartsR2()
    {
        var first = Body(await Delete("tutorial"));
        sfn.Close((string)first["executionName"]!);

        var second = Body(await Delete("tutorial"));

        Assert.Equal((string)first["executionName"]! + "-r2", (string?)second["executionName"]);
        Assert.Equal(2, sfn.Executions.Count);
    }

    [Fact]
    public async Task Delete_InvalidName_Returns400AndStartsNothing()
    {
        var response = await Delete("a b");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(0, sfn.StartCalls);
    }

    [Theory]
    [InlineData(null, true, false)]
    [InlineData("", true, false)]
    [InlineData("{}", true, false)]
    [InlineData("""{"repair": true}""", true, true)]
    [InlineData("""{"verify": false, "repair": true}""", false, true)]
    [InlineData("""{"verify": false}""", false, false)]
    public async Task DriftCheck_Options_InputHasTheNetworkAndBothFlagsWithDefaults(string? body, bool verify, bool repair)
    {
        var response = await DriftCheck("tutorial", body);

        Assert.Equal(202, response.StatusCode);
        var execution = Assert.Single(sfn.Executions);
        Assert.Equal(Machines.CheckDrift, execution.StateMachineArn);
        Assert.Equal($$"""{"networkName":"tutorial","repair":{{(repair ? "true" : "false")}},"verify":{{(verify ? "true" : "false")}}}""", execution.Input);
        Assert.Equal("check-drift", (string?)Body(response)["workflow"]);
    }

    [Fact]
    public async Task DriftCheck_SameOptionsRetried_JoinsAndOtherOptionsStartTheirOwn()
    {
        var first = Body(await DriftCheck("tutorial", """{"repair": true}"""));
        var retry = Body(await DriftCheck("tutorial", """{ "repair" : true, "verify": true }"""));
        var other = Body(await DriftCheck("tutorial", null));

        Assert.Equal((string?)first["executionArn"], (string?)retry["executionArn"]);
        Assert.NotEqual((string?)first["executionArn"], (string?)other["executionArn"]);
        Assert.Equal(2, sfn.Executions.Count);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[true]", "must be a JSON object")]
    [InlineData("""{"repair": "yes"}""", "1 problem(s)")]
    [InlineData("""{"verify": null, "colour": "blue"}""", "2 problem(s)")]
    public async Task DriftCheck_BadBody_Returns400AndStartsNothing(string body, string message)
    {
        var response = await DriftCheck("tutorial", body);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains(message, (string?)Body(response)["message"], StringComparison.Ordinal);
        Assert.Equal(0, sfn.StartCalls);
    }

    // ---- Idempotency-Key -----------------------------------------------------------------------------------

    [Fact]
    public async Task Key_RetriedAfterTheExecutionClosed_Returns200WithThatExecutionAndStartsNoOther()
    {
        var first = await Delete("tutorial", "op-42");
        var name = (string)Body(first)["executionName"]!;
        clock.Advance(TimeSpan.FromMinutes(7));
        sfn.Close(name);

        var retry = await Delete("tutorial", "op-42");

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(ExecutionNames.ForKey("tutorial", "op-42"), name);
        Assert.Equal(200, retry.StatusCode);
        var body = Body(retry);
        Assert.Equal(name, (string?)body["executionName"]);
        Assert.Equal("SUCCEEDED", (string?)body["status"]);
        Assert.Single(sfn.Executions);
    }

    [Fact]
    public async Task Key_RetriedWhileRunning_Returns202WithTheSameExecution()
    {
        var first = Body(await Post(Repo.Example("tutorial"), "build-7"));
        var retry = await Post(Repo.Example("tutorial"), "build-7");

        Assert.Equal(202, retry.StatusCode);
        Assert.Equal((string?)first["executionArn"], (string?)Body(retry)["executionArn"]);
        Assert.Single(sfn.Executions);
    }

    [Fact]
    public async Task Key_ReusedForAnotherRequest_Returns422NamingTheExistingExecution()
    {
        var first = Body(await DriftCheck("tutorial", """{"repair": true}""", "k1"));

        var reused = await DriftCheck("tutorial", """{"repair": false}""", "k1");

        Assert.Equal(422, reused.StatusCode);
        Assert.Equal((string?)first["executionArn"], (string?)Body(reused)["executionArn"]);
        Assert.Single(sfn.Executions);
    }

    [Fact]
    public async Task Key_HeaderNameInAnyCase_IsTheSameKey()
    {
        await Delete("tutorial", "k2");
        var lower = await api.HandleAsync(new ApiRequest("DELETE", "/networks/tutorial", "/networks/{name}", new Dictionary<string, string> { ["name"] = "tutorial" }, null,
            new Dictionary<string, string> { ["idempotency-key"] = "k2" }), CancellationToken.None);

        Assert.Equal(202, lower.StatusCode);
        Assert.Single(sfn.Executions);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Key_EmptyOrTooLong_Returns400(string? key)
    {
        var response = await Delete("tutorial", key ?? new string('k', NetworkApi.MaxIdempotencyKeyLength + 1));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(0, sfn.StartCalls);
    }

    // ---- GET /networks/{name}/executions/{executionName} ---------------------------------------------------

    [Fact]
    public async Task Status_SucceededBuild_Returns200WithDatesAndOutput()
    {
        var started = Body(await Post(Repo.Example("tutorial")));
        var name = (string)started["executionName"]!;
        clock.Advance(TimeSpan.FromMinutes(16));
        sfn.Close(name, output: """{"networkName":"tutorial","brokers":[{"brokerName":"MyBroker1"}]}""");

        var response = await Status("tutorial", name);

        Assert.Equal(200, response.StatusCode);
        var body = Body(response);
        Assert.Equal("build-network", (string?)body["workflow"]);
        Assert.Equal("SUCCEEDED", (string?)body["status"]);
        Assert.Equal((string?)started["executionArn"], (string?)body["executionArn"]);
        Assert.Equal("2026-11-25T10:00:00.000Z", (string?)body["startDate"]);
        Assert.Equal("2026-11-25T10:16:00.000Z", (string?)body["stopDate"]);
        Assert.Equal("MyBroker1", (string?)body["output"]!["brokers"]![0]!["brokerName"]);
        Assert.Null(body["error"]);
    }

    [Fact]
    public async Task Status_FailedTeardown_Returns200WithErrorAndCauseButNotTheInput()
    {
        var name = (string)Body(await Delete("tutorial"))["executionName"]!;
        sfn.Close(name, "FAILED", error: "NetworkBusyException", cause: "network tutorial is locked by build tutorial-0123456789abcdef");

        var body = Body(await Status("tutorial", name));

        Assert.Equal("teardown-network", (string?)body["workflow"]);
        Assert.Equal("FAILED", (string?)body["status"]);
        Assert.Equal("NetworkBusyException", (string?)body["error"]);
        Assert.StartsWith("network tutorial is locked", (string?)body["cause"], StringComparison.Ordinal);
        Assert.Null(body["input"]);
        Assert.Null(body["output"]);
    }

    [Fact]
    public async Task Status_RunningDriftCheck_Returns200WithoutStopDate()
    {
        var name = (string)Body(await DriftCheck("tutorial", null))["executionName"]!;

        var body = Body(await Status("tutorial", name));

        Assert.Equal("check-drift", (string?)body["workflow"]);
        Assert.Equal("RUNNING", (string?)body["status"]);
        Assert.Null(body["stopDate"]);
    }

    [Fact]
    public async Task Status_OutputLargerThanTheLimit_ReturnsItsSizeOnly()
    {
        var name = (string)Body(await Post(Repo.Example("tutorial")))["executionName"]!;
        var output = new JsonObject { ["pad"] = new string('x', NetworkApi.MaxOutputBytes) }.ToJsonString();
        sfn.Close(name, output: output);

        var body = Body(await Status("tutorial", name));

        Assert.Null(body["output"]);
        Assert.Equal(Encoding.UTF8.GetByteCount(output), (int)body["outputBytes"]!);
    }

    [Fact]
    public async Task Status_AnotherNetworksExecution_Returns404WithoutDescribing()
    {
        var other = JsonNode.Parse(Repo.Example("tutorial"))!;
        other["networkName"] = "tutorial-eu";
        var name = (string)Body(await Post(other.ToJsonString()))["executionName"]!;

        var response = await Status("tutorial", name);

        Assert.Equal(404, response.StatusCode);
        Assert.Equal(0, sfn.DescribeCalls);
    }

    [Fact]
    public async Task Status_UnknownExecution_Returns404AfterLookingInEachStateMachine()
    {
        var response = await Status("tutorial", "tutorial-0123456789abcdef");

        Assert.Equal(404, response.StatusCode);
        Assert.Equal(3, sfn.DescribeCalls);
    }

    // ---- routing -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("GET", "/networks", "/networks", "POST")]
    [InlineData("PUT", "/networks", "/networks", "POST")]
    [InlineData("POST", "/networks/tutorial", "/networks/{name}", "GET, DELETE")]
    [InlineData("PUT", "/networks/tutorial", "/networks/{name}", "GET, DELETE")]
    [InlineData("PATCH", "/networks/tutorial", null, "GET, DELETE")]
    [InlineData("GET", "/networks/tutorial/drift-checks", "/networks/{name}/drift-checks", "POST")]
    [InlineData("DELETE", "/networks/tutorial/drift-checks", null, "POST")]
    [InlineData("POST", "/networks/tutorial/executions/tutorial-0123456789abcdef", null, "GET")]
    public async Task Handle_KnownRouteWrongMethod_Returns405WithAllow(string method, string path, string? resource, string allow)
    {
        var response = await api.HandleAsync(new ApiRequest(method, path, resource, null, "{}"), CancellationToken.None);

        Assert.Equal(405, response.StatusCode);
        Assert.Equal(allow, response.Headers["Allow"]);
        Assert.Equal(0, sfn.StartCalls);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/brokers")]
    [InlineData("/networks/a/b")]
    [InlineData("/networks/a/executions")]
    [InlineData("/networks/a/drift-checks/b")]
    public async Task Handle_UnknownRoute_Returns404(string path)
    {
        var response = await api.HandleAsync(new ApiRequest("GET", path, null, null, null), CancellationToken.None);

        Assert.Equal(404, response.StatusCode);
        Assert.NotNull((string?)Body(response)["message"]);
    }

    [Fact]
    public async Task Handle_PathWithoutResource_RoutesByPath()
    {
        await Post(Repo.Example("mesh"));

        var response = await api.HandleAsync(new ApiRequest("GET", "/networks/mesh", null, null, null), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
    }

    // ---- names ---------------------------------------------------------------------------------------------

    [Fact]
    public void CanonicalJson_CommentsOrderAndSpace_CompactSortedObjectsArraysKept()
    {
        var canonical = ExecutionNames.CanonicalJson("{ \"b\": 1, /* note */ \"a\": [2, {\"d\": \"<x>\", \"c\": 2}], }");

        Assert.Equal("{\"a\":[2,{\"c\":2,\"d\":\"<x>\"}],\"b\":1}", canonical);
    }

    [Fact]
    public void For_LongestNetworkNameAndLastAttempt_FitsStepFunctionsNameRules()
    {
        var name = ExecutionNames.For(new string('n', 40), "{}", NetworkApi.MaxNameAttempts);

        Assert.True(name.Length <= ExecutionNames.MaxLength);
        Assert.Matches("^[A-Za-z0-9_-]+$", name);
        Assert.EndsWith("-r" + NetworkApi.MaxNameAttempts, name, StringComparison.Ordinal);
        Assert.Equal(new string('n', 40) + "-" + Hash16("{}") + "-r50", name);
    }

    [Theory]
    [InlineData("prod-0123456789abcdef", "prod", true)]
    [InlineData("prod-0123456789abcdef-r12", "prod", true)]
    [InlineData("prod-eu-0123456789abcdef", "prod", false)]
    [InlineData("prod-eu-0123456789abcdef", "prod-eu", true)]
    [InlineData("prod-0123456789ABCDEF", "prod", false)]
    [InlineData("prod-manual-run", "prod", false)]
    public void BelongsTo_ExecutionName_MatchesOnlyThisNetworksNames(string executionName, string network, bool expected)
        => Assert.Equal(expected, ExecutionNames.BelongsTo(executionName, network));

    [Fact]
    public void CheckNetworkName_Invalid_SameMessageAsTheSpecReader()
    {
        var fromSpec = SpecReader.Read("""{"networkName":"a b"}""").Errors.Single(e => e.Path == "networkName");

        Assert.Equal(fromSpec, SpecReader.CheckNetworkName("a b"));
        Assert.Null(SpecReader.CheckNetworkName("a-b_c"));
    }
}

public class NetworkApiEdgeTests
{
    [Fact]
    public async Task Post_DuplicateMembers_Returns400NotACrash()
    {
        var sfn = new FakeWorkflowExecutions(TimeProvider.System);
        var api = new NetworkApi(sfn, new FakeNetworkStore(), FakeStateMachines.In(), TimeProvider.System);
        var spec = Repo.Example("tutorial").TrimStart().TrimStart('{');

        var response = await api.HandleAsync(new ApiRequest("POST", "/networks", "/networks", null, "{\"networkName\":\"other\"," + spec), CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.Empty(sfn.Executions);
    }
}

public class SpecReaderDuplicateMemberTests
{
    [Fact]
    public void Read_MemberGivenTwice_ReportsInvalidJsonInsteadOfThrowing()
    {
        var result = SpecReader.Read("""{"networkName":"a","networkName":"b"}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("$", error.Path);
        Assert.StartsWith("not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
