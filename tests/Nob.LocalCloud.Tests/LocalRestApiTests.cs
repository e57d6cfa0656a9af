using System.Text.Json.Nodes;
using Nob.StepFunctions;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

/// <summary>One local cloud serving the networks API with recording functions, shared by <see cref="LocalRestApiTests"/>.</summary>
public sealed class RecordingApiFixture() : ApiCloudFixture("nob-api-tests")
{
    internal RecordingLambdaFunctions Functions { get; private set; } = null!;

    internal string ApiFunctionArn { get; private set; } = "";

    private protected override ILambdaFunctions BuildFunctions(SamTemplate template)
    {
        ApiFunctionArn = template.Functions["ApiFunction"].Arn;
        Functions = new RecordingLambdaFunctions(template.Functions.Values.Select(f => f.Arn));
        return Functions;
    }
}

/// <summary>
/// The networks API through the endpoint's HTTP port, signed by curl: each route's proxy event, API Gateway's own answers
/// (validation, unknown routes, function errors) and the function's answers passed through.
/// </summary>
public class LocalRestApiTests(RecordingApiFixture fixture) : IClassFixture<RecordingApiFixture>
{
    LocalCloud Cloud => fixture.Cloud;

    string Url(string resourcePath) => Cloud.ApiUrl!.AbsoluteUri + resourcePath;

    /// <summary>Sends a request and returns the answer and the events the function received for it.</summary>
    async Task<(CurlResponse Response, List<JsonObject> Events)> SendAsync(string method, string resourcePath, string? body = null,
        IReadOnlyDictionary<string, string>? headers = null, string service = "execute-api", Func<string, LambdaInvocationResult>? respond = null)
    {
        fixture.Functions.Invocations.Clear();
        if (respond is not null) fixture.Functions.Respond = respond;
        try
        {
            var response = await SignedCurl.SendAsync(Cloud, method, Url(resourcePath), body, headers, service);
            var events = fixture.Functions.Invocations.Select(i =>
            {
                Assert.Equal(fixture.ApiFunctionArn, i.FunctionName);
                return JsonNode.Parse(i.Payload)!.AsObject();
            }).ToList();
            return (response, events);
        }
        finally
        {
            fixture.Functions.Respond = new RecordingLambdaFunctions([]).Respond;
        }
    }

    static JsonNode? Message(CurlResponse response) => JsonNode.Parse(response.Body)!["message"];

    /// <summary>API Gateway answered with its own error (status, message, x-amzn-ErrorType) and the function was not invoked.</summary>
    static void AssertRefusedWithoutInvoking(CurlResponse response, IReadOnlyCollection<JsonObject> events, int status, string message, string errorType)
    {
        Assert.Empty(events);
        Assert.Equal(status, response.Status);
        Assert.Equal(message, (string?)Message(response));
        Assert.Equal([errorType], response.Header("x-amzn-ErrorType"));
    }

    [Fact]
    public void ApiUrl_IsTheLocalStackStyleStageUrl()
    {
        var url = Cloud.ApiUrl!;
        Assert.Equal(Cloud.Endpoint.Authority, url.Authority);
        Assert.Matches("^/restapis/[a-z0-9]{10}/v1/_user_request_$", url.AbsolutePath);
    }

