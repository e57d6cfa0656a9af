using System.Globalization;
using System.Xml.Linq;
using Nob.LocalCloud.Http;

namespace Nob.LocalCloud.Ec2;

/// <summary>
/// EC2's query protocol (API 2016-11-15) for the calls the workflow and its operators make: security groups and their
/// ingress rules, and a look at the one VPC and its subnets. Rules are recorded, not enforced.
/// </summary>
internal sealed class Ec2Service(Ec2Store store)
{
    public static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public XElement Handle(string action, QueryParams p, string requestId)
    {
        var content = action switch
        {
            "DescribeSecurityGroups" => DescribeSecurityGroups(p),
            "CreateSecurityGroup" => CreateSecurityGroup(p),
            "DeleteSecurityGroup" => DeleteSecurityGroup(p),
            "AuthorizeSecurityGroupIngress" => AuthorizeIngress(p),
            "RevokeSecurityGroupIngress" => RevokeIngress(p),
            "DescribeVpcs" => DescribeVpcs(p),
            "DescribeSubnets" => DescribeSubnets(p),
            _ => throw new ServiceError(400, "InvalidAction", $"The action {action} is not valid for this web service."),
        };
        return new XElement(Ns + (action + "Response"), new XElement(Ns + "requestId", requestId), content);
    }

    // ---- security groups -----------------------------------------------------------------------------------

    private IEnumerable<XElement> DescribeSecurityGroups(QueryParams p)
    {
        var ids = p.List("GroupId");
        var names = p.List("GroupName");
        var filters = Filters(p, "group-id", "group-name", "vpc-id", "description");
        var (maxResults, nextToken) = Paging(p);
        if (maxResults is not null && ids.Count > 0)
        {
            throw new ServiceError(400, "InvalidParameterCombination", "The parameter groupIds cannot be used with the parameter maxResults");
        }

        var page = store.Read(data =>
        {
            foreach (var id in ids)
            {
                ValidateGroupId(id);
            }

            var missing = ids.Where(id => data.SecurityGroups.All(g => g.GroupId != id)).ToList();
            if (missing.Count > 0)
            {
                throw new ServiceError(400, "InvalidGroup.NotFound", $"The security group '{string.Join("', '", missing)}' does not exist");
            }

            var missingNames = names.Where(n => data.SecurityGroups.All(g => g.GroupName != n)).ToList();
            if (missingNames.Count > 0)
            {
                throw new ServiceError(400, "InvalidGroup.NotFound", $"The security group '{string.Join("', '", missingNames)}' does not exist in default VPC '{store.VpcId}'");
            }

            var groups = data.SecurityGroups
                .Where(g => ids.Count == 0 || ids.Contains(g.GroupId))
                .Where(g => names.Count == 0 || names.Contains(g.GroupName))
                .Where(g => Matches(filters, "group-id", g.GroupId) && Matches(filters, "group-name", g.GroupName)
                    && Matches(filters, "vpc-id", g.VpcId) && Matches(filters, "description", g.Description))
                .ToList();
            return Page(groups, maxResults, nextToken, GroupXml);
        });
        yield return new XElement(Ns + "securityGroupInfo", page.Items);
        if (page.NextToken is { } token)
        {
            yield return new XElement(Ns + "nextToken", token);
        }
    }

    private IEnumerable<XElement> CreateSecurityGroup(QueryParams p)
    {
        var name = p.Required("GroupName");
        var description = p.Required("GroupDescription");
        var vpcId = p.Get("VpcId") ?? store.VpcId;
        if (name.Length > 255 || name.StartsWith("sg-", StringComparison.OrdinalIgnoreCase))
        {
            throw new ServiceError(400, "InvalidParameterValue", $"Value ({name}) for parameter GroupName is invalid. Group names may not be longer than 255 characters or start with sg-");
        }

        if (vpcId != store.VpcId)
        {
            throw new ServiceError(400, "InvalidVpcID.NotFound", $"The vpc ID '{vpcId}' does not exist");
        }

        var id = store.Write(data =>
        {
            if (data.SecurityGroups.Any(g => g.GroupName == name && g.VpcId == vpcId))
            {
                throw new ServiceError(400, "InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpcId}'");
            }

            var group = new SecurityGroupRecord
            {
                GroupId = Ec2Store.NewId("sg"),
                GroupName = name,
                Description = description,
                VpcId = vpcId,
                Egress = [new RuleRecord { RuleId = Ec2Store.NewId("sgr"), Protocol = "-1", CidrIpv4 = "0.0.0.0/0" }],
            };
            data.SecurityGroups.Add(group);
            return (group.GroupId, true);
        });
        yield return new XElement(Ns + "return", "true");
        yield return new XElement(Ns + "groupId", id);
    }

