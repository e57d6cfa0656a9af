using System.Text;
using System.Text.Json;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.Tests.Infrastructure;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.Aws.Tests;

/// <summary>Paging, configuration data encoding and response mapping.</summary>
public class OperationBehaviourTests
{
    private static string Page(string? nextToken, params string[] names)
    {
        var summaries = string.Join(",", names.Select(n => $$"""{"brokerId":"id-{{n}}","brokerName":"{{n}}","brokerState":"RUNNING","deploymentMode":"SINGLE_INSTANCE","engineType":"ACTIVEMQ"}"""));
        return nextToken is null
            ? $$"""{"brokerSummaries":[{{summaries}}]}"""
            : $$"""{"brokerSummaries":[{{summaries}}],"nextToken":"{{nextToken}}"}""";
    }

    [Fact]
    public async Task ListAllBrokers_ThreePages_WalksAllPagesWithTokens()
    {
        using var server = new CapturingServer((request, _) => request.Query.GetValueOrDefault("nextToken") switch
        {
            null => CannedResponse.Json(Page("t1", "a", "b")),
            "t1" => CannedResponse.Json(Page("t2+/=", "c")),
            "t2+/=" => CannedResponse.Json(Page(null, "d")),
            var other => CannedResponse.Error(400, "BadRequestException", "unknown token " + other),
        });
        using var client = TestClients.For(server);

        var all = await client.ListAllBrokersAsync(pageSize: 2);

        Assert.Equal(["a", "b", "c", "d"], all.Select(b => b.BrokerName));
        Assert.Equal([null, "t1", "t2+/="], server.Requests.Select(r => r.Query.GetValueOrDefault("nextToken")));
        Assert.All(server.Requests, r => Assert.Equal("2", r.Query["maxResults"]));
        Assert.All(server.Requests, r => Assert.Equal("/v1/brokers", r.RawPath));
    }

