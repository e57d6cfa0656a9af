using System.Text.Json;
using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using Nob.Aws.Adapters;
using Nob.Aws.Tests.Infrastructure;
using Nob.Core.Lifecycle;
using Nob.Core.Workflow;

namespace Nob.Aws.Tests;

/// <summary>The lifecycle adapters against canned SSM (JSON 1.1) and EC2 (query/XML) answers: requests sent and errors mapped.</summary>
public class NetworkAdapterTests
{
    static SsmNetworkStore Ssm(CapturingServer server) => new(new AmazonSimpleSystemsManagementClient(
        new AmazonSimpleSystemsManagementConfig { ServiceURL = server.Url, AuthenticationRegion = TestClients.Region, MaxErrorRetry = 0 }));

    static Ec2SecurityGroupService Ec2(CapturingServer server) => new(new AmazonEC2Client(
        new AmazonEC2Config { ServiceURL = server.Url, AuthenticationRegion = TestClients.Region, MaxErrorRetry = 0 }));

    static CannedResponse SsmError(string type, string message = "not here") => new(400,
        JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }),
        new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-1" });

    const string DowngradeRefused = "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.";

    static NetworkRecord Record(string spec) => new(1, "net", spec, [new StoredBroker("A", "b-1", true)], [], DateTimeOffset.UnixEpoch, null);

    static JsonElement Body(CapturedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task SsmPut_SmallRecord_WritesAStandardStringParameterWithOverwrite()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"Version":1,"Tier":"Standard"}"""));
        await Ssm(server).PutAsync(Record("{}"), CancellationToken.None);

        var request = server.Single();
        Assert.Equal("AmazonSSM.PutParameter", request.Header("X-Amz-Target"));
        var body = Body(request);
        Assert.Equal(("/nob/networks/net", "String", true, "Standard"),
            (body.GetProperty("Name").GetString(), body.GetProperty("Type").GetString(), body.GetProperty("Overwrite").GetBoolean(), body.GetProperty("Tier").GetString()));
        Assert.Equal("net", NetworkRecordCodec.Decode(body.GetProperty("Value").GetString()!).NetworkName);
    }

    [Fact]
    public async Task SsmPut_RecordOver4096CharactersEvenCompressed_UsesTheAdvancedTier()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"Version":1,"Tier":"Advanced"}"""));
        await Ssm(server).PutAsync(Record(AdvancedSpec()), CancellationToken.None);
        var body = Body(server.Single());
        Assert.Equal("Advanced", body.GetProperty("Tier").GetString());
        Assert.InRange(body.GetProperty("Value").GetString()!.Length, NetworkRecordCodec.StandardTierMaxLength + 1, NetworkRecordCodec.MaxValueLength);
    }

    [Fact]
    public async Task SsmPut_CompressibleRecordOver4096Characters_IsCompressedIntoTheStandardTier()
    {
        using var server = new CapturingServer(CannedResponse.Json("""{"Version":1,"Tier":"Standard"}"""));
        await Ssm(server).PutAsync(Record($"{{\"pad\":\"{new string('x', 5000)}\"}}"), CancellationToken.None);
        var body = Body(server.Single());
        Assert.Equal("Standard", body.GetProperty("Tier").GetString());
        Assert.StartsWith(NetworkRecordCodec.CompressedPrefix, body.GetProperty("Value").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A spec of 8000 random hex digits: gzip+base64 takes the record to about 5400 characters, past Standard.</summary>
    static string AdvancedSpec() => $"{{\"pad\":\"{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4000))}\"}}";

    [Theory]
    [InlineData(DowngradeRefused)]
    [InlineData("You can't revert an ADVANCED parameter to a Standard parameter.")]
    public async Task SsmPut_StandardRefusedForAnAdvancedParameter_RetriesOnceWithTheAdvancedTier(string message)
    {
        using var server = CapturingServer.Sequence(SsmError("ValidationException", message), CannedResponse.Json("""{"Version":2,"Tier":"Advanced"}"""));
        await Ssm(server).PutAsync(Record("{}"), CancellationToken.None);

        Assert.Equal(["Standard", "Advanced"], server.Requests.Select(r => Body(r).GetProperty("Tier").GetString()));
        Assert.Equal(Body(server.Requests[0]).GetProperty("Value").GetString(), Body(server.Requests[1]).GetProperty("Value").GetString());
        Assert.True(Body(server.Requests[1]).GetProperty("Overwrite").GetBoolean());
    }

    [Fact]
    public async Task SsmPut_AdvancedRefusedToo_FailsWithoutASecondRetry()
    {
        using var server = CapturingServer.Sequence(SsmError("ValidationException", DowngradeRefused), SsmError("ValidationException", DowngradeRefused), CannedResponse.Json("{}"));
        var e = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => Ssm(server).PutAsync(Record("{}"), CancellationToken.None));
        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SsmPut_OtherValidationError_IsNotRetried()
    {
        using var server = CapturingServer.Sequence(SsmError("ValidationException", "1 validation error detected: Value at 'value' failed to satisfy constraint"), CannedResponse.Json("{}"));
        await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => Ssm(server).PutAsync(Record("{}"), CancellationToken.None));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task SsmPut_AdvancedRecordRefused_IsNotRetried()
    {
        using var server = CapturingServer.Sequence(SsmError("ValidationException", DowngradeRefused), CannedResponse.Json("{}"));
        await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => Ssm(server).PutAsync(Record(AdvancedSpec()), CancellationToken.None));
        Assert.Equal("Advanced", Body(server.Single()).GetProperty("Tier").GetString());
    }

    [Fact]
    public async Task SsmGet_StoredRecord_DecodesIt()
    {
        var value = JsonSerializer.Serialize(NetworkRecordCodec.Encode(Record("{\"a\":1}")));
        using var server = new CapturingServer(CannedResponse.Json("""{"Parameter":{"Name":"/nob/networks/net","Type":"String","Value":VALUE,"Version":1}}""".Replace("VALUE", value, StringComparison.Ordinal)));
        var record = await Ssm(server).GetAsync("net", CancellationToken.None);
        Assert.Equal("{\"a\":1}", record?.SpecJson);
        Assert.Equal("/nob/networks/net", Body(server.Single()).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task SsmGetAndDelete_ParameterNotFound_GiveNullAndFalse()
    {
        using var server = new CapturingServer(SsmError("ParameterNotFound"));
        Assert.Null(await Ssm(server).GetAsync("net", CancellationToken.None));
        Assert.False(await Ssm(server).DeleteAsync("net", CancellationToken.None));
        Assert.Equal("AmazonSSM.DeleteParameter", server.Requests[1].Header("X-Amz-Target"));
    }

    [Fact]
    public async Task SsmList_TwoPages_GivesNamesAfterThePathSorted()
    {
        using var server = new CapturingServer((request, _) => Body(request).TryGetProperty("NextToken", out var token) && token.GetString() == "t1"
            ? CannedResponse.Json("""{"Parameters":[{"Name":"/nob/networks/alpha","Type":"String","Value":"{}"}]}""")
            : CannedResponse.Json("""{"Parameters":[{"Name":"/nob/networks/zulu","Type":"String","Value":"{}"},{"Name":"/nob/networks/mike","Type":"String","Value":"{}"}],"NextToken":"t1"}"""));

        var names = await Ssm(server).ListNetworkNamesAsync(CancellationToken.None);

        Assert.Equal(["alpha", "mike", "zulu"], names);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(("/nob/networks", false), (Body(r).GetProperty("Path").GetString(), Body(r).GetProperty("Recursive").GetBoolean())));
    }

    const string Ec2Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    [Fact]
    public async Task Ec2DescribeIngress_GroupWithRanges_GivesOneRulePerSourceWithDescriptions()
    {
        using var server = new CapturingServer(new CannedResponse(200, $"""
            <DescribeSecurityGroupsResponse xmlns="{Ec2Ns}"><requestId>r1</requestId><securityGroupInfo><item>
              <groupId>sg-1</groupId><groupName>g</groupName><vpcId>vpc-1</vpcId>
              <ipPermissions>
                <item><ipProtocol>tcp</ipProtocol><fromPort>61617</fromPort><toPort>61617</toPort>
                  <groups><item><groupId>sg-2</groupId><description>nob net nob.net.A.to.B</description></item></groups>
                  <ipRanges><item><cidrIp>10.0.0.5/32</cidrIp><description>office</description></item></ipRanges></item>
                <item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>10.1.0.0/16</cidrIp></item></ipRanges></item>
              </ipPermissions>
            </item></securityGroupInfo></DescribeSecurityGroupsResponse>
            """));

        var rules = await Ec2(server).DescribeIngressAsync(["sg-1"], CancellationToken.None);

        Assert.Equal([
            new ExistingIngressRule("sg-1", "tcp", 61617, 61617, "10.0.0.5/32", null, "office"),
            new ExistingIngressRule("sg-1", "tcp", 61617, 61617, null, "sg-2", "nob net nob.net.A.to.B"),
            new ExistingIngressRule("sg-1", "-1", -1, -1, "10.1.0.0/16", null, null),
        ], rules);
        Assert.Contains("Action=DescribeSecurityGroups", server.Single().Body, StringComparison.Ordinal);
        Assert.True(rules[2].Covers(new IngressRule("sg-1", 61614, "10.1.0.0/16", null, "x")));
    }

    [Fact]
    public async Task Ec2DescribeIngress_OneGroupNoLongerExists_GivesTheOtherGroupsRules()
    {
        // EC2 fails the whole call when one id is unknown; the adapter then asks for each group on its own.
        var notFound = new CannedResponse(400, "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group 'sg-gone' does not exist</Message></Error></Errors><RequestID>r1</RequestID></Response>");
        var found = new CannedResponse(200, $"""
            <DescribeSecurityGroupsResponse xmlns="{Ec2Ns}"><requestId>r2</requestId><securityGroupInfo><item>
              <groupId>sg-1</groupId><groupName>g</groupName><vpcId>vpc-1</vpcId>
              <ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>61617</fromPort><toPort>61617</toPort>
                <ipRanges><item><cidrIp>10.0.0.5/32</cidrIp><description>nob net x</description></item></ipRanges></item></ipPermissions>
            </item></securityGroupInfo></DescribeSecurityGroupsResponse>
            """);
        using var server = new CapturingServer((request, _) => Uri.UnescapeDataString(request.Body).Contains("GroupId.1=sg-1", StringComparison.Ordinal)
            && !Uri.UnescapeDataString(request.Body).Contains("GroupId.2", StringComparison.Ordinal) ? found : notFound);

        var rules = await Ec2(server).DescribeIngressAsync(["sg-gone", "sg-1"], CancellationToken.None);

        Assert.Equal([new ExistingIngressRule("sg-1", "tcp", 61617, 61617, "10.0.0.5/32", null, "nob net x")], rules);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Ec2Revoke_RuleExists_SendsProtocolPortsAndSource()
    {
        using var server = new CapturingServer(new CannedResponse(200, $"""<RevokeSecurityGroupIngressResponse xmlns="{Ec2Ns}"><requestId>r1</requestId><return>true</return></RevokeSecurityGroupIngressResponse>"""));

        Assert.True(await Ec2(server).RevokeIngressAsync(new IngressRule("sg-1", 61617, null, "sg-2", "nob net x"), CancellationToken.None));

        var body = Uri.UnescapeDataString(server.Single().Body);
        Assert.Contains("Action=RevokeSecurityGroupIngress", body, StringComparison.Ordinal);
        Assert.Contains("GroupId=sg-1", body, StringComparison.Ordinal);
        Assert.Contains("IpPermissions.1.FromPort=61617", body, StringComparison.Ordinal);
        Assert.Contains("IpPermissions.1.Groups.1.GroupId=sg-2", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ec2Revoke_InvalidPermissionNotFound_ReturnsFalse()
    {
        using var server = new CapturingServer(new CannedResponse(400,
            "<Response><Errors><Error><Code>InvalidPermission.NotFound</Code><Message>The specified rule does not exist in this security group.</Message></Error></Errors><RequestID>r1</RequestID></Response>"));
        Assert.False(await Ec2(server).RevokeIngressAsync(new IngressRule("sg-1", 61617, "10.0.0.5/32", null, "nob net x"), CancellationToken.None));
    }

    [Fact]
    public async Task Ec2Revoke_UnknownPermissionsInASuccessfulAnswer_ReturnsFalse()
    {
        using var server = new CapturingServer(new CannedResponse(200, $"""
            <RevokeSecurityGroupIngressResponse xmlns="{Ec2Ns}"><requestId>r1</requestId><return>true</return>
              <unknownIpPermissionSet><item><ipProtocol>tcp</ipProtocol><fromPort>61617</fromPort><toPort>61617</toPort>
                <ipRanges><item><cidrIp>10.0.0.5/32</cidrIp></item></ipRanges></item></unknownIpPermissionSet>
            </RevokeSecurityGroupIngressResponse>
            """));
        Assert.False(await Ec2(server).RevokeIngressAsync(new IngressRule("sg-1", 61617, "10.0.0.5/32", null, "nob net x"), CancellationToken.None));
    }
}
