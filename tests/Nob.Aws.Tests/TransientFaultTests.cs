using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Aws.Tests.Infrastructure;
using Nob.Core.Workflow;

namespace Nob.Aws.Tests;

/// <summary>
/// The clients as the composition root builds them (<see cref="NobClientDefaults"/>) against a real HTTP server that
/// answers 502, 503, 504 and resets connections before it answers: the SDK retries each with backoff, and what outlasts
/// the retries reaches the workflow as the named errors the state machines retry.
/// </summary>
public class TransientFaultTests
{
    private const string DescribeOk = """{"brokerId":"b-1","brokerName":"nob-a","brokerArn":"arn:aws:mq:eu-west-1:111122223333:broker:nob-a:b-1","brokerState":"RUNNING"}""";
    private const string AmzJson = "application/x-amz-json-1.1";

    private static readonly HttpFault[] EveryKind = [HttpFault.Bad(502), HttpFault.Bad(503), HttpFault.Bad(504), new HttpFault.Reset()];

    private static (string, string) Mq(string _) => ("application/json", DescribeOk);

    private static (string, string) Ssm(string _) =>
        (AmzJson, """{"Parameter":{"Name":"/nob/t/password","Type":"SecureString","Value":"correct-horse-battery","Version":3,"ARN":"arn:aws:ssm:eu-west-1:111122223333:parameter/nob/t/password"}}""");

    private static (string, string) Ec2(string _) => ("text/xml", """
        <DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><securityGroupInfo><item>
        <ownerId>111122223333</ownerId><groupId>sg-1</groupId><groupName>g</groupName><groupDescription>d</groupDescription><vpcId>vpc-1</vpcId>
        <ipPermissions/><ipPermissionsEgress/></item></securityGroupInfo></DescribeSecurityGroupsResponse>
        """);

    private static AmazonMqBrokerService MqService(FaultServer server, int? maxErrorRetry = null)
    {
        var config = NobClientDefaults.Apply(new AmazonMqConfig { ServiceURL = server.Url, AuthenticationRegion = TestClients.Region });
        if (maxErrorRetry is { } retries) config.MaxErrorRetry = retries;
        return new AmazonMqBrokerService(new AmazonMqClient(config));
    }

    private static SsmParameterStore SsmStore(FaultServer server, int? maxErrorRetry = null)
    {
        var config = NobClientDefaults.Apply(new AmazonSimpleSystemsManagementConfig { ServiceURL = server.Url, AuthenticationRegion = TestClients.Region });
        if (maxErrorRetry is { } retries) config.MaxErrorRetry = retries;
        return new SsmParameterStore(new AmazonSimpleSystemsManagementClient(config));
    }

    private static Ec2SecurityGroupService Ec2Service(FaultServer server, int? maxErrorRetry = null)
    {
        var config = NobClientDefaults.Apply(new AmazonEC2Config { ServiceURL = server.Url, AuthenticationRegion = TestClients.Region });
        if (maxErrorRetry is { } retries) config.MaxErrorRetry = retries;
        return new Ec2SecurityGroupService(new AmazonEC2Client(config));
    }

    [Fact]
    public void Apply_AnyConfig_SetsStandardModeAndFiveRetries()
    {
        var config = NobClientDefaults.Apply(new AmazonEC2Config { MaxErrorRetry = 1, RetryMode = RequestRetryMode.Adaptive });

        Assert.Equal(RequestRetryMode.Standard, config.RetryMode);
        Assert.Equal(5, config.MaxErrorRetry);
    }

