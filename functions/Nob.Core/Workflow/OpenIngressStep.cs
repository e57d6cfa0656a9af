using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// Open ingress, as the tutorial's step 1: on each connector's target, TCP 61617 from the source broker's security
/// group when both are private in one VPC, otherwise from each source instance's IP as /32. Never 0.0.0.0/0.
/// With a verifier security group, also STOMP (61614) from it on every broker, so the verify function can reach them.
/// </summary>
public sealed class OpenIngressStep(ISecurityGroupService securityGroups)
{
    /// <param name="verifier">Where the verify function connects from: its security group (private brokers) and, for
    /// public brokers, the public addresses its traffic leaves the VPC with (NAT gateway IPs).</param>
    public async Task<IngressResult> RunAsync(NetworkSpec spec, NetworkPlanResult plan, VerifierSource? verifier, CancellationToken cancellationToken)
    {
        VerifierCidrs.Check(verifier);
        var rules = await new DesiredIngress(securityGroups).RulesAsync(spec, plan, verifier, cancellationToken);
        var outcomes = new List<IngressRuleOutcome>();
        foreach (var rule in rules)
        {
            outcomes.Add(new IngressRuleOutcome(rule, await securityGroups.AuthorizeIngressAsync(rule, cancellationToken)));
        }
        return new IngressResult(outcomes);
    }
}
