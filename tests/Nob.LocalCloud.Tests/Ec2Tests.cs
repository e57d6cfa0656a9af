using Amazon.EC2;
using Amazon.EC2.Model;
using Nob.Aws.Adapters;
using Nob.Core.Workflow;

namespace Nob.LocalCloud.Tests;

/// <summary>Security groups through AWSSDK.EC2 (query protocol) and the workflow's adapter.</summary>
[Collection(CloudCollection.Name)]
public sealed class Ec2Tests(CloudFixture fixture)
{
    [Fact]
    public async Task SecurityGroupNamedByBroker_Exists_InTheLocalVpc()
    {
        using var ec2 = Clients.Ec2(fixture.Cloud);

        var response = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb1"] });
        var vpcs = await new Ec2SecurityGroupService(ec2).GetVpcIdsAsync(["sg-0aaaaaaaaaaaaaaa1"], default);

        Assert.Equal(["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb1"], response.SecurityGroups.Select(g => g.GroupId));
        Assert.All(response.SecurityGroups, g => Assert.Equal("vpc-local", g.VpcId));
        Assert.Equal("vpc-local", vpcs["sg-0aaaaaaaaaaaaaaa1"]);
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ["subnet-a1"] });
        Assert.Equal("vpc-local", Assert.Single(subnets.Subnets).VpcId);
        Assert.True(Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs).IsDefault);
    }

    [Fact]
    public async Task AuthorizeIngress_Twice_DuplicateAsOnAws_RevokeRemoves()
    {
        using var ec2 = Clients.Ec2(fixture.Cloud);
        var group = (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "ingress-test", Description = "ingress test" })).GroupId;
        var source = (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "ingress-source", Description = "source" })).GroupId;
        var adapter = new Ec2SecurityGroupService(ec2);

        Assert.True(await adapter.AuthorizeIngressAsync(new IngressRule(group, 61617, "10.1.2.3/32", null, "nob test from NetA"), default));
        Assert.False(await adapter.AuthorizeIngressAsync(new IngressRule(group, 61617, "10.1.2.3/32", null, "nob test again"), default));
        Assert.True(await adapter.AuthorizeIngressAsync(new IngressRule(group, 61617, null, source, "nob test from group"), default));
        var duplicate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 61617, ToPort = 61617, UserIdGroupPairs = [new UserIdGroupPair { GroupId = source }] }],
        }));
        Assert.Equal("InvalidPermission.Duplicate", duplicate.ErrorCode);
        Assert.Contains($"peer: {source}, TCP, from port: 61617, to port: 61617, ALLOW", duplicate.Message, StringComparison.Ordinal);

        var described = Assert.Single((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group] })).SecurityGroups);
        var permission = Assert.Single(described.IpPermissions);
        Assert.Equal(("tcp", 61617, 61617), (permission.IpProtocol, permission.FromPort, permission.ToPort));
        Assert.Equal("10.1.2.3/32", Assert.Single(permission.Ipv4Ranges).CidrIp);
        Assert.Equal("nob test from NetA", permission.Ipv4Ranges[0].Description);
        Assert.Equal(source, Assert.Single(permission.UserIdGroupPairs).GroupId);

        await ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 61617, ToPort = 61617, Ipv4Ranges = [new IpRange { CidrIp = "10.1.2.3/32" }] }],
        });
        var after = Assert.Single((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group] })).SecurityGroups);
        Assert.Empty(Assert.Single(after.IpPermissions).Ipv4Ranges ?? []);
        var notThere = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = group,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 61617, ToPort = 61617, Ipv4Ranges = [new IpRange { CidrIp = "10.1.2.3/32" }] }],
        }));
        Assert.Equal("InvalidPermission.NotFound", notThere.ErrorCode);
    }

    [Fact]
    public async Task DescribeSecurityGroups_Unknown_InvalidGroupNotFound()
    {
        using var ec2 = Clients.Ec2(fixture.Cloud);

        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-0123456789abcdef0"] }));

        Assert.Equal("InvalidGroup.NotFound", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task CreateSecurityGroup_DuplicateName_InvalidGroupDuplicate()
    {
        using var ec2 = Clients.Ec2(fixture.Cloud);
        await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "twice", Description = "first" });

        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "twice", Description = "second" }));

        Assert.Equal("InvalidGroup.Duplicate", e.ErrorCode);
    }
}
