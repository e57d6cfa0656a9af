using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>
/// The converged check's answer. When <see cref="Converged"/>, it carries exactly what the slow path (EnsureBrokers,
/// PlanNetwork, OpenIngress, WriteRevisions) would leave for Verify, StoreNetwork and Summarize on a network that
/// already matches the spec: every broker adopted (Created false), the plan with the real endpoints, every ingress
/// rule already there (Added false), every revision unwritten and needing no reboot. Otherwise those are null and
/// <see cref="Differences"/> says why the build takes the slow path.
/// </summary>
public sealed record ConvergedCheck(
    bool Converged,
    IReadOnlyList<string> Differences,
    IReadOnlyList<EnsuredBroker>? Brokers,
    NetworkPlanResult? Plan,
    IngressResult? Ingress,
    IReadOnlyList<RevisionResult>? Revisions);

/// <summary>
/// Check converged: in one invocation, whether the network already is what the spec asks for, so a re-run can go
/// straight to Verify. Uses the drift check's comparison (<see cref="NetworkComparer"/>) on the given spec, plus what
/// the build alone cares about: the common user on every broker with no user change pending, and brokers the build
/// could adopt (engine and deployment mode as <see cref="EnsureBrokerStep"/> requires; the slow path then fails on it by
/// name), and the password parameter's version on every broker (a rotated password is pending). It stops at the first difference.
/// </summary>
public sealed class CheckConvergedStep(IBrokerService brokers, ISecurityGroupService securityGroups, IParameterStore parameters, VerifierSource? verifier)
{
    public async Task<ConvergedCheck> RunAsync(NetworkSpec spec, CancellationToken cancellationToken)
    {
        var comparison = await new NetworkComparer(brokers, securityGroups, verifier).CompareAsync(spec, ComparisonScope.Build, cancellationToken);
        var differences = comparison.Findings.Select(f => f.Detail).ToList();
        if (differences.Count > 0 || comparison.Plan is not { } plan) return new ConvergedCheck(false, differences, null, null, null, null);

        // A rotated password (the parameter's version differs from a broker's nob:password-version tag) is work for the build.
        var version = await parameters.GetVersionAsync(spec.User.PasswordParameter, cancellationToken);
        var rotation = spec.Brokers.Select(b => comparison.Descriptions[b.Name]).FirstOrDefault(d => !BrokerTags.HasPasswordVersion(d, version));
        if (rotation is not null)
        {
            var tagged = rotation.Tags.TryGetValue(BrokerTags.PasswordVersion, out var t) ? $"version {t}" : "no recorded version";
            return new ConvergedCheck(false, [$"password rotation pending: broker \"{rotation.BrokerName}\" has {tagged} of {spec.User.PasswordParameter}, which is at version {version}"],
                null, null, null, null);
        }

        var ensured = spec.Brokers.Select(b => new EnsuredBroker(b.Name, comparison.Descriptions[b.Name].BrokerId, Created: false, WaitPhases.Creation, BrokerRecreation.None)).ToList();
        var ingress = new IngressResult([.. comparison.DesiredIngress.Select(r => new IngressRuleOutcome(r, Added: false))]);
        var revisions = spec.Brokers.Select(b =>
        {
            var d = comparison.Descriptions[b.Name];
            var current = d.CurrentConfiguration!; // the comparison found a current revision on every broker
            return new RevisionResult(b.Name, d.BrokerId, current.Id, current.Revision, Written: false, RebootRequired: false, [], [], [], UserCreated: false);
        }).ToList();
        return new ConvergedCheck(true, [], ensured, plan, ingress, revisions);
    }
}
