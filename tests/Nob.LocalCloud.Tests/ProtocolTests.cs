using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;

namespace Nob.LocalCloud.Tests;

/// <summary>Signing, routing and error shapes on the wire, for each of the three protocols.</summary>
[Collection(CloudCollection.Name)]
public sealed class ProtocolTests(CloudFixture fixture)
{
    [Theory]
    [InlineData(null, "MissingAuthenticationTokenException")]
    [InlineData("Bearer abc", "IncompleteSignatureException")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/mq, SignedHeaders=host, Signature=abc", "IncompleteSignatureException")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000", "IncompleteSignatureException")]
    public async Task Mq_UnsignedOrMalformed_403InRestJson(string? authorization, string code)
    {
        using var http = new HttpClient { BaseAddress = fixture.Cloud.Endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/brokers");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(code, response.Headers.GetValues("x-amzn-ErrorType").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Ssm_Unsigned_403InJson11()
    {
        using var http = new HttpClient { BaseAddress = fixture.Cloud.Endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent("""{"Name":"/nob/x","WithDecryption":true}""", Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", "AmazonSSM.GetParameter");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("MissingAuthenticationTokenException", body.RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Ec2_Unsigned_403InQueryXml()
    {
        using var http = new HttpClient { BaseAddress = fixture.Cloud.Endpoint };
        using var response = await http.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "DescribeSecurityGroups",
            ["Version"] = "2016-11-15",
        }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Response", error.Name.LocalName);
        Assert.Equal("MissingAuthenticationToken", error.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.NotNull(error.Element("RequestID"));
    }

    [Fact]
    public async Task Ec2_SignedUnknownAction_InvalidActionXml()
    {
        using var http = Clients.Http(fixture.Cloud, "ec2");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "RunInstances", ["Version"] = "2016-11-15" }),
        };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidAction", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
    }

    [Fact]
    public async Task Mq_SignedForAnotherService_Refused()
    {
        using var http = Clients.Http(fixture.Cloud, "sqs");
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/brokers");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task DescribeBroker_Unknown_NotFoundWithErrorAttribute()
    {
        var e = await Assert.ThrowsAsync<MqNotFoundException>(() => fixture.Mq.DescribeBrokerAsync(new() { BrokerId = "b-00000000-0000-0000-0000-000000000000" }));

        Assert.Equal("broker-id", e.ErrorAttribute);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Equal("NotFoundException", e.ErrorCode);
    }

    [Fact]
    public async Task CreateBroker_NameTaken_Conflict_CreatorRequestIdRepeated_SameBroker()
    {
        var first = await fixture.Mq.CreateBrokerAsync(Clients.Broker("Doomed1", CloudFixture.Password, creatorRequestId: "doomed-1-request"));
        var repeated = await fixture.Mq.CreateBrokerAsync(Clients.Broker("Doomed1", CloudFixture.Password, creatorRequestId: "doomed-1-request"));
        var conflict = await Assert.ThrowsAsync<MqConflictException>(() =>
            fixture.Mq.CreateBrokerAsync(Clients.Broker("Doomed1", CloudFixture.Password, creatorRequestId: "another-request")));

        Assert.Equal(first.BrokerId, repeated.BrokerId);
        Assert.Equal(first.BrokerArn, repeated.BrokerArn);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("brokerName", conflict.ErrorAttribute);
    }

    [Theory]
    [InlineData("short", "password")]
    [InlineData("has,a,comma,in-it", "password")]
    [InlineData("aaaaaaaaaaaaaaaa", "password")]
    public async Task CreateBroker_BadPassword_BadRequestThatNeverEchoesIt(string password, string attribute)
    {
        var e = await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.CreateBrokerAsync(Clients.Broker("Doomed2", password)));

        Assert.Equal(attribute, e.ErrorAttribute);
        Assert.DoesNotContain(password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateBroker_ActiveStandbyWithOneSubnet_BadRequest()
    {
        var e = await Assert.ThrowsAsync<MqBadRequestException>(() =>
            fixture.Mq.CreateBrokerAsync(Clients.Broker("Doomed2", CloudFixture.Password, DeploymentModes.ActiveStandbyMultiAz, subnets: ["subnet-1"])));

        Assert.Equal("subnetIds", e.ErrorAttribute);
    }

    [Fact]
    public async Task ListBrokers_Pages_FollowNextToken()
    {
        foreach (var name in CloudFixture.Doomed[2..6])
        {
            await fixture.Mq.CreateBrokerAsync(Clients.Broker(name, CloudFixture.Password));
        }

        var first = await fixture.Mq.ListBrokersAsync(new() { MaxResults = 2 });
        var all = await fixture.Mq.ListAllBrokersAsync(pageSize: 2);

        Assert.Equal(2, first.BrokerSummaries.Count);
        Assert.NotNull(first.NextToken);
        Assert.Equal(all.Count, all.Select(b => b.BrokerId).Distinct().Count());
        Assert.Superset(new HashSet<string>([CloudFixture.BrokerA, CloudFixture.BrokerB, .. CloudFixture.Doomed[2..6]]), all.Select(b => b.BrokerName!).ToHashSet());
        await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.ListBrokersAsync(new() { NextToken = "not-a-token" }));
        var tooMany = await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.ListBrokersAsync(new() { MaxResults = 500 }));
        Assert.Equal("maxResults", tooMany.ErrorAttribute);
    }

    [Fact]
    public async Task UpdateConfiguration_NotXml_BadRequest_NotBroker_BadRequest()
    {
        var (a, _) = await fixture.BothRunningAsync();
        var id = a.Configurations!.Current!.Id;

        var notXml = await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.UpdateConfigurationAsync(new() { ConfigurationId = id, Xml = "<broker" }));
        var notBroker = await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.UpdateConfigurationAsync(new() { ConfigurationId = id, Xml = "<beans/>" }));
        var unknown = await Assert.ThrowsAsync<MqNotFoundException>(() =>
            fixture.Mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = id, ConfigurationRevision = 999 }));

        Assert.Equal("data", notXml.ErrorAttribute);
        Assert.Equal("data", notBroker.ErrorAttribute);
        Assert.Equal("configuration-revision", unknown.ErrorAttribute);
    }

    [Fact]
    public async Task Admin_Health_AndConsole()
    {
        using var http = Clients.Http(fixture.Cloud);

        Assert.Equal("ok\n", await http.GetStringAsync("_localcloud/health"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("_localcloud/console/b-nothing/1")).StatusCode);
    }
}
