using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// The ingress rules a network needs, as the tutorial's step 1 opens them: on each connector's target, TCP 61617 from the
/// source broker's security group when both are private in one VPC, otherwise from each source instance's IP as /32 (never
/// 0.0.0.0/0); with a verifier, STOMP (61614) from it on every broker. OpenIngress opens them, the drift check and the
/// converged check compare them, teardown keeps those another network still needs.
/// </summary>
public sealed class DesiredIngress(ISecurityGroupService securityGroups)
{
    public const int OpenWirePort = 61617;
    public const int StompPort = 61614;

    /// <summary>Every description nob gives a rule starts with this, so teardown can find exactly the rules nob added.</summary>
    public static string DescriptionPrefix(string networkName) => $"nob {networkName} ";

    /// <summary>Every rule the network needs: the connectors' OpenWire rules and, with a verifier, its STOMP rules.</summary>
    public async Task<IReadOnlyList<IngressRule>> RulesAsync(NetworkSpec spec, NetworkPlanResult plan, VerifierSource? verifier, CancellationToken cancellationToken)
    {
        var rules = (await ConnectorRulesAsync(spec, plan, cancellationToken)).ToList();
        if (verifier is not null)
        {
            var description = $"{DescriptionPrefix(plan.NetworkName)}bridge verification (STOMP)";
            foreach (var broker in plan.Brokers)
            {
                foreach (var group in broker.SecurityGroups)
                {
                    if (!broker.PubliclyAccessible && verifier.SecurityGroupId is { } source)
                        rules.Add(new IngressRule(group, StompPort, null, source, description));
                    if (broker.PubliclyAccessible)
                        rules.AddRange(verifier.PublicCidrs.Select(cidr => new IngressRule(group, StompPort, cidr, null, description)));
                }
            }
            rules = rules.DistinctBy(r => (r.SecurityGroupId, r.Port, r.SourceCidr, r.SourceSecurityGroupId)).ToList();
        }
        return rules;
    }

    /// <summary>The connectors' OpenWire rules alone: on each target, from the source's group in one VPC, else from its instances' IPs.</summary>
    public async Task<IReadOnlyList<IngressRule>> ConnectorRulesAsync(NetworkSpec spec, NetworkPlanResult plan, CancellationToken cancellationToken)
    {
        var byName = plan.Brokers.ToDictionary(b => b.BrokerName, StringComparer.Ordinal);
        var allGroups = plan.Brokers.SelectMany(b => b.SecurityGroups).Distinct(StringComparer.Ordinal).ToList();
        var vpcs = allGroups.Count == 0 ? new Dictionary<string, string>() : await securityGroups.GetVpcIdsAsync(allGroups, cancellationToken);
        var rules = new List<IngressRule>();
        foreach (var connector in plan.Plan(spec).Connectors)
        {
            var source = byName[connector.Owner];
            var target = byName[connector.Target];
            var description = Truncate($"{DescriptionPrefix(plan.NetworkName)}{connector.Name}", 255);
            foreach (var group in target.SecurityGroups)
            {
                var sameVpcGroup = !source.PubliclyAccessible && !target.PubliclyAccessible
                    ? source.SecurityGroups.FirstOrDefault(g => vpcs.TryGetValue(g, out var v) && vpcs.TryGetValue(group, out var t) && v == t)
                    : null;
                if (sameVpcGroup is not null)
                {
                    rules.Add(new IngressRule(group, OpenWirePort, null, sameVpcGroup, description));
                    continue;
                }
                if (source.IpAddresses.Count == 0)
                    throw new BrokerNotUsableException(source.BrokerName, "it reports no instance IP address, so no ingress rule can name it");
                rules.AddRange(source.IpAddresses.Select(ip => new IngressRule(group, OpenWirePort, $"{ip}/32", null, description)));
            }
        }
        return rules.DistinctBy(r => (r.SecurityGroupId, r.Port, r.SourceCidr, r.SourceSecurityGroupId)).ToList();
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
