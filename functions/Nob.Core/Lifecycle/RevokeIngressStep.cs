using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>
/// Revoke ingress: removes every rule on the brokers' security groups whose description starts with
/// <see cref="DesiredIngress.DescriptionPrefix"/> for this network, i.e. exactly the rules nob added for it, except
/// those another stored network still needs. EC2 keeps one rule per group, port and source, so when two networks need
/// the same rule it carries the description of whichever added it first. Rules others added keep their own
/// descriptions and stay.
/// </summary>
public sealed class RevokeIngressStep(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore store, VerifierSource? verifier)
{
    /// <param name="brokerNames">The teardown plan's brokers (those of a spec nob retired, or found by nob's tag, too); null: the spec's.</param>
    public async Task<IReadOnlyList<IngressRule>> RunAsync(NetworkSpec spec, CancellationToken cancellationToken, IReadOnlyList<string>? brokerNames = null)
    {
        var groups = spec.Brokers.SelectMany(b => b.SecurityGroups).ToHashSet(StringComparer.Ordinal);
        var found = new BrokerDescriptions(brokers);
        foreach (var name in spec.Brokers.Select(b => b.Name).Concat(brokerNames ?? []).Distinct(StringComparer.Ordinal))
        {
            // A broker created without explicit groups gets the VPC default; Amazon MQ reports the groups it really has.
            if (await found.FindAsync(name, cancellationToken) is { } broker) groups.UnionWith(broker.SecurityGroups);
        }
        if (groups.Count == 0) return [];

        var prefix = DesiredIngress.DescriptionPrefix(spec.NetworkName);
        var ours = (await securityGroups.DescribeIngressAsync([.. groups.Order(StringComparer.Ordinal)], cancellationToken))
            .Where(r => r.Description?.StartsWith(prefix, StringComparison.Ordinal) == true && r.Protocol == "tcp" && r.FromPort == r.ToPort)
            .Select(r => new IngressRule(r.SecurityGroupId, r.FromPort, r.SourceCidr, r.SourceSecurityGroupId, r.Description!))
            .ToList();
        if (ours.Count == 0) return [];
        var stillNeeded = await NeededByOtherNetworksAsync(spec.NetworkName, cancellationToken);
        var revoked = new List<IngressRule>();
        foreach (var rule in ours.Where(r => !stillNeeded.Contains(Key(r)) && !stillNeeded.Contains((r.SecurityGroupId, 0, null, null))))
        {
            if (await securityGroups.RevokeIngressAsync(rule, cancellationToken)) revoked.Add(rule);
        }
        return revoked;
    }

    static (string Group, int Port, string? Cidr, string? SourceGroup) Key(IngressRule r) => (r.SecurityGroupId, r.Port, r.SourceCidr, r.SourceSecurityGroupId);

    /// <summary>
    /// The rules every other stored network needs, planned from its spec and its brokers as they are now. A network that
    /// cannot be planned (a broker missing) protects every rule on its brokers' groups, written as (group, 0, null, null).
    /// </summary>
    async Task<HashSet<(string Group, int Port, string? Cidr, string? SourceGroup)>> NeededByOtherNetworksAsync(string networkName, CancellationToken cancellationToken)
    {
        var needed = new HashSet<(string, int, string?, string?)>();
        foreach (var other in await store.ListNetworkNamesAsync(cancellationToken))
        {
            if (other == networkName || await store.GetAsync(other, cancellationToken) is not { } record) continue;
            if (SpecMemo.Read(record.SpecJson).Spec is not { } spec) continue;
            // A broker missing, or deleted since it was listed: that network cannot be planned; its groups are protected below.
            var descriptions = await new BrokerDescriptions(brokers).FindExistingAsync(spec.Brokers.Select(b => b.Name), cancellationToken);
            var otherGroups = spec.Brokers.SelectMany(b => b.SecurityGroups).Concat(descriptions.Values.SelectMany(d => d.SecurityGroups))
                .ToHashSet(StringComparer.Ordinal);
            if (descriptions.Count == spec.Brokers.Count && await DesiredRulesOrNullAsync(spec, descriptions, cancellationToken) is { } rules)
            {
                foreach (var rule in rules) needed.Add(Key(rule));
            }
            else
            {
                foreach (var group in otherGroups) needed.Add((group, 0, null, null));
            }
        }
        return needed;
    }

    /// <summary>The network's rules, or null when a broker cannot be planned yet (e.g. still being created, no address).</summary>
    async Task<IReadOnlyList<IngressRule>?> DesiredRulesOrNullAsync(NetworkSpec spec, Dictionary<string, BrokerDescription> descriptions, CancellationToken cancellationToken)
    {
        try
        {
            return await new DesiredIngress(securityGroups).RulesAsync(spec, NetworkPlanResult.FromDescriptions(spec, descriptions), verifier, cancellationToken);
        }
        catch (Exception e) when (e is BrokerNotUsableException or ArgumentException)
        {
            // No address for an ingress rule, or no endpoint for a connector yet (the planner's ArgumentException).
            return null;
        }
    }
}
