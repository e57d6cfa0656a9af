using System.Net;
using System.Reflection;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Nob.Aws.Adapters;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Aws.Tests.Infrastructure;
using Nob.Core.Api;

namespace Nob.Aws.Tests;

/// <summary>One Step Functions operation with a request that sets every member the client supports.</summary>
public sealed record SfnCase(string Name, AmazonStepFunctionsRequest Request, Func<IAmazonStepFunctionsClient, AmazonStepFunctionsRequest, Task<AmazonWebServiceResponse>> Call);

/// <summary>
/// Every Step Functions operation the client sends, checked against botocore's official model (awsJson 1.0): target
/// header, content type, body members (names, JSON types, required), SigV4 scope <c>states</c>, the modelled errors
/// as typed exceptions, and that every member the client reads exists in the output shape.
/// </summary>
public class StepFunctionsContractTests
{
    const string StateMachineArn = "arn:aws:states:eu-west-1:111122223333:stateMachine:nob-build-network";
    const string ExecutionArn = "arn:aws:states:eu-west-1:111122223333:execution:nob-build-network:tutorial-0123456789abcdef";

    public static IReadOnlyList<SfnCase> Cases { get; } =
    [
        new("StartExecution", new StartExecutionRequest { StateMachineArn = StateMachineArn, Name = "tutorial-0123456789abcdef", Input = """{"networkName":"tutorial"}""", TraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793" },
            async (c, r) => await c.StartExecutionAsync((StartExecutionRequest)r)),
        new("DescribeExecution", new DescribeExecutionRequest { ExecutionArn = ExecutionArn }, async (c, r) => await c.DescribeExecutionAsync((DescribeExecutionRequest)r)),
        new("ListExecutions", new ListExecutionsRequest { StateMachineArn = StateMachineArn, StatusFilter = ExecutionStatuses.Running, MaxResults = 100, NextToken = "token/1=", MapRunArn = "arn:aws:states:eu-west-1:111122223333:mapRun:m/1" },
            async (c, r) => await c.ListExecutionsAsync((ListExecutionsRequest)r)),
        new("GetExecutionHistory", new GetExecutionHistoryRequest { ExecutionArn = ExecutionArn, MaxResults = 1000, ReverseOrder = false, NextToken = "token/2=", IncludeExecutionData = true },
            async (c, r) => await c.GetExecutionHistoryAsync((GetExecutionHistoryRequest)r)),
        new("StopExecution", new StopExecutionRequest { ExecutionArn = ExecutionArn, Error = "nob.Interrupted", Cause = "Ctrl-C" },
            async (c, r) => await c.StopExecutionAsync((StopExecutionRequest)r)),
        new("ListStateMachines", new ListStateMachinesRequest { MaxResults = 100, NextToken = "token/3=" },
            async (c, r) => await c.ListStateMachinesAsync((ListStateMachinesRequest)r)),
        new("DescribeStateMachine", new DescribeStateMachineRequest { StateMachineArn = StateMachineArn },
            async (c, r) => await c.DescribeStateMachineAsync((DescribeStateMachineRequest)r)),
    ];

    public static TheoryData<string> Operations() => [.. Cases.Select(c => c.Name)];

    static string MemberName(PropertyInfo property) => char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    static IEnumerable<PropertyInfo> RequestProperties(AmazonStepFunctionsRequest request)
        => request.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType is not null && p.DeclaringType.Namespace == typeof(AmazonStepFunctionsRequest).Namespace && p.GetIndexParameters().Length == 0);

    [Fact]
    public void Model_Metadata_IsAwsJson10SignedAsStates()
    {
        var metadata = BotocoreModel.StepFunctions.Metadata;
        Assert.Equal("json", metadata.GetProperty("protocol").GetString());
        Assert.Equal("1.0", metadata.GetProperty("jsonVersion").GetString());
        Assert.Equal(AmazonStepFunctionsConfig.TargetPrefix, metadata.GetProperty("targetPrefix").GetString());
        var signingName = metadata.TryGetProperty("signingName", out var s) ? s.GetString() : metadata.GetProperty("endpointPrefix").GetString();
        Assert.Equal(AmazonStepFunctionsConfig.Identity.SigningName, signingName);
        Assert.Equal(AmazonStepFunctionsConfig.Identity.ServiceId, metadata.GetProperty("serviceId").GetString());
        Assert.Equal(AmazonStepFunctionsConfig.Identity.ApiVersion, metadata.GetProperty("apiVersion").GetString());
        Assert.Equal(AmazonStepFunctionsConfig.Identity.EndpointPrefix, metadata.GetProperty("endpointPrefix").GetString());
    }

