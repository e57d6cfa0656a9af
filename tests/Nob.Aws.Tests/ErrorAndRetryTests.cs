using System.Diagnostics;
using System.Net;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.Tests.Infrastructure;

namespace Nob.Aws.Tests;

/// <summary>HTTP errors become typed exceptions; throttling and 5xx go through the SDK's standard retry policy.</summary>
public class ErrorAndRetryTests
{
    private const string DescribeOk = """{"brokerId":"b-1","brokerName":"nob-a","brokerState":"RUNNING"}""";

    private static Task<DescribeBrokerResponse> Describe(IAmazonMqClient client) => client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-1" });

    // Throttling (with the modelled code or only the status) and 5xx (whatever the body) are retried by the SDK.
    public static TheoryData<string, CannedResponse> OneTransientFailure => new()
    {
        { "429 TooManyRequestsException", CannedResponse.Error(429, "TooManyRequestsException", "Rate exceeded") },
        { "429 without an error type", new CannedResponse(429, """{"message":"Too Many Requests"}""") },
        { "503 with an HTML body", new CannedResponse(503, "<html>unavailable</html>") },
    };

    [Theory]
    [MemberData(nameof(OneTransientFailure))]
    public async Task DescribeBroker_OneTransientFailureThenOk_SucceedsAfterOneRetry(string failure, CannedResponse first)
    {
        using var server = CapturingServer.Sequence(first, CannedResponse.Json(DescribeOk));
        using var client = TestClients.For(server);

        var response = await Describe(client);

        Assert.Equal(("b-1", "nob-a", "RUNNING"), (response.BrokerId, response.BrokerName, response.BrokerState));
        Assert.True(server.Requests.Count == 2, $"{failure}: {server.Requests.Count} requests, expected the first and one retry");
    }

