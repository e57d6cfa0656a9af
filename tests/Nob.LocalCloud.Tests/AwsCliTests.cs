using System.Text.Json;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

/// <summary>The real AWS CLI (Debian's awscli) with <c>--endpoint-url</c> and the cloud's credentials.</summary>
[Collection(CloudCollection.Name)]
public sealed class AwsCliTests(CloudFixture fixture)
{
    [Fact]
    public async Task MqListBrokers_ListsTheSharedBrokers()
    {
        await fixture.BothRunningAsync();

        var output = await AwsAsync("mq", "list-brokers");

        var names = output.GetProperty("BrokerSummaries").EnumerateArray().Select(b => b.GetProperty("BrokerName").GetString()).ToList();
        Assert.Contains(CloudFixture.BrokerA, names);
        Assert.Contains(CloudFixture.BrokerB, names);
    }

    [Fact]
    public async Task MqDescribeBroker_RealEndpoints()
    {
        var (_, b) = await fixture.BothRunningAsync();

        var output = await AwsAsync("mq", "describe-broker", "--broker-id", fixture.BrokerBId);

        Assert.Equal("RUNNING", output.GetProperty("BrokerState").GetString());
        Assert.Equal(CloudFixture.BrokerB, output.GetProperty("BrokerName").GetString());
        var endpoints = output.GetProperty("BrokerInstances")[0].GetProperty("Endpoints").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(b.BrokerInstances[0].Endpoints, endpoints);
        Assert.Equal(b.Configurations!.Current!.Id, output.GetProperty("Configurations").GetProperty("Current").GetProperty("Id").GetString());
        Assert.Equal(JsonValueKind.String, output.GetProperty("Created").ValueKind);
    }

    [Fact]
    public async Task MqDescribeConfigurationRevision_Base64Data()
    {
        var (_, b) = await fixture.BothRunningAsync();

        var output = await AwsAsync("mq", "describe-configuration-revision",
            "--configuration-id", b.Configurations!.Current!.Id, "--configuration-revision", "1");

        var xml = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(output.GetProperty("Data").GetString()!));
        Assert.Contains("<broker xmlns=\"http://activemq.apache.org/schema/core\"", xml, StringComparison.Ordinal);
        Assert.Equal(b.Configurations.Current.Id, output.GetProperty("ConfigurationId").GetString());
    }

    [Fact]
    public async Task Ec2DescribeSecurityGroups_ByGroupId()
    {
        var output = await AwsAsync("ec2", "describe-security-groups", "--group-ids", "sg-0aaaaaaaaaaaaaaa1");

        var group = Assert.Single(output.GetProperty("SecurityGroups").EnumerateArray());
        Assert.Equal("sg-0aaaaaaaaaaaaaaa1", group.GetProperty("GroupId").GetString());
        Assert.Equal("vpc-local", group.GetProperty("VpcId").GetString());
    }

    [Fact]
    public async Task MoreCommands_ConfigurationUsersSubnetsParameters()
    {
        var (_, b) = await fixture.BothRunningAsync();
        var configurationId = b.Configurations!.Current!.Id;

        var configuration = await AwsAsync("mq", "describe-configuration", "--configuration-id", configurationId);
        var revisions = await AwsAsync("mq", "list-configuration-revisions", "--configuration-id", configurationId);
        var users = await AwsAsync("mq", "list-users", "--broker-id", fixture.BrokerBId);
        var user = await AwsAsync("mq", "describe-user", "--broker-id", fixture.BrokerBId, "--username", CloudFixture.Username);
        var subnets = await AwsAsync("ec2", "describe-subnets", "--subnet-ids", "subnet-b1");
        await AwsAsync("ssm", "put-parameter", "--name", "/nob/cli/password", "--type", "SecureString", "--value", "cli-Secret-Value-42", "--overwrite");
        var parameter = await AwsAsync("ssm", "get-parameter", "--name", "/nob/cli/password", "--with-decryption");

        Assert.Equal(configurationId, configuration.GetProperty("Id").GetString());
        Assert.Equal("ActiveMQ", configuration.GetProperty("EngineType").GetString());
        Assert.Equal(1, revisions.GetProperty("Revisions")[0].GetProperty("Revision").GetInt32());
        Assert.Contains(users.GetProperty("Users").EnumerateArray(), u => u.GetProperty("Username").GetString() == CloudFixture.Username);
        Assert.Equal(CloudFixture.Username, user.GetProperty("Username").GetString());
        Assert.Equal("vpc-local", subnets.GetProperty("Subnets")[0].GetProperty("VpcId").GetString());
        Assert.Equal("cli-Secret-Value-42", parameter.GetProperty("Parameter").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task MqDescribeBroker_Unknown_CliReportsNotFound()
    {
        var (exitCode, _, stderr) = await RunAsync("mq", "describe-broker", "--broker-id", "b-00000000-0000-0000-0000-000000000000");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("NotFoundException", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ssm get-parameters-by-path --path /nob/", "InvalidSignatureException")]
    [InlineData("mq list-brokers", "InvalidSignatureException")]
    [InlineData("ec2 describe-security-groups", "AuthFailure")]
    public async Task WrongSecret_Refused_WithTheServicesCode(string command, string code)
    {
        var arguments = command.Split(' ');
        var (rightExit, _, rightStderr) = await RunAsync(arguments);
        var (wrongExit, _, wrongStderr) = await RunWithSecretAsync("not-" + fixture.Cloud.Credentials.SecretAccessKey, arguments);

        Assert.True(rightExit == 0, rightStderr);
        Assert.NotEqual(0, wrongExit);
        Assert.Contains($"({code})", wrongStderr, StringComparison.Ordinal);
    }

    private AwsCli Cli => new(fixture.Cloud.Endpoint.AbsoluteUri, fixture.Cloud.Credentials.AccessKeyId, fixture.Cloud.Credentials.SecretAccessKey, Clients.Region);

    private async Task<JsonElement> AwsAsync(params string[] arguments)
    {
        using var document = JsonDocument.Parse(await Cli.OutputAsync(arguments));
        return document.RootElement.Clone();
    }

    private Task<ToolResult> RunAsync(params string[] arguments) => Cli.RunAsync(arguments);

    private Task<ToolResult> RunWithSecretAsync(string secretAccessKey, params string[] arguments) => Cli.WithSecret(secretAccessKey).RunAsync(arguments);
}
