using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Nob.Aws;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// Every path of the endpoint verifies SigV4 (signed by AWSSDK.Core's signer here): a request signed with the cloud's
/// key passes, and an unsigned one, one with another key id, one whose body or signed header was changed after signing,
/// and one signed 6 minutes off are refused with the error of the service's protocol.
/// </summary>
[Collection(CloudCollection.Name)]
public sealed class SigV4Tests(CloudFixture fixture)
{
    public static readonly TheoryData<string> Services = new() { "mq", "ec2", "ssm", "states", "admin", "execute-api" };

    private const string NoSuchBroker = "b-00000000-0000-0000-0000-000000000000";
    private const string NoSuchExecution = "arn:aws:states:us-east-1:000000000000:execution:BuildNetworkStateMachine:sigv4-none";

    /// <summary>What each service answers a correctly signed request of <see cref="Request"/> with (status, error code or null).</summary>
    private static (HttpStatusCode Status, string? Code) Served(string service) => service switch
    {
        "mq" => (HttpStatusCode.NotFound, "NotFoundException"),
        "ec2" => (HttpStatusCode.OK, null),
        "ssm" => (HttpStatusCode.OK, null),
        "states" => (HttpStatusCode.BadRequest, "ExecutionDoesNotExist"),
        "admin" => (HttpStatusCode.NotFound, null),
        _ => (HttpStatusCode.NotFound, "NotFoundException"),
    };

