using Amazon.EC2;
using Amazon.EC2.Model;
using Nob.Core.Workflow;

namespace Nob.Aws.Adapters;

/// <summary>Security groups through AWSSDK.EC2.</summary>
public sealed class Ec2SecurityGroupService(IAmazonEC2 ec2) : ISecurityGroupService
{
    [IamActions("ec2:DescribeSecurityGroups")]
    public async Task<IReadOnlyDictionary<string, string>> GetVpcIdsAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken)
    {
        var response = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [.. securityGroupIds] }, cancellationToken);
        return (response.SecurityGroups ?? []).Where(g => g.VpcId is not null).ToDictionary(g => g.GroupId, g => g.VpcId, StringComparer.Ordinal);
    }

    [IamActions("ec2:AuthorizeSecurityGroupIngress")]
    public async Task<bool> AuthorizeIngressAsync(IngressRule rule, CancellationToken cancellationToken)
    {
        var permission = new IpPermission { IpProtocol = "tcp", FromPort = rule.Port, ToPort = rule.Port };
        if (rule.SourceCidr is { } cidr) permission.Ipv4Ranges = [new IpRange { CidrIp = cidr, Description = rule.Description }];
        else if (rule.SourceSecurityGroupId is { } group) permission.UserIdGroupPairs = [new UserIdGroupPair { GroupId = group, Description = rule.Description }];
        else throw new ArgumentException("an ingress rule needs a source CIDR or a source security group", nameof(rule));
        try
        {
            await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = rule.SecurityGroupId, IpPermissions = [permission] }, cancellationToken);
            return true;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPermission.Duplicate")
        {
            return false;
        }
    }
}
