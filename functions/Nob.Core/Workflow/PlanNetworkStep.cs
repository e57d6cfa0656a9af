using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// Plan with real endpoints: describe every broker, then run the planner. Also decides how many brokers WriteRevisions
/// may reboot at once (the reboot stage's concurrency): a network whose brokers this build created carries no traffic yet, so
/// all of them at once; a network with a broker it adopted may be live, so a few at a time.
/// </summary>
public sealed class PlanNetworkStep(IBrokerService brokers)
{
    /// <summary>Brokers rebooted at once when any was adopted: a live network keeps most of its brokers up.</summary>
    public const int LiveNetworkRebootConcurrency = 10;

    /// <summary>Brokers rebooted at once when this build created all of them: every broker of the largest network a spec
    /// allows, in one wave; the burst of Amazon MQ calls relies on the clients' throttling retries, as EnsureBrokers' creations do.</summary>
    public const int NewNetworkRebootConcurrency = Specs.SpecReader.MaxBrokersPerNetwork;

    public async Task<NetworkPlanResult> RunAsync(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, CancellationToken cancellationToken)
    {
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.FirstOrDefault(e => e.BrokerName == broker.Name)?.BrokerId ?? throw new BrokerMissingException(broker.Name);
            descriptions[broker.Name] = await brokers.DescribeBrokerAsync(id, cancellationToken);
        }
        var allNew = ensured.Count > 0 && ensured.All(e => e.Created);
        return FromDescriptions(spec, descriptions) with { RebootConcurrency = allNew ? NewNetworkRebootConcurrency : LiveNetworkRebootConcurrency };
    }

    /// <summary>The plan from the brokers' descriptions (keyed by broker name); the drift check uses it too.</summary>
    public static NetworkPlanResult FromDescriptions(NetworkSpec spec, IReadOnlyDictionary<string, BrokerDescription> descriptions)
    {
        var result = new NetworkPlanResult(spec.NetworkName, [.. spec.Brokers.Select(b =>
        {
            var d = descriptions[b.Name];
            return new BrokerWork(b.Name, d.BrokerId, d.PubliclyAccessible, d.SecurityGroups,
                [.. d.Instances.Select(i => i.IpAddress).OfType<string>()], d.OpenWireEndpoints, d.StompEndpoints);
        })]);
        result.Plan(spec); // fails here, by name, if an endpoint is missing or malformed
        return result;
    }
}