    public static TheoryData<string, string, string, string?> Routes => new()
    {
        { "POST", "/networks", "/networks", null },
        { "GET", "/networks/tutorial", "/networks/{name}", """{"name":"tutorial"}""" },
        { "DELETE", "/networks/tutorial", "/networks/{name}", """{"name":"tutorial"}""" },
        { "POST", "/networks/tutorial/drift-checks", "/networks/{name}/drift-checks", """{"name":"tutorial"}""" },
        { "GET", "/networks/tutorial/executions/tutorial-0123", "/networks/{name}/executions/{executionName}", """{"name":"tutorial","executionName":"tutorial-0123"}""" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_SignedRequest_ReachesApiFunctionAsProxyEvent(string method, string path, string resource, string? pathParameters)
    {
        var body = method == "POST" ? (path == "/networks" ? Repository.Example("tutorial") : """{"verify":true}""") : null;

        var (response, events) = await SendAsync(method, path, body, new Dictionary<string, string> { ["Idempotency-Key"] = "k-1", ["Content-Type"] = "application/json" });

        Assert.Equal(200, response.Status);
        var e = Assert.Single(events);
        Assert.Equal(resource, (string?)e["resource"]);
        Assert.Equal(path, (string?)e["path"]);
        Assert.Equal(method, (string?)e["httpMethod"]);
        Assert.True(JsonNode.DeepEquals(pathParameters is null ? null : JsonNode.Parse(pathParameters), e["pathParameters"]));
        Assert.Equal(body, (string?)e["body"]);
        Assert.False((bool)e["isBase64Encoded"]!);
        Assert.Null(e["queryStringParameters"]);
        Assert.Null(e["multiValueQueryStringParameters"]);
        Assert.Null(e["stageVariables"]);
        Assert.Equal("k-1", (string?)e["headers"]!["Idempotency-Key"]);
        Assert.Equal(["k-1"], e["multiValueHeaders"]!["Idempotency-Key"]!.AsArray().Select(v => (string)v!));
        var context = e["requestContext"]!;
        Assert.Equal("000000000000", (string?)context["accountId"]);
        Assert.Equal(Cloud.ApiUrl!.AbsolutePath.Split('/')[2], (string?)context["apiId"]);
        Assert.Equal(resource, (string?)context["resourcePath"]);
        Assert.Equal(method, (string?)context["httpMethod"]);
        Assert.Equal("/v1" + path, (string?)context["path"]);
        Assert.Equal("v1", (string?)context["stage"]);
        Assert.False(string.IsNullOrEmpty((string?)context["requestId"]));
        Assert.InRange((long)context["requestTimeEpoch"]!, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal("HTTP/1.1", (string?)context["protocol"]);
        var identity = context["identity"]!;
        Assert.Equal(Cloud.EnvironmentVariables["AWS_ACCESS_KEY_ID"], (string?)identity["accessKey"]);
        Assert.Equal("arn:aws:iam::000000000000:root", (string?)identity["userArn"]);
        Assert.Equal("000000000000", (string?)identity["caller"]);
        Assert.Equal("000000000000", (string?)identity["user"]);
        Assert.Equal("127.0.0.1", (string?)identity["sourceIp"]);
    }

    [Fact]
    public async Task Route_QueryString_GivesLastValueAndAllValues()
    {
        var (_, events) = await SendAsync("GET", "/networks/tutorial?view=full&view=short&x=1");

        var e = Assert.Single(events);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"view":"short","x":"1"}"""), e["queryStringParameters"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"view":["full","short"],"x":["1"]}"""), e["multiValueQueryStringParameters"]));
        Assert.Equal("/networks/tutorial", (string?)e["path"]);
    }

    [Fact]
    public async Task Response_StatusHeadersAndBody_PassThrough()
    {
        var proxy = new JsonObject
        {
            ["statusCode"] = 418,
            ["headers"] = new JsonObject { ["X-Nob-Test"] = "single", ["Content-Type"] = "text/plain; charset=utf-8" },
            ["multiValueHeaders"] = new JsonObject { ["X-Nob-Many"] = new JsonArray("a", "b") },
            ["body"] = "short and stout",
        };

        var (response, events) = await SendAsync("GET", "/networks/tutorial", respond: _ => LambdaInvocationResult.Success(proxy.ToJsonString(), "r"));

        Assert.Single(events);
        Assert.Equal(418, response.Status);
        Assert.Equal("short and stout", response.Body);
        Assert.Equal(["single"], response.Header("X-Nob-Test"));
        Assert.Equal(["a", "b"], response.Header("X-Nob-Many").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)));
        Assert.Equal(["text/plain; charset=utf-8"], response.Header("Content-Type"));
        Assert.Single(response.Header("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Response_WithoutContentType_IsApplicationJson()
    {
        var (response, _) = await SendAsync("GET", "/networks/tutorial", respond: _ => LambdaInvocationResult.Success("""{"statusCode":"201","body":"{\"a\":1}"}""", "r"));

        Assert.Equal(201, response.Status);
        Assert.Equal(["application/json"], response.Header("Content-Type"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse(response.Body)));
    }

    public static TheoryData<string?, string?> BadBodies => new()
    {
        { null, null },
        { "[]", "application/json" },
        { "{not json", "application/json" },
        { """{"networkName":"n","topology":{},"brokers":[]}""", "application/json" },
        { """{"networkName":"n","topology":{},"brokers":[]}""", null },
        { """{"networkName":"n","topology":{},"brokers":[],"user":"u"}""", "application/json; charset=utf-8" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task PostNetworks_BodyNotASpecObject_Is400InvalidRequestBodyWithoutInvoking(string? body, string? contentType)
    {
        // No Content-Type at all: API Gateway takes the body as application/json.
        var headers = new Dictionary<string, string> { ["Content-Type"] = contentType ?? "" };

        var (response, events) = await SendAsync("POST", "/networks", body, headers);

        AssertRefusedWithoutInvoking(response, events, 400, "Invalid request body", "BadRequestException");
    }

    [Fact]
    public async Task PostNetworks_MediaTypeWithoutModel_IsNotValidated()
    {
        var (response, events) = await SendAsync("POST", "/networks", "[]", new Dictionary<string, string> { ["Content-Type"] = "text/plain" });

        Assert.Equal(200, response.Status);
        Assert.Equal("[]", (string?)Assert.Single(events)["body"]);
    }

    [Theory]
    [InlineData("DELETE", "/networks/")]
    [InlineData("POST", "/networks//drift-checks")]
    [InlineData("GET", "/networks//executions/x")]
    public async Task Route_BlankPathParameter_Is400MissingRequiredParameters(string method, string path)
    {
        var (response, events) = await SendAsync(method, path, method == "POST" ? "{}" : null);

        AssertRefusedWithoutInvoking(response, events, 400, "Missing required request parameters: [name]", "BadRequestException");
    }

    [Theory]
    [InlineData("GET", "/nothing")]
    [InlineData("PUT", "/networks")]
    [InlineData("GET", "/networks")]
    [InlineData("POST", "/networks/tutorial/executions")]
    [InlineData("GET", "/")]
    public async Task UnknownRouteOrMethod_Is403MissingAuthenticationToken(string method, string path)
    {
        var (response, events) = await SendAsync(method, path);

        AssertRefusedWithoutInvoking(response, events, 403, "Missing Authentication Token", "MissingAuthenticationTokenException");
    }

    [Fact]
    public async Task Route_SignedForAnotherService_Is403()
    {
        var (response, events) = await SendAsync("GET", "/networks/tutorial", service: "mq");

        Assert.Empty(events);
        Assert.Equal(403, response.Status);
        Assert.Equal("Credential should be scoped to correct service: 'execute-api'. ", (string?)Message(response));
    }

    public static TheoryData<string> BadFunctionAnswers => new()
    {
        "error",
        """{"statusCode":200,"body":{"not":"a string"}}""",
        """{"statusCode":200,"data":"extra member"}""",
        """{"body":"no status"}""",
        """{"statusCode":99}""",
        """{"statusCode":200,"headers":{"X":["not","a","string"]}}""",
        "[1,2]",
        "not json",
    };

    [Theory]
    [MemberData(nameof(BadFunctionAnswers))]
    public async Task FunctionErrorOrMalformedResponse_Is502InternalServerError(string answer)
    {
        var (response, events) = await SendAsync("GET", "/networks/tutorial", respond: _ => answer == "error"
            ? LambdaInvocationResult.Failure("InvalidOperationException", "boom", "r")
            : LambdaInvocationResult.Success(answer, "r"));

        Assert.Single(events);
        Assert.Equal(502, response.Status);
        Assert.Equal("Internal server error", (string?)Message(response));
        Assert.Equal(["InternalServerErrorException"], response.Header("x-amzn-ErrorType"));
    }

    [Fact]
    public async Task OtherRestApiPath_Is404WithTheApisPath()
    {
        var response = await SignedCurl.SendAsync(Cloud, "GET", new Uri(Cloud.Endpoint, "/restapis/abcdefghij/v1/_user_request_/networks/x").AbsoluteUri);

        Assert.Equal(404, response.Status);
        Assert.Contains(Cloud.ApiUrl!.AbsolutePath, (string?)Message(response), StringComparison.Ordinal);
    }
}