    /// <summary>A harmless request with a body for each service (nothing is changed when it is served).</summary>
    private static HttpRequestMessage Request(string service) => service switch
    {
        "mq" => new(HttpMethod.Post, $"v1/brokers/{NoSuchBroker}/reboot") { Content = new StringContent("{}", Encoding.UTF8, "application/json") },
        "ec2" => new(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "DescribeSecurityGroups", ["Version"] = "2016-11-15" }),
        },
        "ssm" => Json("AmazonSSM.GetParametersByPath", "application/x-amz-json-1.1", """{"Path":"/sigv4-tests/"}"""),
        "states" => Json("AWSStepFunctions.DescribeExecution", "application/x-amz-json-1.0", $$"""{"executionArn":"{{NoSuchExecution}}"}"""),
        "admin" => new(HttpMethod.Post, "_localcloud/executions/end")
        {
            Content = new StringContent($$"""{"executionArn":"{{NoSuchExecution}}","status":"SUCCEEDED"}""", Encoding.UTF8, "application/json"),
        },
        _ => new(HttpMethod.Post, "sigv4-tests/not-a-route?check=1") { Content = new StringContent("{}", Encoding.UTF8, "application/json") },
    };

    private static HttpRequestMessage Json(string target, string contentType, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Amz-Target", target);
        return request;
    }

    /// <summary>
    /// How a signed request is refused: with <paramref name="code"/>, as 400 in the JSON protocols (SSM, Step Functions)
    /// and 403 in the REST ones; EC2's Query protocol has codes of its own.
    /// </summary>
    private static (HttpStatusCode Status, string? Code) Refusal(string service, string code, (HttpStatusCode Status, string Code) ec2) => service switch
    {
        "ec2" => ec2,
        "ssm" or "states" => (HttpStatusCode.BadRequest, code),
        _ => (HttpStatusCode.Forbidden, code),
    };

    private static string SigningName(string service) => service == "admin" ? SignedHttp.LocalCloudAdminService : service;

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Signed_WithTheCloudsKey_IsServed(string service)
    {
        var answer = await SendAsync(service, Clients.Credentials(fixture.Cloud));

        Assert.Equal(Served(service), (answer.Status, answer.Code));
    }

    [Fact]
    public async Task Signed_QueryStringAndAnyRegion_IsServed()
    {
        using var http = new HttpClient(SignedHttp.Handler(Clients.Credentials(fixture.Cloud), "eu-west-3", "mq")) { BaseAddress = fixture.Cloud.Endpoint };

        using var response = await http.GetAsync("v1/brokers?maxResults=5&nextToken=");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("brokerSummaries").ValueKind);
    }

    [Theory]
    [InlineData("mq", HttpStatusCode.Forbidden, "MissingAuthenticationTokenException")]
    [InlineData("ec2", HttpStatusCode.Forbidden, "MissingAuthenticationToken")]
    [InlineData("ssm", HttpStatusCode.Forbidden, "MissingAuthenticationTokenException")]
    [InlineData("states", HttpStatusCode.Forbidden, "MissingAuthenticationTokenException")]
    [InlineData("admin", HttpStatusCode.Forbidden, "MissingAuthenticationTokenException")]
    [InlineData("execute-api", HttpStatusCode.Forbidden, "MissingAuthenticationTokenException")]
    public async Task Unsigned_Refused(string service, HttpStatusCode status, string code)
    {
        using var http = new HttpClient { BaseAddress = fixture.Cloud.Endpoint };
        using var request = Request(service);

        var answer = await ReadAsync(await http.SendAsync(request));

        Assert.Equal((status, code), (answer.Status, answer.Code));
        Assert.Equal("Missing Authentication Token", answer.Message);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task UnknownAccessKey_Refused(string service)
    {
        var answer = await SendAsync(service, new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", fixture.Cloud.Credentials.SecretAccessKey));

        Assert.Equal(Refusal(service, "UnrecognizedClientException", ec2: (HttpStatusCode.Unauthorized, "AuthFailure")), (answer.Status, answer.Code));
        Assert.Equal(service == "ec2" ? "AWS was not able to validate the provided access credentials" : "The security token included in the request is invalid.", answer.Message);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task WrongSecret_BodyChangedAfterSigning_OrSignedHeaderChanged_Refused(string service)
    {
        var expected = Refusal(service, "InvalidSignatureException", ec2: (HttpStatusCode.Unauthorized, "AuthFailure"));
        var key = Clients.Credentials(fixture.Cloud);

        var wrongSecret = await SendAsync(service, new BasicAWSCredentials(fixture.Cloud.Credentials.AccessKeyId, "not-" + fixture.Cloud.Credentials.SecretAccessKey));
        var body = await SendAsync(service, key, tamper: async request =>
        {
            var original = await request.Content!.ReadAsByteArrayAsync();
            var changed = new ByteArrayContent([.. original, (byte)' ']);
            foreach (var header in request.Content.Headers)
            {
                changed.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            changed.Headers.ContentLength = original.Length + 1;
            request.Content = changed;
        });
        var header = await SendAsync(service, key, tamper: request =>
        {
            var signedAt = DateTime.ParseExact(request.Headers.GetValues("X-Amz-Date").Single(), "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            request.Headers.Remove("X-Amz-Date");
            request.Headers.Add("X-Amz-Date", signedAt.AddSeconds(-1).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        });

        Assert.All(new[] { wrongSecret, body, header }, answer => Assert.Equal(expected, (answer.Status, answer.Code)));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task SignedSixMinutesOff_Refused(string service)
    {
        var key = Clients.Credentials(fixture.Cloud);
        var expected = Refusal(service, "InvalidSignatureException", ec2: (HttpStatusCode.BadRequest, "RequestExpired"));

        var past = await SendAsync(service, key, signedAt: DateTime.UtcNow.AddMinutes(-6));
        var future = await SendAsync(service, key, signedAt: DateTime.UtcNow.AddMinutes(6));
        var withinSkew = await SendAsync(service, key, signedAt: DateTime.UtcNow.AddMinutes(-4));

        Assert.Equal(expected, (past.Status, past.Code));
        Assert.Equal(expected, (future.Status, future.Code));
        Assert.Equal(Served(service), (withinSkew.Status, withinSkew.Code));
        if (service == "ec2")
        {
            Assert.Equal("Request has expired.", past.Message);
        }
        else
        {
            Assert.Matches(@"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$", past.Message);
            Assert.StartsWith("Signature not yet current: ", future.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Refused_ChangesNothing_FaultsStayAsSet()
    {
        using var unsigned = new HttpClient { BaseAddress = fixture.Cloud.Endpoint };
        var before = fixture.Cloud.Faults.Current;

        using var response = await unsigned.DeleteAsync("_localcloud/faults");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Same(before, fixture.Cloud.Faults.Current);
    }

    /// <summary>Sends <see cref="Request"/> for <paramref name="service"/> signed by AWSSDK.Core, optionally changed after signing.</summary>
    private async Task<(HttpStatusCode Status, string? Code, string? Message)> SendAsync(string service, AWSCredentials credentials,
        DateTime? signedAt = null, Func<HttpRequestMessage, Task>? tamper = null)
    {
        var handler = SignedHttp.Handler(credentials, Clients.Region, SigningName(service), signedAt,
            tamper is null ? new HttpClientHandler() : new AfterSigning(tamper));
        using var http = new HttpClient(handler) { BaseAddress = fixture.Cloud.Endpoint };
        using var request = Request(service);
        return await ReadAsync(await http.SendAsync(request));
    }

    /// <summary>Status, error code and message in whichever protocol the answer speaks.</summary>
    internal static async Task<(HttpStatusCode Status, string? Code, string? Message)> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.Content.Headers.ContentType?.MediaType?.Contains("xml", StringComparison.Ordinal) == true)
            {
                var error = XDocument.Parse(text).Root!.Element("Errors")?.Element("Error");
                return (response.StatusCode, error?.Element("Code")?.Value, error?.Element("Message")?.Value);
            }

            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true || text.Length == 0)
            {
                return (response.StatusCode, null, null);
            }

            using var body = JsonDocument.Parse(text);
            var code = body.RootElement.TryGetProperty("__type", out var type) ? type.GetString()
                : response.Headers.TryGetValues("x-amzn-ErrorType", out var errorType) ? errorType.Single()
                : null;
            var message = body.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
            return (response.StatusCode, code, message);
        }
    }

    /// <summary>Changes a request after the signer has signed it (as a man in the middle would).</summary>
    private sealed class AfterSigning(Func<HttpRequestMessage, Task> tamper) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await tamper(request);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