    private IEnumerable<XElement> DeleteSecurityGroup(QueryParams p)
    {
        var id = p.Get("GroupId");
        var name = p.Get("GroupName");
        store.Write(data =>
        {
            var group = FindGroup(data, id, name);
            if (group.IsDefault)
            {
                throw new ServiceError(400, "CannotDelete", $"the specified group: \"{group.GroupId}\" name: \"default\" cannot be deleted by a user");
            }

            var referencing = data.SecurityGroups.FirstOrDefault(g => g != group && g.Ingress.Concat(g.Egress).Any(r => r.SourceGroupId == group.GroupId));
            if (referencing is not null)
            {
                throw new ServiceError(400, "DependencyViolation", $"resource {group.GroupId} has a dependent object");
            }

            data.SecurityGroups.Remove(group);
            return (0, true);
        });
        yield return new XElement(Ns + "return", "true");
        yield return new XElement(Ns + "groupId", id ?? "");
    }

    private IEnumerable<XElement> AuthorizeIngress(QueryParams p)
    {
        var groupId = p.Get("GroupId");
        var groupName = p.Get("GroupName");
        var added = store.Write(data =>
        {
            var group = FindGroup(data, groupId, groupName);
            var rules = Permissions(p, data);
            if (rules.Count == 0)
            {
                throw new ServiceError(400, "MissingParameter", "No IpPermissions given: specify a protocol, ports and a source (CIDR or security group)");
            }

            foreach (var rule in rules)
            {
                if (group.Ingress.Any(r => r.SameAs(rule)) || rules.Count(r => r.SameAs(rule)) > 1)
                {
                    throw new ServiceError(400, "InvalidPermission.Duplicate", $"the specified rule \"{rule.Describe()}\" already exists");
                }
            }

            group.Ingress.AddRange(rules);
            return (rules.Select(r => (group, r)).ToList(), true);
        });
        yield return new XElement(Ns + "return", "true");
        yield return new XElement(Ns + "securityGroupRuleSet", added.Select(a => new XElement(Ns + "item",
            new XElement(Ns + "securityGroupRuleId", a.r.RuleId),
            new XElement(Ns + "groupId", a.group.GroupId),
            new XElement(Ns + "groupOwnerId", store.AccountId),
            new XElement(Ns + "isEgress", "false"),
            new XElement(Ns + "ipProtocol", a.r.Protocol),
            new XElement(Ns + "fromPort", Port(a.r.FromPort)),
            new XElement(Ns + "toPort", Port(a.r.ToPort)),
            a.r.CidrIpv4 is { } v4 ? new XElement(Ns + "cidrIpv4", v4) : null,
            a.r.CidrIpv6 is { } v6 ? new XElement(Ns + "cidrIpv6", v6) : null,
            a.r.SourceGroupId is { } source
                ? new XElement(Ns + "referencedGroupInfo", new XElement(Ns + "groupId", source), new XElement(Ns + "userId", store.AccountId))
                : null,
            a.r.Description is { } d ? new XElement(Ns + "description", d) : null,
            new XElement(Ns + "tagSet"))));
    }

    private IEnumerable<XElement> RevokeIngress(QueryParams p)
    {
        var groupId = p.Get("GroupId");
        var groupName = p.Get("GroupName");
        var ruleIds = p.List("SecurityGroupRuleId");
        store.Write(data =>
        {
            var group = FindGroup(data, groupId, groupName);
            var toRemove = new List<RuleRecord>();
            foreach (var ruleId in ruleIds)
            {
                toRemove.Add(group.Ingress.FirstOrDefault(r => r.RuleId == ruleId)
                    ?? throw new ServiceError(400, "InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{ruleId}' does not exist"));
            }

            foreach (var rule in Permissions(p, data))
            {
                toRemove.Add(group.Ingress.FirstOrDefault(r => r.SameAs(rule))
                    ?? throw new ServiceError(400, "InvalidPermission.NotFound", $"The specified rule does not exist in this security group: \"{rule.Describe()}\""));
            }

            if (toRemove.Count == 0)
            {
                throw new ServiceError(400, "MissingParameter", "No IpPermissions or SecurityGroupRuleIds given");
            }

            group.Ingress.RemoveAll(toRemove.Contains);
            return (0, true);
        });
        yield return new XElement(Ns + "return", "true");
    }