    [Fact]
    public async Task ListBrokersPaginated_EmptyNextToken_StopsAfterOnePage()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerSummaries":[],"nextToken":""}"""));
        using var client = TestClients.For(server);

        var all = await client.ListAllBrokersAsync();

        Assert.Empty(all);
        Assert.Single(server.Requests);
        Assert.DoesNotContain("maxResults", server.Single().Query.Keys);
    }

    [Fact]
    public async Task ListAllBrokers_RepeatedToken_ThrowsInsteadOfLooping()
    {
        using var server = new CapturingServer(CannedResponse.Json(Page("same", "a")));
        using var client = TestClients.For(server);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ListAllBrokersAsync());

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ListAllUsers_TwoPages_ReturnsEveryUser()
    {
        using var server = new CapturingServer((request, _) => CannedResponse.Json(request.Query.ContainsKey("nextToken")
            ? """{"brokerId":"b-1","users":[{"username":"c"}]}"""
            : """{"brokerId":"b-1","users":[{"username":"a"},{"username":"b","pendingChange":"CREATE"}],"nextToken":"n"}"""));
        using var client = TestClients.For(server);

        var users = await client.ListAllUsersAsync("b-1");

        Assert.Equal(["a", "b", "c"], users.Select(u => u.Username));
        Assert.Equal("CREATE", users[1].PendingChange);
        Assert.All(server.Requests, r => Assert.Equal("/v1/brokers/b-1/users", r.RawPath));
    }

    [Fact]
    public async Task ListAllConfigurationRevisions_TwoPages_ReturnsEveryRevision()
    {
        using var server = new CapturingServer((request, _) => CannedResponse.Json(request.Query.ContainsKey("nextToken")
            ? """{"configurationId":"c-1","revisions":[{"revision":3,"created":"2024-01-03T00:00:00Z"}]}"""
            : """{"configurationId":"c-1","revisions":[{"revision":1,"created":"2024-01-01T00:00:00Z"},{"revision":2,"created":"2024-01-02T00:00:00Z","description":"x"}],"nextToken":"n"}"""));
        using var client = TestClients.For(server);

        var revisions = await client.ListAllConfigurationRevisionsAsync("c-1");

        Assert.Equal([1, 2, 3], revisions.Select(r => r.Revision));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero), revisions[1].Created);
    }

    [Fact]
    public async Task UpdateConfiguration_Xml_SentBase64AndWarningsReturned()
    {
        const string xml = "<broker xmlns=\"http://activemq.apache.org/schema/core\"><networkConnectors><networkConnector name=\"ä→b\" uri=\"static:(ssl://b:61617)\" password=\"x\"/></networkConnectors></broker>";
        using var server = new CapturingServer(CannedResponse.Json("""
            {"arn":"arn:aws:mq:eu-west-1:111122223333:configuration:c-1","id":"c-1","name":"nob-a",
             "created":"2024-05-06T07:08:09.123Z",
             "latestRevision":{"revision":5,"created":"2024-05-06T07:08:09.123Z","description":"nob"},
             "warnings":[{"attributeName":"password","elementName":"networkConnector","reason":"DISALLOWED_ATTRIBUTE_REMOVED"},
                         {"elementName":"plugins","reason":"DISALLOWED_ELEMENT_REMOVED"}]}
            """));
        using var client = TestClients.For(server);

        var response = await client.UpdateConfigurationAsync(new UpdateConfigurationRequest { ConfigurationId = "c-1", Xml = xml, Description = "nob" });

        var sent = server.Single();
        Assert.Equal("PUT", sent.Method);
        Assert.Equal("/v1/configurations/c-1", sent.RawPath);
        using var body = JsonDocument.Parse(sent.Body);
        var data = body.RootElement.GetProperty("data").GetString()!;
        Assert.Equal(xml, Encoding.UTF8.GetString(Convert.FromBase64String(data)));
        Assert.Equal("nob", body.RootElement.GetProperty("description").GetString());

        Assert.Equal(5, response.LatestRevision!.Revision);
        Assert.Equal(2, response.Warnings.Count);
        Assert.Equal(new SanitizationWarning { AttributeName = "password", ElementName = "networkConnector", Reason = SanitizationWarningReasons.DisallowedAttributeRemoved }, response.Warnings[0]);
        Assert.Null(response.Warnings[1].AttributeName);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero), response.Created);
    }

    [Fact]
    public async Task DescribeConfigurationRevision_Base64Data_ExposesDecodedXml()
    {
        const string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><broker xmlns=\"http://activemq.apache.org/schema/core\"><!-- é --></broker>";
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml));
        using var server = new CapturingServer(CannedResponse.Json($$"""{"configurationId":"c-1","created":"2024-05-06T07:08:09Z","data":"{{data}}","description":"d"}"""));
        using var client = TestClients.For(server);

        var response = await client.DescribeConfigurationRevisionAsync(new DescribeConfigurationRevisionRequest { ConfigurationId = "c-1", ConfigurationRevision = 12 });

        Assert.Equal(xml, response.Xml);
        Assert.Equal(data, response.Data);
        Assert.Equal("/v1/configurations/c-1/revisions/12", server.Single().RawPath);
    }

    [Fact]
    public async Task DescribeBroker_RealisticResponse_MapsEndpointsConfigurationsAndState()
    {
        using var server = new CapturingServer(CannedResponse.Json("""
            {"brokerId":"b-1","brokerName":"nob-a","brokerState":"RUNNING","deploymentMode":"ACTIVE_STANDBY_MULTI_AZ",
             "engineType":"ActiveMQ","engineVersion":"5.18.4","publiclyAccessible":false,"autoMinorVersionUpgrade":true,
             "brokerInstances":[
               {"consoleURL":"https://b-1-1.mq.eu-west-1.amazonaws.com:8162","endpoints":["ssl://b-1-1.mq.eu-west-1.amazonaws.com:61617","stomp+ssl://b-1-1.mq.eu-west-1.amazonaws.com:61614"],"ipAddress":"10.0.0.1"},
               {"consoleURL":"https://b-1-2.mq.eu-west-1.amazonaws.com:8162","endpoints":["ssl://b-1-2.mq.eu-west-1.amazonaws.com:61617"],"ipAddress":"10.0.1.1"}],
             "configurations":{"current":{"id":"c-1","revision":2},"pending":{"id":"c-1","revision":3},"history":[{"id":"c-1","revision":1}]},
             "actionsRequired":[{"actionRequiredCode":"CONFIGURATION_MANUALLY_REBOOT_REQUIRED","actionRequiredInfo":"reboot"}],
             "securityGroups":["sg-1"],"pendingSecurityGroups":["sg-1","sg-2"],"subnetIds":["s-1","s-2"],
             "users":[{"username":"nob","pendingChange":"UPDATE"}],"tags":{"nob:network":"net"},
             "created":"2024-05-06T07:08:09.123Z","someFutureMember":{"nested":[1,2,3]}}
            """));
        using var client = TestClients.For(server);

        var broker = await client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-1" });

        Assert.Equal(BrokerStates.Running, broker.BrokerState);
        Assert.Equal(2, broker.BrokerInstances.Count);
        Assert.Equal("ssl://b-1-2.mq.eu-west-1.amazonaws.com:61617", broker.BrokerInstances[1].Endpoints[0]);
        Assert.Equal("https://b-1-1.mq.eu-west-1.amazonaws.com:8162", broker.BrokerInstances[0].ConsoleUrl);
        Assert.Equal(new ConfigurationId { Id = "c-1", Revision = 2 }, broker.Configurations!.Current);
        Assert.Equal(3, broker.Configurations.Pending!.Revision);
        Assert.Single(broker.Configurations.History);
        Assert.Equal("CONFIGURATION_MANUALLY_REBOOT_REQUIRED", broker.ActionsRequired[0].ActionRequiredCode);
        Assert.Equal(["sg-1", "sg-2"], broker.PendingSecurityGroups);
        Assert.Equal("UPDATE", broker.Users[0].PendingChange);
        Assert.Equal("net", broker.Tags["nob:network"]);
        Assert.False(broker.PubliclyAccessible);
    }

    [Fact]
    public async Task UpdateBroker_ConfigurationAndSecurityGroups_SentAsModelMembers()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerId":"b-1","configuration":{"id":"c-1","revision":3},"securityGroups":["sg-1","sg-2"]}"""));
        using var client = TestClients.For(server);

        var response = await client.UpdateBrokerAsync(new UpdateBrokerRequest
        {
            BrokerId = "b-1",
            Configuration = new ConfigurationId { Id = "c-1", Revision = 3 },
            SecurityGroups = ["sg-1", "sg-2"],
        });

        Assert.Equal("""{"configuration":{"id":"c-1","revision":3},"securityGroups":["sg-1","sg-2"]}""", server.Single().Body);
        Assert.Equal(3, response.Configuration!.Revision);
        Assert.Equal(["sg-1", "sg-2"], response.SecurityGroups);
    }

    [Fact]
    public async Task CreateBroker_Tags_SentAsStringMap()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerId":"b-1","brokerArn":"arn"}"""));
        using var client = TestClients.For(server);

        await client.CreateBrokerAsync(Samples.CreateBroker());

        using var body = JsonDocument.Parse(server.Single().Body);
        Assert.Equal("net", body.RootElement.GetProperty("tags").GetProperty("nob:network").GetString());
        Assert.Equal("nob-req-1", body.RootElement.GetProperty("creatorRequestId").GetString());
        Assert.False(body.RootElement.GetProperty("publiclyAccessible").GetBoolean());
    }
}
