using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// Plan with real endpoints: describe every broker, then run the planner. Also decides how many brokers WriteRevisions
/// may reboot at once (the reboot stage's concurrency): a network whose brokers this build created carries no traffic yet, so
/// all of them at once; a network with a broker it adopted may be live, so a few at a time.
/// </summary>
public sealed class PlanNetworkStep(IBrokerService brokers)
{
    public async Task<NetworkPlanResult> RunAsync(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, CancellationToken cancellationToken)
    {
        var descriptions = await new BrokerDescriptions(brokers).OfEnsuredAsync(spec, ensured, cancellationToken);
        var allNew = ensured.Count > 0 && ensured.All(e => e.Created);
        return NetworkPlanResult.FromDescriptions(spec, descriptions) with { RebootConcurrency = allNew ? RebootConcurrency.NewNetwork : RebootConcurrency.LiveNetwork };
    }
}