    /// <summary>The rules a request describes: <c>IpPermissions.N.*</c>, or the older top-level CidrIp/IpProtocol/FromPort/ToPort/SourceSecurityGroupName.</summary>
    private List<RuleRecord> Permissions(QueryParams p, Ec2Data data)
    {
        var rules = new List<RuleRecord>();
        foreach (var permission in p.Members("IpPermissions"))
        {
            var protocol = Protocol(p.Get(permission + ".IpProtocol"));
            var (from, to) = Ports(protocol, p.Int(permission + ".FromPort"), p.Int(permission + ".ToPort"));
            foreach (var range in p.Members(permission + ".IpRanges"))
            {
                rules.Add(NewRule(protocol, from, to, cidr4: Cidr(p.Get(range + ".CidrIp"), v6: false), description: p.Get(range + ".Description")));
            }

            foreach (var range in p.Members(permission + ".Ipv6Ranges"))
            {
                rules.Add(NewRule(protocol, from, to, cidr6: Cidr(p.Get(range + ".CidrIpv6"), v6: true), description: p.Get(range + ".Description")));
            }

            foreach (var pair in p.Members(permission + ".Groups"))
            {
                var source = p.Get(pair + ".GroupId") ?? (p.Get(pair + ".GroupName") is { } n ? FindGroup(data, null, n).GroupId : null)
                    ?? throw new ServiceError(400, "MissingParameter", $"{pair} needs a GroupId");
                if (data.SecurityGroups.All(g => g.GroupId != source))
                {
                    throw new ServiceError(400, "InvalidGroup.NotFound", $"The security group '{source}' does not exist");
                }

                rules.Add(NewRule(protocol, from, to, group: source, description: p.Get(pair + ".Description")));
            }

            if (p.Members(permission + ".PrefixListIds").Count > 0)
            {
                throw new ServiceError(400, "InvalidParameterValue", "prefix lists are not supported by the local endpoint");
            }
        }

        if (p.Get("CidrIp") is { } cidr || p.Get("SourceSecurityGroupName") is not null)
        {
            var protocol = Protocol(p.Get("IpProtocol") ?? "-1");
            var (from, to) = Ports(protocol, p.Int("FromPort"), p.Int("ToPort"));
            rules.Add(p.Get("CidrIp") is { } c
                ? NewRule(protocol, from, to, cidr4: Cidr(c, v6: false))
                : NewRule(protocol, from, to, group: FindGroup(data, null, p.Get("SourceSecurityGroupName")).GroupId));
        }

        return rules;
    }

    private static RuleRecord NewRule(string protocol, int? from, int? to, string? cidr4 = null, string? cidr6 = null, string? group = null, string? description = null) =>
        new()
        {
            RuleId = Ec2Store.NewId("sgr"),
            Protocol = protocol,
            FromPort = from,
            ToPort = to,
            CidrIpv4 = cidr4,
            CidrIpv6 = cidr6,
            SourceGroupId = group,
            Description = description,
        };

