using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.Tests.Infrastructure;

namespace Nob.Aws.Tests;

/// <summary>Tests that change process environment variables run alone, one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>Endpoint resolution: ServiceURL, AWS_ENDPOINT_URL_MQ, AWS_ENDPOINT_URL, and the regional rule set.</summary>
[Collection(EnvironmentCollection.Name)]
public class EndpointTests
{
    private static Endpoint Resolve(AmazonMqConfig config)
        => config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(new DescribeBrokerRequest { BrokerId = "b-1" }));

    [Fact]
    public async Task DescribeBroker_AwsEndpointUrlMqSet_SendsThere()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerId":"b-1"}"""));
        await ProcessEnvironment.WithAsync(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_MQ"] = server.Url, ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/" }, async () =>
        {
            using var client = new AmazonMqClient(new AmazonMqConfig());

            var response = await client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-1" });

            Assert.Equal("b-1", response.BrokerId);
            Assert.Equal("/v1/brokers/b-1", server.Single().RawPath);
            Assert.Contains($"/{TestClients.Region}/mq/aws4_request", server.Single().Header("Authorization"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task DescribeBroker_GlobalAwsEndpointUrlSet_SendsThere()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerId":"b-2"}"""));
        await ProcessEnvironment.WithAsync(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = server.Url }, async () =>
        {
            using var client = new AmazonMqClient(new AmazonMqConfig());

            var response = await client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-2" });

            Assert.Equal("b-2", response.BrokerId);
            Assert.Single(server.Requests);
        });
    }

    [Fact]
    public async Task DescribeBroker_ServiceUrlAndEnvironmentSet_ServiceUrlWins()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"brokerId":"b-3"}"""));
        await ProcessEnvironment.WithAsync(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_MQ"] = "http://127.0.0.1:9/" }, async () =>
        {
            using var client = TestClients.For(server);

            var response = await client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-3" });

            Assert.Equal("b-3", response.BrokerId);
        });
    }

    [Fact]
    public void Resolve_ServiceUrl_IsUsedAsIs()
    {
        var endpoint = Resolve(new AmazonMqConfig { ServiceURL = "http://localhost:4566" });

        Assert.StartsWith("http://localhost:4566", endpoint.URL, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west-1", false, false, "https://mq.eu-west-1.amazonaws.com")]
    [InlineData("us-east-1", true, false, "https://mq-fips.us-east-1.amazonaws.com")]
    [InlineData("us-gov-west-1", true, false, "https://mq-fips.us-gov-west-1.amazonaws.com")] // Step Functions' exception is not Amazon MQ's
    [InlineData("us-east-1", false, true, "https://mq.us-east-1.api.aws")]
    [InlineData("cn-north-1", false, false, "https://mq.cn-north-1.amazonaws.com.cn")]
    public void Resolve_Region_FollowsRuleSet(string region, bool fips, bool dualStack, string expected)
    {
        var config = new AmazonMqConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region), UseFIPSEndpoint = fips, UseDualstackEndpoint = dualStack };

        Assert.Equal(expected, Resolve(config).URL.TrimEnd('/'));
    }

    [Fact]
    public void Resolve_ServiceUrlWithFips_IsRejectedLikeTheRuleSet()
    {
        var config = new AmazonMqConfig { ServiceURL = "http://localhost:4566", UseFIPSEndpoint = true };

        Assert.Throws<AmazonClientException>(() => Resolve(config));
    }

    [Fact]
    public void Config_Defaults_SignAsMqWithStandardRetries()
    {
        var config = new AmazonMqConfig { RegionEndpoint = RegionEndpoint.EUWest1 };

        Assert.Equal("mq", config.AuthenticationServiceName);
        Assert.Equal("mq", config.ServiceId);
        Assert.Equal("mq", config.RegionEndpointServiceName);
        Assert.Equal(RequestRetryMode.Standard, config.RetryMode);
    }
}
