using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>
/// Drift check: compares what exists on AWS with the stored network. Every broker must exist, be RUNNING, have no
/// pending revision, the common user and no pending user change, and its current revision must hold exactly the planned
/// managed connectors (the user's own XML and other networks' connectors are not drift); every planned ingress rule
/// must be open. Bridges are proven afterwards by the Verify
/// step, which needs the returned plan; the plan is null when a broker is missing or not RUNNING.
/// </summary>
public sealed class CheckDriftStep(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore store, VerifierSource? verifier, TimeProvider time)
{
    public async Task<DriftCheck> RunAsync(string networkName, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(networkName, cancellationToken) ?? throw new NetworkNotFoundException(networkName);
        // Through the memo: VerifyBridge gets this text passed on, so it reads the same instance and PlanMemo has its plan.
        var spec = SpecMemo.ReadValid(record.SpecJson);
        var comparison = await new NetworkComparer(brokers, securityGroups, verifier).CompareAsync(spec, ComparisonScope.Drift, cancellationToken);
        return new DriftCheck(spec.NetworkName, record.SpecJson, comparison.Plan, DriftReport.From(spec.NetworkName, comparison.Findings, time.GetUtcNow()));
    }
}