    private static string Protocol(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" => throw new ServiceError(400, "MissingParameter", "The request must contain the parameter ipProtocol"),
        "tcp" or "6" => "tcp",
        "udp" or "17" => "udp",
        "icmp" or "1" => "icmp",
        "icmpv6" or "58" => "icmpv6",
        "-1" or "all" => "-1",
        var other when int.TryParse(other, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 255 => other,
        var other => throw new ServiceError(400, "InvalidParameterValue", $"Invalid value '{other}' for IP protocol. Unknown protocol."),
    };

    private static (int? From, int? To) Ports(string protocol, int? from, int? to)
    {
        if (protocol is "-1")
        {
            return (null, null);
        }

        if (protocol is "tcp" or "udp")
        {
            if (from is null || to is null)
            {
                throw new ServiceError(400, "MissingParameter", "TCP and UDP rules need FromPort and ToPort");
            }

            if (from is < 0 or > 65535 || to is < 0 or > 65535 || from > to)
            {
                throw new ServiceError(400, "InvalidParameterValue", $"Invalid port range {from}-{to}: ports are 0-65535 and FromPort <= ToPort");
            }
        }

        return (from, to);
    }

    private static string Cidr(string? value, bool v6)
    {
        if (value is null || !System.Net.IPNetwork.TryParse(value, out var network)
            || (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != v6)
        {
            throw new ServiceError(400, "InvalidParameterValue", $"Value ({value}) for parameter cidrIp{(v6 ? "v6" : "")} is invalid. This is not a valid CIDR block.");
        }

        return value;
    }

    private static SecurityGroupRecord FindGroup(Ec2Data data, string? id, string? name)
    {
        if (id is not null)
        {
            ValidateGroupId(id);
            return data.SecurityGroups.FirstOrDefault(g => g.GroupId == id)
                ?? throw new ServiceError(400, "InvalidGroup.NotFound", $"The security group '{id}' does not exist");
        }

        if (name is not null)
        {
            return data.SecurityGroups.FirstOrDefault(g => g.GroupName == name)
                ?? throw new ServiceError(400, "InvalidGroup.NotFound", $"The security group '{name}' does not exist in default VPC");
        }

        throw new ServiceError(400, "MissingParameter", "The request must contain the parameter groupId or groupName");
    }

    private static void ValidateGroupId(string id)
    {
        if (!id.StartsWith("sg-", StringComparison.Ordinal) || id.Length < 4)
        {
            throw new ServiceError(400, "InvalidGroupId.Malformed", $"Invalid id: \"{id}\" (expecting \"sg-...\")");
        }
    }

    private XElement GroupXml(SecurityGroupRecord g) =>
        new(Ns + "item",
            new XElement(Ns + "ownerId", store.AccountId),
            new XElement(Ns + "groupId", g.GroupId),
            new XElement(Ns + "groupName", g.GroupName),
            new XElement(Ns + "groupDescription", g.Description),
            new XElement(Ns + "vpcId", g.VpcId),
            new XElement(Ns + "ipPermissions", PermissionsXml(g.Ingress)),
            new XElement(Ns + "ipPermissionsEgress", PermissionsXml(g.Egress)),
            new XElement(Ns + "tagSet", g.Tags.Select(t => new XElement(Ns + "item", new XElement(Ns + "key", t.Key), new XElement(Ns + "value", t.Value)))),
            new XElement(Ns + "securityGroupArn", $"arn:aws:ec2:{store.Region}:{store.AccountId}:security-group/{g.GroupId}"));

    /// <summary>Rules grouped as EC2 lists them: one IpPermission per protocol and port range, with all its sources.</summary>
    private IEnumerable<XElement> PermissionsXml(IEnumerable<RuleRecord> rules) =>
        rules.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort)).Select(group =>
            new XElement(Ns + "item",
                new XElement(Ns + "ipProtocol", group.Key.Protocol),
                group.Key.FromPort is { } from ? new XElement(Ns + "fromPort", Port(from)) : null,
                group.Key.ToPort is { } to ? new XElement(Ns + "toPort", Port(to)) : null,
                new XElement(Ns + "groups", group.Where(r => r.SourceGroupId is not null).Select(r => new XElement(Ns + "item",
                    r.Description is { } d ? new XElement(Ns + "description", d) : null,
                    new XElement(Ns + "groupId", r.SourceGroupId),
                    new XElement(Ns + "userId", store.AccountId)))),
                new XElement(Ns + "ipRanges", group.Where(r => r.CidrIpv4 is not null).Select(r => new XElement(Ns + "item",
                    new XElement(Ns + "cidrIp", r.CidrIpv4),
                    r.Description is { } d ? new XElement(Ns + "description", d) : null))),
                new XElement(Ns + "ipv6Ranges", group.Where(r => r.CidrIpv6 is not null).Select(r => new XElement(Ns + "item",
                    new XElement(Ns + "cidrIpv6", r.CidrIpv6),
                    r.Description is { } d ? new XElement(Ns + "description", d) : null))),
                new XElement(Ns + "prefixListIds")));

    private static string Port(int? port) => port is { } p ? p.ToString(CultureInfo.InvariantCulture) : "-1";

    // ---- VPC and subnets -----------------------------------------------------------------------------------

    private IEnumerable<XElement> DescribeVpcs(QueryParams p)
    {
        var ids = p.List("VpcId");
        var filters = Filters(p, "vpc-id", "is-default", "state", "cidr", "cidr-block-association.cidr-block");
        var missing = ids.Where(id => id != store.VpcId).ToList();
        if (missing.Count > 0)
        {
            throw new ServiceError(400, "InvalidVpcID.NotFound", $"The vpc ID '{string.Join("', '", missing)}' does not exist");
        }

        var matches = Matches(filters, "vpc-id", store.VpcId) && Matches(filters, "is-default", "true") && Matches(filters, "state", "available")
            && Matches(filters, "cidr", Ec2Store.VpcCidr) && Matches(filters, "cidr-block-association.cidr-block", Ec2Store.VpcCidr);
        yield return new XElement(Ns + "vpcSet", matches
            ? new XElement(Ns + "item",
                new XElement(Ns + "vpcId", store.VpcId),
                new XElement(Ns + "ownerId", store.AccountId),
                new XElement(Ns + "state", "available"),
                new XElement(Ns + "cidrBlock", Ec2Store.VpcCidr),
                new XElement(Ns + "cidrBlockAssociationSet", new XElement(Ns + "item",
                    new XElement(Ns + "cidrBlock", Ec2Store.VpcCidr),
                    new XElement(Ns + "associationId", "vpc-cidr-assoc-local"),
                    new XElement(Ns + "cidrBlockState", new XElement(Ns + "state", "associated")))),
                new XElement(Ns + "dhcpOptionsId", "default"),
                new XElement(Ns + "instanceTenancy", "default"),
                new XElement(Ns + "isDefault", "true"),
                new XElement(Ns + "tagSet"))
            : null);
    }