    [Fact]
    public async Task DescribeBroker_429Always_ThrowsTooManyRequestsAfterRetries()
    {
        using var server = new CapturingServer(CannedResponse.Error(429, null, "Rate exceeded"));
        using var client = TestClients.For(server, maxErrorRetry: 1);

        var e = await Assert.ThrowsAsync<MqTooManyRequestsException>(() => Describe(client));

        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.True(e.Retryable?.Throttling);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task DescribeBroker_500Always_RetriedThenThrowsInternalServerError()
    {
        using var server = new CapturingServer(CannedResponse.Error(500, "InternalServerErrorException", "Something broke", "brokerId"));
        using var client = TestClients.For(server, maxErrorRetry: 3);

        var e = await Assert.ThrowsAsync<MqInternalServerErrorException>(() => Describe(client));

        Assert.Equal(4, server.Requests.Count);
        Assert.Equal("Something broke", e.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Fact]
    public async Task DescribeBroker_404_ThrowsNotFoundWithServiceMessageWithoutRetry()
    {
        using var server = new CapturingServer(CannedResponse.Error(404, "NotFoundException", "Can't find requested broker [b-1]. Make sure your broker exists.", "broker-id"));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqNotFoundException>(() => Describe(client));

        Assert.Equal("Can't find requested broker [b-1]. Make sure your broker exists.", e.Message);
        Assert.Equal("broker-id", e.ErrorAttribute);
        Assert.Equal("NotFoundException", e.ErrorCode);
        Assert.Equal("req-404", e.RequestId);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task BrokerServiceDescribe_404_ThrowsTheStepErrorBrokerMissingException()
    {
        using var server = new CapturingServer(CannedResponse.Error(404, "NotFoundException", "Can't find requested broker [b-1]. Make sure your broker exists.", "broker-id"));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<Nob.Core.Workflow.BrokerMissingException>(() =>
            new Nob.Aws.Adapters.AmazonMqBrokerService(client).DescribeBrokerAsync("b-1", CancellationToken.None));

        Assert.Equal("b-1", e.BrokerName);
    }

    [Fact]
    public async Task CreateBroker_409_ThrowsConflict()
    {
        using var server = new CapturingServer(CannedResponse.Error(409, "ConflictException", "Broker with name nob-a already exists.", "brokerName"));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqConflictException>(() => client.CreateBrokerAsync(Samples.CreateBroker()));

        Assert.Equal("brokerName", e.ErrorAttribute);
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task BrokerServiceCreate_409_ThrowsBrokerNameTakenForEnsureBrokerToAdopt()
    {
        using var server = new CapturingServer(CannedResponse.Error(409, "ConflictException", "Broker with name nob-a already exists.", "brokerName"));
        using var client = TestClients.For(server);
        var creation = new Nob.Core.Workflow.BrokerCreation("nob-a", "nob-0123", "5.18", "mq.m5.large", "SINGLE_INSTANCE", [], ["sg-1"], false, "user1",
            new Dictionary<string, string> { ["nob:network"] = "n" });

        var e = await Assert.ThrowsAsync<Nob.Core.Workflow.BrokerNameTakenException>(() =>
            new Nob.Aws.Adapters.AmazonMqBrokerService(client).CreateBrokerAsync(creation, new Nob.Core.Workflow.Secret("pw-not-in-messages"), CancellationToken.None));

        Assert.Equal("nob-a", e.BrokerName);
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-not-in-messages", e.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(400, "BadRequestException", typeof(MqBadRequestException))]
    [InlineData(401, "UnauthorizedException", typeof(MqUnauthorizedException))]
    [InlineData(403, "ForbiddenException", typeof(MqForbiddenException))]
    [InlineData(404, "NotFoundException", typeof(MqNotFoundException))]
    [InlineData(409, "ConflictException", typeof(MqConflictException))]
    [InlineData(400, null, typeof(MqBadRequestException))]
    [InlineData(401, null, typeof(MqUnauthorizedException))]
    [InlineData(403, null, typeof(MqForbiddenException))]
    [InlineData(404, null, typeof(MqNotFoundException))]
    [InlineData(409, null, typeof(MqConflictException))]
    [InlineData(418, null, typeof(AmazonMqException))]
    public async Task DescribeBroker_ErrorStatus_MapsToTypedException(int status, string? errorType, Type expected)
    {
        using var server = new CapturingServer(CannedResponse.Error(status, errorType, "service says no", "someMember"));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAnyAsync<AmazonMqException>(() => Describe(client));

        Assert.Equal(expected, e.GetType());
        Assert.Equal("service says no", e.Message);
        Assert.Equal("someMember", e.ErrorAttribute);
        Assert.Equal((HttpStatusCode)status, e.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task DescribeBroker_403WithEmptyBody_ThrowsForbidden()
    {
        using var server = new CapturingServer(new CannedResponse(403, ""));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqForbiddenException>(() => Describe(client));

        Assert.Null(e.ErrorAttribute);
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task DescribeBroker_ErrorTypeInBody_IsUsedWhenHeaderMissing()
    {
        using var server = new CapturingServer(new CannedResponse(400, """{"__type":"NotFoundException","message":"gone"}"""));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqNotFoundException>(() => Describe(client));

        Assert.Equal("gone", e.Message);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task CreateBroker_500ThenOk_RetrySendsSameCreatorRequestId()
    {
        using var server = CapturingServer.Sequence(
            CannedResponse.Error(500, "InternalServerErrorException", "try again"),
            CannedResponse.Json("""{"brokerId":"b-9","brokerArn":"arn:aws:mq:eu-west-1:111122223333:broker:nob-a:b-9"}"""));
        using var client = TestClients.For(server);
        var request = Samples.CreateBroker();
        var withoutToken = new CreateBrokerRequest
        {
            BrokerName = request.BrokerName,
            DeploymentMode = request.DeploymentMode,
            EngineType = request.EngineType,
            EngineVersion = request.EngineVersion,
            HostInstanceType = request.HostInstanceType,
            PubliclyAccessible = request.PubliclyAccessible,
            AutoMinorVersionUpgrade = request.AutoMinorVersionUpgrade,
            Users = request.Users,
        };

        var response = await client.CreateBrokerAsync(withoutToken);

        Assert.Equal("b-9", response.BrokerId);
        var tokens = server.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("creatorRequestId").GetString()).ToList();
        Assert.Equal(2, tokens.Count);
        Assert.False(string.IsNullOrEmpty(tokens[0]));
        Assert.Equal(tokens[0], tokens[1]);
    }

    [Fact]
    public async Task DescribeBroker_EmptyBrokerId_ThrowsArgumentExceptionWithoutSending()
    {
        using var server = new CapturingServer(CannedResponse.Json(DescribeOk));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "" }));

        Assert.Equal("BrokerId", e.ParamName);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task DescribeBroker_MalformedJson_ThrowsUnmarshallingError()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerId": 42}"""));
        using var client = TestClients.For(server, maxErrorRetry: 0);

        await Assert.ThrowsAsync<Amazon.Runtime.AmazonUnmarshallingException>(() => Describe(client));
    }

    [Fact]
    public async Task RebootBroker_EmptyBody_ReturnsResponse()
    {
        using var server = new CapturingServer(new CannedResponse(200, ""));
        using var client = TestClients.For(server);

        var response = await client.RebootBrokerAsync(new RebootBrokerRequest { BrokerId = "b-1" });

        Assert.Equal(HttpStatusCode.OK, response.HttpStatusCode);
        Assert.Equal("POST", server.Single().Method);
        Assert.Equal("", server.Single().Body);
    }

    [Fact]
    public async Task DescribeBroker_500Retries_UseShortBackoff()
    {
        using var server = new CapturingServer(CannedResponse.Error(500, null, "boom"));
        using var client = TestClients.For(server, maxErrorRetry: 2);
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<MqInternalServerErrorException>(() => Describe(client));

        // Standard mode: non-throttling retries back off from 50 ms (with jitter), far below a second here.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(3, server.Requests.Count);
    }
}
