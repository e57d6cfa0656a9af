using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>
/// Store: after a successful build, record the spec, the brokers and the planned connectors under the network's name.
/// Everything comes from the execution: the plan PlanNetwork (or the converged check) made, with each broker's id,
/// endpoints and whether it carries nob's tag, and what EnsureBroker did; no broker is described again.
/// </summary>
public sealed class StoreNetworkStep(INetworkStore store, TimeProvider time)
{
    /// <param name="specJson">The spec as the user gave it: what the record keeps (a later drift check or teardown reads it).</param>
    public async Task<StoredNetwork> RunAsync(NetworkSpec spec, string specJson, NetworkPlanResult plan, IReadOnlyList<EnsuredBroker> ensured,
        string? executionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        var planned = spec.Brokers.Select(b => (Spec: b, Ensured: ensured.FirstOrDefault(e => e.BrokerName == b.Name) ?? throw new BrokerMissingException(b.Name),
            Work: plan.Brokers.FirstOrDefault(w => w.BrokerName == b.Name) ?? throw new BrokerMissingException(b.Name))).ToList();
        // The tag survives a lost execution history: a broker nob created in an earlier run is still nob's to delete.
        var stored = planned.Select(b => new StoredBroker(b.Spec.Name, b.Work.BrokerId, b.Ensured.Created || b.Work.TaggedForNetwork)).ToList();
        var connectors = ResultLines.Connectors(plan.Plan(spec));
        // Brokers nob created for an earlier version of the spec stay nob's to delete at teardown: carry them forward.
        var previous = await store.GetAsync(spec.NetworkName, cancellationToken);
        var named = stored.Select(b => b.BrokerName).ToHashSet(StringComparer.Ordinal);
        var retired = (previous?.RetiredBrokers ?? []).Concat(previous?.Brokers.Where(b => b.Created) ?? [])
            .Where(b => !named.Contains(b.BrokerName)).DistinctBy(b => b.BrokerName).ToList();
        var record = new NetworkRecord(NetworkRecord.CurrentSchemaVersion, spec.NetworkName, specJson, stored, connectors, time.GetUtcNow(), executionName,
            retired.Count == 0 ? null : retired);
        await store.PutAsync(record, cancellationToken);
        return new StoredNetwork(spec.NetworkName, NetworkRecord.ParameterName(spec.NetworkName), stored.Count, connectors.Count);
    }
}