    private IEnumerable<XElement> DescribeSubnets(QueryParams p)
    {
        var ids = p.List("SubnetId");
        var filters = Filters(p, "subnet-id", "vpc-id", "availability-zone", "default-for-az", "state");
        var subnets = store.Read(data =>
        {
            var missing = ids.Where(id => data.Subnets.All(s => s.SubnetId != id)).ToList();
            if (missing.Count > 0)
            {
                throw new ServiceError(400, "InvalidSubnetID.NotFound", $"The subnet ID '{string.Join("', '", missing)}' does not exist");
            }

            return data.Subnets
                .Where(s => ids.Count == 0 || ids.Contains(s.SubnetId))
                .Where(s => Matches(filters, "subnet-id", s.SubnetId) && Matches(filters, "vpc-id", store.VpcId)
                    && Matches(filters, "availability-zone", s.AvailabilityZone) && Matches(filters, "default-for-az", s.DefaultForAz ? "true" : "false")
                    && Matches(filters, "state", "available"))
                .Select(s => new XElement(Ns + "item",
                    new XElement(Ns + "subnetId", s.SubnetId),
                    new XElement(Ns + "subnetArn", $"arn:aws:ec2:{store.Region}:{store.AccountId}:subnet/{s.SubnetId}"),
                    new XElement(Ns + "state", "available"),
                    new XElement(Ns + "ownerId", store.AccountId),
                    new XElement(Ns + "vpcId", store.VpcId),
                    new XElement(Ns + "cidrBlock", s.CidrBlock),
                    new XElement(Ns + "availableIpAddressCount", "251"),
                    new XElement(Ns + "availabilityZone", s.AvailabilityZone),
                    new XElement(Ns + "defaultForAz", s.DefaultForAz ? "true" : "false"),
                    new XElement(Ns + "mapPublicIpOnLaunch", "false"),
                    new XElement(Ns + "assignIpv6AddressOnCreation", "false"),
                    new XElement(Ns + "tagSet")))
                .ToList();
        });
        yield return new XElement(Ns + "subnetSet", subnets);
    }

    // ---- filters and paging -----------------------------------------------------------------------------------

    private static Dictionary<string, IReadOnlyList<string>> Filters(QueryParams p, params string[] supported)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var filter in p.Members("Filter"))
        {
            var name = p.Get(filter + ".Name") ?? throw new ServiceError(400, "MissingParameter", $"{filter}.Name is required");
            if (!supported.Contains(name))
            {
                throw new ServiceError(400, "InvalidParameterValue", $"The filter '{name}' is invalid (the local endpoint supports {string.Join(", ", supported)})");
            }

            filters[name] = p.List(filter + ".Value");
        }

        return filters;
    }

    private static bool Matches(Dictionary<string, IReadOnlyList<string>> filters, string name, string value) =>
        !filters.TryGetValue(name, out var values) || values.Any(v => Glob(v, value));

    private static bool Glob(string pattern, string value) =>
        pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.IsMatch(value,
                "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$")
            : pattern == value;

    private static (int? MaxResults, int Offset) Paging(QueryParams p)
    {
        var max = p.Int("MaxResults");
        if (max is { } m && (m < 5 || m > 1000))
        {
            throw new ServiceError(400, "InvalidParameterValue", $"Value ( {m} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.");
        }

        var offset = 0;
        if (p.Get("NextToken") is { } token
            && !(int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset >= 0))
        {
            throw new ServiceError(400, "InvalidPaginationToken", $"The pagination token '{token}' is invalid");
        }

        return (max, offset);
    }

    private static (IReadOnlyList<XElement> Items, string? NextToken) Page<T>(IReadOnlyList<T> all, int? maxResults, int offset, Func<T, XElement> render)
    {
        var take = maxResults ?? int.MaxValue;
        var items = all.Skip(offset).Take(take).Select(render).ToList();
        var next = maxResults is not null && offset + items.Count < all.Count ? (offset + items.Count).ToString(CultureInfo.InvariantCulture) : null;
        return (items, next);
    }
}
