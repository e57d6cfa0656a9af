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
        var response = await Ec2("DescribeSecurityGroups", () => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [.. securityGroupIds] }, cancellationToken), cancellationToken);
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
            await Ec2("AuthorizeSecurityGroupIngress", () => ec2.AuthorizeSecurityGroupIngressAsync(
                new AuthorizeSecurityGroupIngressRequest { GroupId = rule.SecurityGroupId, IpPermissions = [permission] }, cancellationToken), cancellationToken);
            return true;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPermission.Duplicate")
        {
            return false;
        }
    }

    [IamActions("ec2:DescribeSecurityGroups")]
    public async Task<IReadOnlyList<ExistingIngressRule>> DescribeIngressAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken)
    {
        if (securityGroupIds.Count == 0) return [];
        try
        {
            return await DescribeAsync(securityGroupIds, cancellationToken);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidGroup.NotFound" && securityGroupIds.Count > 1)
        {
            // One missing group fails the whole call. A group that no longer exists has no rules: ask for each on its own.
            var rules = new List<ExistingIngressRule>();
            foreach (var id in securityGroupIds) rules.AddRange(await DescribeIngressAsync([id], cancellationToken));
            return rules;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidGroup.NotFound")
        {
            return [];
        }
    }

    async Task<IReadOnlyList<ExistingIngressRule>> DescribeAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken)
    {
        var rules = new List<ExistingIngressRule>();
        string? next = null;
        do
        {
            var response = await Ec2("DescribeSecurityGroups", () => ec2.DescribeSecurityGroupsAsync(
                new DescribeSecurityGroupsRequest { GroupIds = [.. securityGroupIds], NextToken = next }, cancellationToken), cancellationToken);
            foreach (var group in response.SecurityGroups ?? [])
            {
                foreach (var p in group.IpPermissions ?? [])
                {
                    // EC2 reports "-1" for all traffic, and a protocol number or name otherwise; nob only reasons about tcp.
                    var protocol = p.IpProtocol is "6" ? "tcp" : p.IpProtocol ?? "";
                    var (from, to) = (p.FromPort ?? -1, p.ToPort ?? -1);
                    rules.AddRange((p.Ipv4Ranges ?? []).Select(r => new ExistingIngressRule(group.GroupId, protocol, from, to, r.CidrIp, null, r.Description)));
                    rules.AddRange((p.UserIdGroupPairs ?? []).Select(r => new ExistingIngressRule(group.GroupId, protocol, from, to, null, r.GroupId, r.Description)));
                }
            }
            next = response.NextToken;
        } while (!string.IsNullOrEmpty(next));
        return rules;
    }

    [IamActions("ec2:RevokeSecurityGroupIngress")]
    public async Task<bool> RevokeIngressAsync(IngressRule rule, CancellationToken cancellationToken)
    {
        // EC2 matches a rule by protocol, ports and source; the description is not part of its identity.
        var permission = new IpPermission { IpProtocol = "tcp", FromPort = rule.Port, ToPort = rule.Port };
        if (rule.SourceCidr is { } cidr) permission.Ipv4Ranges = [new IpRange { CidrIp = cidr }];
        else if (rule.SourceSecurityGroupId is { } group) permission.UserIdGroupPairs = [new UserIdGroupPair { GroupId = group }];
        else throw new ArgumentException("an ingress rule needs a source CIDR or a source security group", nameof(rule));
        try
        {
            var response = await Ec2("RevokeSecurityGroupIngress", () => ec2.RevokeSecurityGroupIngressAsync(
                new RevokeSecurityGroupIngressRequest { GroupId = rule.SecurityGroupId, IpPermissions = [permission] }, cancellationToken), cancellationToken);
            // Newer EC2 answers success and lists what it did not find instead of failing.
            return response.UnknownIpPermissions is not { Count: > 0 };
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPermission.NotFound")
        {
            return false;
        }
    }

    // EC2 throttles by account (RequestLimitExceeded): what outlasts the client's retries becomes a named error the state machine retries.
    static Task<T> Ec2<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken) =>
        TransientFaults.RunAsync("EC2", operation, call, cancellationToken);
}
