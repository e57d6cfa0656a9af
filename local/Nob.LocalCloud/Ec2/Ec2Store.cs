using System.Globalization;
using System.Security.Cryptography;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.Ec2;

internal sealed class Ec2Data
{
    public List<SecurityGroupRecord> SecurityGroups { get; set; } = [];

    public List<SubnetRecord> Subnets { get; set; } = [];
}

internal sealed class SecurityGroupRecord
{
    public string GroupId { get; set; } = "";

    public string GroupName { get; set; } = "";

    public string Description { get; set; } = "";

    public string VpcId { get; set; } = "";

    public bool IsDefault { get; set; }

    public List<RuleRecord> Ingress { get; set; } = [];

    public List<RuleRecord> Egress { get; set; } = [];

    public Dictionary<string, string> Tags { get; set; } = [];
}

/// <summary>One rule: a protocol and port range from one source (an IPv4/IPv6 range or a security group).</summary>
internal sealed class RuleRecord
{
    public string RuleId { get; set; } = "";

    /// <summary><c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>icmpv6</c>, a protocol number, or <c>-1</c> (all).</summary>
    public string Protocol { get; set; } = "";

    public int? FromPort { get; set; }

    public int? ToPort { get; set; }

    public string? CidrIpv4 { get; set; }

    public string? CidrIpv6 { get; set; }

    public string? SourceGroupId { get; set; }

    public string? Description { get; set; }

    public bool SameAs(RuleRecord other) =>
        Protocol == other.Protocol && FromPort == other.FromPort && ToPort == other.ToPort
        && CidrIpv4 == other.CidrIpv4 && CidrIpv6 == other.CidrIpv6 && SourceGroupId == other.SourceGroupId;

    /// <summary>As EC2 words a rule in InvalidPermission.* messages.</summary>
    public string Describe() =>
        $"peer: {CidrIpv4 ?? CidrIpv6 ?? SourceGroupId}, {(Protocol == "-1" ? "ALL" : Protocol.ToUpperInvariant())}" +
        (FromPort is { } from ? $", from port: {from.ToString(CultureInfo.InvariantCulture)}" : "") +
        (ToPort is { } to ? $", to port: {to.ToString(CultureInfo.InvariantCulture)}" : "") + ", ALLOW";
}

internal sealed class SubnetRecord
{
    public string SubnetId { get; set; } = "";

    public string AvailabilityZone { get; set; } = "";

    public string CidrBlock { get; set; } = "";

    public bool DefaultForAz { get; set; }
}

/// <summary>
/// The EC2 state: one VPC, its subnets and security groups, their rules (recorded, not enforced). Amazon MQ's side creates
/// a security group or subnet implicitly the first time a broker names it, so that describing it works as on AWS.
/// </summary>
internal sealed class Ec2Store
{
    private readonly object _gate = new();
    private readonly JsonStateFile<Ec2Data> _file;
    private readonly Ec2Data _data;

    public Ec2Store(string path, string vpcId, string region, string accountId)
    {
        _file = new JsonStateFile<Ec2Data>(path);
        _data = _file.Load();
        VpcId = vpcId;
        Region = region;
        AccountId = accountId;
    }

    public string VpcId { get; }

    public string Region { get; }

    public string AccountId { get; }

    public const string VpcCidr = "127.0.0.0/8";

    /// <summary>Runs <paramref name="action"/> on the state under the lock; saves when it returns true in <c>changed</c>.</summary>
    public T Write<T>(Func<Ec2Data, (T Result, bool Changed)> action)
    {
        lock (_gate)
        {
            var (result, changed) = action(_data);
            if (changed)
            {
                _file.Save(_data);
            }

            return result;
        }
    }

    public T Read<T>(Func<Ec2Data, T> read)
    {
        lock (_gate)
        {
            return read(_data);
        }
    }

    /// <summary>The VPC's default security group (made on first use).</summary>
    public string DefaultSecurityGroupId() => Write(data =>
    {
        if (data.SecurityGroups.FirstOrDefault(g => g.IsDefault) is { } existing)
        {
            return (existing.GroupId, false);
        }

        var group = new SecurityGroupRecord
        {
            GroupId = NewId("sg"),
            GroupName = "default",
            Description = "default VPC security group",
            VpcId = VpcId,
            IsDefault = true,
        };
        group.Ingress.Add(new RuleRecord { RuleId = NewId("sgr"), Protocol = "-1", SourceGroupId = group.GroupId });
        group.Egress.Add(new RuleRecord { RuleId = NewId("sgr"), Protocol = "-1", CidrIpv4 = "0.0.0.0/0" });
        data.SecurityGroups.Add(group);
        return (group.GroupId, true);
    });

    /// <summary>Creates the named security groups that do not exist yet (what a broker names exists on AWS).</summary>
    public void EnsureSecurityGroups(IEnumerable<string> groupIds, string createdFor) => Write(data =>
    {
        var changed = false;
        foreach (var id in groupIds.Distinct(StringComparer.Ordinal))
        {
            if (data.SecurityGroups.Any(g => g.GroupId == id))
            {
                continue;
            }

            data.SecurityGroups.Add(new SecurityGroupRecord
            {
                GroupId = id,
                GroupName = id,
                Description = $"made by the local endpoint when {createdFor} named it",
                VpcId = VpcId,
                Egress = [new RuleRecord { RuleId = NewId("sgr"), Protocol = "-1", CidrIpv4 = "0.0.0.0/0" }],
            });
            changed = true;
        }

        return (0, changed);
    });

    /// <summary>Creates the named subnets that do not exist yet.</summary>
    public void EnsureSubnets(IEnumerable<string> subnetIds) => Write(data =>
    {
        var changed = false;
        foreach (var id in subnetIds.Distinct(StringComparer.Ordinal))
        {
            if (data.Subnets.Any(s => s.SubnetId == id))
            {
                continue;
            }

            AddSubnet(data, id, defaultForAz: false);
            changed = true;
        }

        return (0, changed);
    });

    /// <summary>The first <paramref name="count"/> default subnets (one per availability zone), made on first use.</summary>
    public IReadOnlyList<string> DefaultSubnets(int count) => Write(data =>
    {
        var changed = false;
        while (data.Subnets.Count(s => s.DefaultForAz) < count)
        {
            AddSubnet(data, NewId("subnet"), defaultForAz: true);
            changed = true;
        }

        return ((IReadOnlyList<string>)[.. data.Subnets.Where(s => s.DefaultForAz).Take(count).Select(s => s.SubnetId)], changed);
    });

    private void AddSubnet(Ec2Data data, string id, bool defaultForAz)
    {
        var n = data.Subnets.Count;
        data.Subnets.Add(new SubnetRecord
        {
            SubnetId = id,
            AvailabilityZone = Region + (char)('a' + (n % 6)),
            CidrBlock = $"127.0.{(n + 1).ToString(CultureInfo.InvariantCulture)}.0/24",
            DefaultForAz = defaultForAz,
        });
    }

    /// <summary>An id in EC2's style: prefix, dash, 17 hex digits.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(9)).ToLowerInvariant()[..17]}";
}