    [Fact]
    public void Cases_CoverEveryClientOperation_OneCaseEach()
    {
        var methods = typeof(IAmazonStepFunctionsClient).GetMethods().Select(m => m.Name.Replace("Async", string.Empty, StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(methods, Cases.Select(c => c.Name).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Case_OfOperation_SetsEveryRequestProperty(string operation)
    {
        var request = Cases.Single(c => c.Name == operation).Request;
        var unset = RequestProperties(request).Where(p => p.GetValue(request) is null).Select(p => p.Name).ToList();
        Assert.True(unset.Count == 0, $"{operation}: the case leaves {string.Join(", ", unset)} unset, so the contract test would not see them");
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_SentToCapturingServer_ConformsToBotocoreModel(string operation)
    {
        var model = BotocoreModel.StepFunctions.GetOperation(operation);
        var sample = Cases.Single(c => c.Name == operation);
        var input = model.Input!;
        using var server = new CapturingServer(CannedResponse.Json(BotocoreModel.Generate(model.Output!)));
        using var client = TestClients.StepFunctionsFor(server);

        var response = await sample.Call(client, sample.Request);

        var sent = server.Single();
        var problems = new List<string>();
        if (sent.Method != model.HttpMethod) problems.Add($"method {sent.Method}, model says {model.HttpMethod}");
        if (sent.RawPath != model.RequestUri) problems.Add($"path {sent.RawPath}, model says {model.RequestUri}");
        if (sent.Query.Count > 0) problems.Add("awsJson sends no query string");
        if (sent.Header("X-Amz-Target") != $"AWSStepFunctions.{operation}") problems.Add($"X-Amz-Target is '{sent.Header("X-Amz-Target")}'");
        if (sent.Header("Content-Type")?.StartsWith("application/x-amz-json-1.0", StringComparison.Ordinal) != true) problems.Add($"Content-Type is '{sent.Header("Content-Type")}'");

        using var body = JsonDocument.Parse(sent.Body);
        problems.AddRange(BotocoreModel.Validate(body.RootElement, input));
        foreach (var property in RequestProperties(sample.Request))
        {
            var member = input.MemberByName(MemberName(property));
            if (member is null) problems.Add($"request property {property.Name} has no member {MemberName(property)} in {input.Name}");
            else if (!body.RootElement.TryGetProperty(member.LocationName, out var value)) problems.Add($"request property {property.Name} was not sent as {member.LocationName}");
            else if (BotocoreModel.FormatInvariant(property.GetValue(sample.Request)!) != (value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()))
                problems.Add($"{member.LocationName} does not carry the request's value");
        }

        var authorization = sent.Header("Authorization") ?? string.Empty;
        if (!authorization.StartsWith($"AWS4-HMAC-SHA256 Credential={TestClients.AccessKeyId}/", StringComparison.Ordinal)
            || !authorization.Contains($"/{TestClients.Region}/states/aws4_request", StringComparison.Ordinal)
            || !authorization.Contains("SignedHeaders=", StringComparison.Ordinal) || !authorization.Contains("x-amz-target", StringComparison.Ordinal))
        {
            problems.Add($"Authorization header is not SigV4 for states (signing x-amz-target): '{authorization}'");
        }

        // Every member the client reads exists in the output shape: a response generated from the model fills them all.
        GeneratedResponse.AssertPopulated(response, operation + "Response", typeof(ExecutionListItem).Namespace, problems);
        Assert.True(problems.Count == 0, $"{operation}:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Operation_RequiredMembers_AreRequiredByTheClient(string operation)
    {
        var required = BotocoreModel.StepFunctions.GetOperation(operation).Input!.Required;
        var type = Cases.Single(c => c.Name == operation).Request.GetType();
        var requiredProperties = type.GetProperties().Where(p => p.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>() is not null).Select(MemberName).Order();
        Assert.Equal(required.Order(), requiredProperties);
    }

    [Fact]
    public async Task ModelErrors_OfOurOperations_MapToTypedExceptionsByCode()
    {
        var model = BotocoreModel.StepFunctions;
        var typed = new Dictionary<string, Type>
        {
            ["ExecutionAlreadyExists"] = typeof(ExecutionAlreadyExistsException),
            ["ExecutionDoesNotExist"] = typeof(ExecutionDoesNotExistException),
            ["StateMachineDoesNotExist"] = typeof(StateMachineDoesNotExistException),
            ["InvalidName"] = typeof(InvalidNameException),
            ["InvalidExecutionInput"] = typeof(InvalidExecutionInputException),
            ["InvalidArn"] = typeof(InvalidArnException),
            ["InvalidToken"] = typeof(InvalidTokenException),
            ["ValidationException"] = typeof(StepFunctionsValidationException),
        };
        var errors = Cases.SelectMany(c => model.ErrorsOf(c.Name)).Distinct().ToList();
        Assert.Superset(typed.Keys.ToHashSet(), errors.ToHashSet());
        foreach (var code in errors)
        {
            Assert.Contains("message", model.GetShape(code).Members.Select(m => m.LocationName));
            using var server = new CapturingServer(CannedResponse.AwsJsonError(400, code, "the message of " + code));
            using var client = TestClients.StepFunctionsFor(server, maxErrorRetry: 0);

            var e = await Assert.ThrowsAnyAsync<AmazonStepFunctionsException>(() => client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = ExecutionArn }));

            Assert.Equal(typed.GetValueOrDefault(code, typeof(AmazonStepFunctionsException)), e.GetType());
            Assert.Equal(code, e.ErrorCode);
            Assert.Equal("the message of " + code, e.Message);
            Assert.Equal("req-400", e.RequestId);
            Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
            Assert.Single(server.Requests);
        }
    }
}

/// <summary>Step Functions responses, retries, paging and the adapter.</summary>
public class StepFunctionsBehaviourTests
{
    const string StateMachineArn = "arn:aws:states:eu-west-1:111122223333:stateMachine:nob-build-network";
    const string Started = """{"executionArn":"arn:aws:states:eu-west-1:111122223333:execution:nob-build-network:n-1","startDate":1764064800.5}""";

    static Task<StartExecutionResponse> Start(IAmazonStepFunctionsClient client)
        => client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = StateMachineArn, Name = "n-1", Input = "{}" });

    [Fact]
    public async Task StartExecution_EpochSecondsStartDate_ReadAsUtcTimestamp()
    {
        using var server = new CapturingServer(CannedResponse.Json(Started));
        using var client = TestClients.StepFunctionsFor(server);

        var response = await Start(client);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764064800500), response.StartDate);
        Assert.EndsWith(":n-1", response.ExecutionArn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_ThrottlingThenOk_SucceedsAfterOneRetry()
    {
        using var server = CapturingServer.Sequence(CannedResponse.AwsJsonError(400, "ThrottlingException", "Rate exceeded"), CannedResponse.Json(Started));
        using var client = TestClients.StepFunctionsFor(server);

        var response = await Start(client);

        Assert.NotNull(response.ExecutionArn);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task StartExecution_ThrottlingAlways_ThrowsThrottlingAfterRetries()
    {
        using var server = new CapturingServer(CannedResponse.AwsJsonError(400, "ThrottlingException", "Rate exceeded"));
        using var client = TestClients.StepFunctionsFor(server, maxErrorRetry: 1);

        var e = await Assert.ThrowsAsync<StepFunctionsThrottlingException>(() => Start(client));

        Assert.True(e.Retryable?.Throttling);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task StartExecution_429WithoutCode_IsRetriedAsThrottling()
    {
        using var server = CapturingServer.Sequence(new CannedResponse(429, """{"message":"Too Many Requests"}"""), CannedResponse.Json(Started));
        using var client = TestClients.StepFunctionsFor(server);

        await Start(client);

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task StartExecution_500Always_RetriedThenThrows()
    {
        using var server = new CapturingServer(new CannedResponse(500, """{"__type":"InternalFailure","message":"oops"}"""));
        using var client = TestClients.StepFunctionsFor(server, maxErrorRetry: 2);

        var e = await Assert.ThrowsAsync<AmazonStepFunctionsException>(() => Start(client));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Equal("InternalFailure", e.ErrorCode);
    }

    [Fact]
    public async Task StartExecution_AlreadyExists_NotRetried()
    {
        using var server = new CapturingServer(CannedResponse.AwsJsonError(400, "ExecutionAlreadyExists", "Execution Already Exists: 'n-1'"));
        using var client = TestClients.StepFunctionsFor(server);

        await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => Start(client));

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task StartExecution_EmptyStateMachineArn_ThrowsWithoutSending()
    {
        using var server = new CapturingServer(CannedResponse.Json(Started));
        using var client = TestClients.StepFunctionsFor(server);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = "" }));

        Assert.Equal("StateMachineArn", e.ParamName);
        Assert.Empty(server.Requests);
    }

    static string Page(string? next, params string[] names)
        => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["executions"] = names.Select(n => new Dictionary<string, object?>
            {
                ["executionArn"] = "arn:aws:states:eu-west-1:111122223333:execution:nob-build-network:" + n,
                ["stateMachineArn"] = StateMachineArn,
                ["name"] = n,
                ["status"] = "SUCCEEDED",
                ["startDate"] = 1764064800,
                ["stopDate"] = 1764065400.25,
            }).ToList(),
            ["nextToken"] = next,
        });

    [Fact]
    public async Task ListExecutionsPaginated_FollowsTokensUpToMaxPages()
    {
        using var server = CapturingServer.Sequence(
            CannedResponse.Json(Page("t1", "a", "b")), CannedResponse.Json(Page("t2", "c")), CannedResponse.Json(Page("t3", "d")));
        using var client = TestClients.StepFunctionsFor(server);

        var names = new List<string?>();
        await foreach (var item in client.ListExecutionsPaginatedAsync(StateMachineArn, pageSize: 2, maxPages: 2)) names.Add(item.Name);

        Assert.Equal(["a", "b", "c"], names);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("t1", JsonDocument.Parse(server.Requests[1].Body).RootElement.GetProperty("nextToken").GetString());
    }

    [Fact]
    public async Task ListExecutionsPaginated_RepeatedToken_Throws()
    {
        using var server = new CapturingServer(CannedResponse.Json(Page("same", "a")));
        using var client = TestClients.StepFunctionsFor(server);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var unused in client.ListExecutionsPaginatedAsync(StateMachineArn)) { }
        });
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Adapter_StartOnTakenName_ThrowsExecutionNameTaken()
    {
        using var server = new CapturingServer(CannedResponse.AwsJsonError(400, "ExecutionAlreadyExists", "Execution Already Exists"));
        using var client = TestClients.StepFunctionsFor(server);
        var adapter = new StepFunctionsExecutions(client);

        var e = await Assert.ThrowsAsync<ExecutionNameTakenException>(() => adapter.StartAsync(StateMachineArn, "n-1", "{}", CancellationToken.None));

        Assert.Equal("n-1", e.ExecutionName);
        var sent = JsonDocument.Parse(server.Single().Body).RootElement;
        Assert.Equal("n-1", sent.GetProperty("name").GetString());
        Assert.Equal("{}", sent.GetProperty("input").GetString());
    }

    [Fact]
    public async Task Adapter_List_MapsExecutionsAndToken()
    {
        using var server = new CapturingServer(CannedResponse.Json(Page(null, "tutorial-0123456789abcdef")));
        using var client = TestClients.StepFunctionsFor(server);

        var page = await new StepFunctionsExecutions(client).ListAsync(StateMachineArn, "t0", 100, CancellationToken.None);

        var execution = Assert.Single(page.Executions);
        Assert.Equal("tutorial-0123456789abcdef", execution.Name);
        Assert.Equal("SUCCEEDED", execution.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764064800), execution.StartDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764065400250), execution.StopDate);
        Assert.Null(page.NextToken);
        var sent = JsonDocument.Parse(server.Single().Body).RootElement;
        Assert.Equal(100, sent.GetProperty("maxResults").GetInt32());
        Assert.Equal("t0", sent.GetProperty("nextToken").GetString());
    }

    [Fact]
    public void Adapter_Methods_DeclareTheirIamActions()
    {
        var map = typeof(StepFunctionsExecutions).GetInterfaceMap(typeof(IWorkflowExecutions));
        var actions = map.TargetMethods.ToDictionary(m => m.Name, m => m.GetCustomAttribute<IamActionsAttribute>()?.Actions.Single());
        Assert.Equal("states:StartExecution", actions["StartAsync"]);
        Assert.Equal("states:ListExecutions", actions["ListAsync"]);
        Assert.Equal("states:DescribeExecution", actions["DescribeAsync"]);
    }

    static string HistoryPage(string? next, params long[] ids)
        => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["events"] = ids.Select(id => (object)new Dictionary<string, object?>
            {
                ["id"] = id, ["previousEventId"] = id - 1, ["timestamp"] = 1764064800.25, ["type"] = "MapIterationStarted",
                ["mapIterationStartedEventDetails"] = new Dictionary<string, object?> { ["name"] = "EnsureBrokers", ["index"] = (int)id },
            }).ToList(),
            ["nextToken"] = next,
        });

    [Fact]
    public async Task GetExecutionHistory_AwsShapedEvents_ReadWithIdsChainAndDetails()
    {
        using var server = new CapturingServer(CannedResponse.Json("""
            {"events":[
              {"id":4,"previousEventId":3,"timestamp":1764064800.5,"type":"TaskStateEntered","stateEnteredEventDetails":{"name":"EnsureBroker","input":"{\"brokerName\":\"B1\"}","inputDetails":{"truncated":false}}},
              {"id":9,"previousEventId":8,"timestamp":1764064801,"type":"TaskFailed","taskFailedEventDetails":{"resourceType":"lambda","resource":"invoke","error":"BrokerCreationFailedException","cause":"{}"}}
            ]}
            """));
        using var client = TestClients.StepFunctionsFor(server);

        var response = await client.GetExecutionHistoryAsync(new GetExecutionHistoryRequest { ExecutionArn = DescribedArn });

        Assert.Null(response.NextToken);
        Assert.Equal([4L, 9L], response.Events.Select(e => e.Id));
        Assert.Equal([3L, 8L], response.Events.Select(e => e.PreviousEventId!.Value));
        Assert.Equal(("EnsureBroker", """{"brokerName":"B1"}"""), (response.Events[0].StateEnteredEventDetails!.Name, response.Events[0].StateEnteredEventDetails!.Input));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764064800500), response.Events[0].Timestamp);
        Assert.Equal(("invoke", "BrokerCreationFailedException"), (response.Events[1].TaskFailedEventDetails!.Resource, response.Events[1].TaskFailedEventDetails!.Error));
        Assert.Null(response.Events[1].StateEnteredEventDetails);
    }

    [Fact]
    public async Task GetExecutionHistoryAll_FollowsTokensToTheLastPage()
    {
        using var server = CapturingServer.Sequence(CannedResponse.Json(HistoryPage("h1", 1, 2)), CannedResponse.Json(HistoryPage(null, 3)));
        using var client = TestClients.StepFunctionsFor(server);

        var events = await client.GetExecutionHistoryAllAsync(DescribedArn);

        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Id));
        Assert.Equal([1, 2, 3], events.Select(e => e.MapIterationStartedEventDetails!.Index!.Value));
        Assert.Equal("h1", JsonDocument.Parse(server.Requests[1].Body).RootElement.GetProperty("nextToken").GetString());
    }

    [Fact]
    public async Task GetExecutionHistoryAll_RepeatedToken_Throws()
    {
        using var server = new CapturingServer(CannedResponse.Json(HistoryPage("same", 1)));
        using var client = TestClients.StepFunctionsFor(server);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetExecutionHistoryAllAsync(DescribedArn));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GetExecutionHistoryAll_MorePagesThanMaxPages_ThrowsAfterReadingThem()
    {
        using var server = CapturingServer.Sequence(CannedResponse.Json(HistoryPage("h1", 1)), CannedResponse.Json(HistoryPage("h2", 2)));
        using var client = TestClients.StepFunctionsFor(server);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetExecutionHistoryAllAsync(DescribedArn, maxPages: 2));

        Assert.Contains("more than 2 pages", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task StopExecution_UnknownExecution_ThrowsExecutionDoesNotExistWithoutRetry()
    {
        using var server = new CapturingServer(CannedResponse.AwsJsonError(400, "ExecutionDoesNotExist", "Execution Does Not Exist"));
        using var client = TestClients.StepFunctionsFor(server);

        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => client.StopExecutionAsync(new StopExecutionRequest { ExecutionArn = DescribedArn }));
        Assert.Single(server.Requests);
    }

    const string DescribedArn = "arn:aws:states:eu-west-1:111122223333:execution:nob-build-network:tutorial-0123456789abcdef";

    [Fact]
    public async Task Adapter_Describe_MapsStatusDatesOutputErrorAndCause()
    {
        using var server = new CapturingServer(CannedResponse.Json(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["executionArn"] = DescribedArn, ["stateMachineArn"] = StateMachineArn, ["name"] = "tutorial-0123456789abcdef",
            ["status"] = "FAILED", ["startDate"] = 1764064800, ["stopDate"] = 1764065400.25,
            ["input"] = """{"networkName":"tutorial"}""", ["error"] = "NetworkBusyException", ["cause"] = "locked",
        })));
        using var client = TestClients.StepFunctionsFor(server);

        var e = await new StepFunctionsExecutions(client).DescribeAsync(DescribedArn, CancellationToken.None);

        Assert.NotNull(e);
        Assert.Equal(("tutorial-0123456789abcdef", StateMachineArn, "FAILED"), (e.Name, e.StateMachineArn, e.Status));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764064800), e.StartDate);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764065400250), e.StopDate);
        Assert.Equal(("""{"networkName":"tutorial"}""", null, "NetworkBusyException", "locked"), (e.Input, e.Output, e.Error, e.Cause));
        Assert.Equal(DescribedArn, JsonDocument.Parse(server.Single().Body).RootElement.GetProperty("executionArn").GetString());
    }

    [Fact]
    public async Task Adapter_DescribeUnknownExecution_ReturnsNull()
    {
        using var server = new CapturingServer(CannedResponse.AwsJsonError(400, "ExecutionDoesNotExist", "Execution Does Not Exist"));
        using var client = TestClients.StepFunctionsFor(server);

        Assert.Null(await new StepFunctionsExecutions(client).DescribeAsync(DescribedArn, CancellationToken.None));
    }
}