    [Fact]
    public async Task MqDescribeBroker_502_503_504AndReset_SucceedsOnTheFifthAttempt()
    {
        using var server = new FaultServer(EveryKind, Mq);

        var broker = await MqService(server).DescribeBrokerAsync("b-1", CancellationToken.None);

        Assert.Equal("RUNNING", broker.BrokerState);
        Assert.Equal(5, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("GET /v1/brokers/b-1 ", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SsmGetParameter_502_503_504AndReset_SucceedsOnTheFifthAttempt()
    {
        using var server = new FaultServer(EveryKind, Ssm);

        var password = await SsmStore(server).GetSecureStringWithVersionAsync("/nob/t/password", CancellationToken.None);

        Assert.Equal(("correct-horse-battery", 3L), (password.Value.Reveal(), password.Version));
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task Ec2DescribeSecurityGroups_502_503_504AndReset_SucceedsOnTheFifthAttempt()
    {
        using var server = new FaultServer(EveryKind, Ec2);

        var vpcs = await Ec2Service(server).GetVpcIdsAsync(["sg-1"], CancellationToken.None);

        Assert.Equal("vpc-1", vpcs["sg-1"]);
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task MqDescribeBroker_ResetsThroughEveryAttempt_RetriesThenThrowsAwsServiceUnavailable()
    {
        using var server = new FaultServer([.. Enumerable.Range(0, 30).Select(_ => new HttpFault.Reset())], Mq);

        var e = await Assert.ThrowsAsync<AwsServiceUnavailableException>(() => MqService(server).DescribeBrokerAsync("b-1", CancellationToken.None));

        // Resets are retried at least as often as 5xx and give up well before the server stops resetting. (AWSSDK.Core 4.1
        // retries a connection reset about 10 times more than MaxErrorRetry says: 16 attempts were seen here.)
        Assert.InRange(server.Requests.Count, NobClientDefaults.MaxErrorRetry + 1, 29);
        Assert.Equal(("Amazon MQ", "DescribeBroker"), (e.Service, e.Operation));
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task MqDescribeBroker_Status5xxThroughEveryAttempt_ThrowsAwsServiceUnavailable(int status)
    {
        using var server = new FaultServer([.. Enumerable.Range(0, 6).Select(_ => HttpFault.Bad(status))], Mq);

        await Assert.ThrowsAsync<AwsServiceUnavailableException>(() => MqService(server).DescribeBrokerAsync("b-1", CancellationToken.None));

        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public async Task SsmGetParameter_ResetsThroughEveryAttempt_ThrowsAwsServiceUnavailable()
    {
        using var server = new FaultServer([.. Enumerable.Range(0, 30).Select(_ => new HttpFault.Reset())], Ssm);

        var e = await Assert.ThrowsAsync<AwsServiceUnavailableException>(() => SsmStore(server).GetVersionAsync("/nob/t/password", CancellationToken.None));

        Assert.Equal(("SSM", "GetParameter"), (e.Service, e.Operation));
        Assert.InRange(server.Requests.Count, NobClientDefaults.MaxErrorRetry + 1, 29);
    }

    [Fact]
    public async Task Ec2_RequestLimitExceededThroughEveryAttempt_ThrowsAwsThrottling()
    {
        var throttled = new HttpFault.Status(503, """
            <Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>
            """, "text/xml");
        using var server = new FaultServer([throttled, throttled], Ec2);

        var e = await Assert.ThrowsAsync<AwsThrottlingException>(() => Ec2Service(server, maxErrorRetry: 1).GetVpcIdsAsync(["sg-1"], CancellationToken.None));

        Assert.Equal(("EC2", "DescribeSecurityGroups"), (e.Service, e.Operation));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SsmGetParameter_ThrottlingExceptionThroughEveryAttempt_ThrowsAwsThrottling()
    {
        var throttled = new HttpFault.Status(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""", AmzJson);
        using var server = new FaultServer([throttled, throttled], Ssm);

        var e = await Assert.ThrowsAsync<AwsThrottlingException>(() => SsmStore(server, maxErrorRetry: 1).GetSecureStringAsync("/nob/t/password", CancellationToken.None));

        Assert.Equal("SSM", e.Service);
        Assert.DoesNotContain("correct-horse-battery", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task MqDescribeBroker_429ThroughEveryAttempt_ThrowsAwsThrottling()
    {
        var throttled = new HttpFault.Status(429, """{"message":"Too Many Requests"}""", "application/json");
        using var server = new FaultServer([throttled, throttled], Mq);

        await Assert.ThrowsAsync<AwsThrottlingException>(() => MqService(server, maxErrorRetry: 1).DescribeBrokerAsync("b-1", CancellationToken.None));

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SsmGetParameter_ParameterNotFound_ThrowsPasswordParameterMissingAtOnce()
    {
        var missing = new HttpFault.Status(400, """{"__type":"ParameterNotFound","message":""}""", AmzJson);
        using var server = new FaultServer([missing], Ssm);

        var e = await Assert.ThrowsAsync<PasswordParameterMissingException>(() => SsmStore(server).GetSecureStringWithVersionAsync("/nob/t/password", CancellationToken.None));

        Assert.Equal("/nob/t/password", e.ParameterName);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task MqDescribeBroker_NotFound_IsNotTurnedIntoATransientError()
    {
        var missing = new HttpFault.Status(404, """{"message":"Can't find requested broker [b-1]."}""", "application/json",
            new Dictionary<string, string> { ["x-amzn-ErrorType"] = "NotFoundException" });
        using var server = new FaultServer([missing], Mq);

        await Assert.ThrowsAsync<BrokerMissingException>(() => MqService(server).DescribeBrokerAsync("b-1", CancellationToken.None));

        Assert.Single(server.Requests);
    }
}