/// <summary>Endpoint resolution for Step Functions: ServiceURL, AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL and the rule set.</summary>
[Collection(EnvironmentCollection.Name)]
public class StepFunctionsEndpointTests
{
    static Endpoint Resolve(AmazonStepFunctionsConfig config)
        => config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new DescribeExecutionRequest { ExecutionArn = "arn" }));

    [Fact]
    public async Task DescribeExecution_AwsEndpointUrlSfnSet_SendsThereSignedAsStates()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"name":"n-1"}"""));
        await ProcessEnvironment.WithAsync(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_SFN"] = server.Url, ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/" }, async () =>
        {
            using var client = new AmazonStepFunctionsClient(new AmazonStepFunctionsConfig());

            var response = await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:x" });

            Assert.Equal("n-1", response.Name);
            Assert.Contains($"/{TestClients.Region}/states/aws4_request", server.Single().Header("Authorization"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task DescribeExecution_GlobalAwsEndpointUrlSet_SendsThere()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"name":"n-2"}"""));
        await ProcessEnvironment.WithAsync(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = server.Url }, async () =>
        {
            using var client = new AmazonStepFunctionsClient(new AmazonStepFunctionsConfig());

            var response = await client.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = "arn:x" });

            Assert.Equal("n-2", response.Name);
        });
    }

    [Theory]
    [InlineData("eu-west-1", false, false, "https://states.eu-west-1.amazonaws.com")]
    [InlineData("us-east-1", true, false, "https://states-fips.us-east-1.amazonaws.com")]
    [InlineData("us-gov-west-1", true, false, "https://states.us-gov-west-1.amazonaws.com")]
    [InlineData("us-east-1", false, true, "https://states.us-east-1.api.aws")]
    [InlineData("cn-north-1", false, false, "https://states.cn-north-1.amazonaws.com.cn")]
    public void Resolve_Region_FollowsRuleSet(string region, bool fips, bool dualStack, string expected)
    {
        var config = new AmazonStepFunctionsConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region), UseFIPSEndpoint = fips, UseDualstackEndpoint = dualStack };

        Assert.Equal(expected, Resolve(config).URL.TrimEnd('/'));
    }

    [Fact]
    public void Config_Defaults_SignAsStatesWithStandardRetries()
    {
        var config = new AmazonStepFunctionsConfig { RegionEndpoint = RegionEndpoint.EUWest1 };

        Assert.Equal("states", config.AuthenticationServiceName);
        Assert.Equal("SFN", config.ServiceId);
        Assert.Equal(RequestRetryMode.Standard, config.RetryMode);
    }
}
