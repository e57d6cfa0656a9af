using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>Store: after a successful build, record the spec, the brokers and the planned connectors under the network's name.</summary>
public sealed class StoreNetworkStep(IBrokerService brokers, INetworkStore store, TimeProvider time)
{
    public async Task<StoredNetwork> RunAsync(string specJson, IReadOnlyList<EnsuredBroker> ensured, string? executionName, CancellationToken cancellationToken)
    {
        var spec = SpecReader.ReadValid(specJson);
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.FirstOrDefault(e => e.BrokerName == broker.Name)?.BrokerId ?? throw new BrokerMissingException(broker.Name);
            descriptions[broker.Name] = await brokers.DescribeBrokerAsync(id, cancellationToken);
        }
        var plan = NetworkPlanResult.FromDescriptions(spec, descriptions).Plan(spec);
        // The tag survives a lost execution history: a broker nob created in an earlier run is still nob's to delete.
        var stored = spec.Brokers.Select(b => new StoredBroker(b.Name, descriptions[b.Name].BrokerId,
            ensured.First(e => e.BrokerName == b.Name).Created || BrokerTags.CreatedFor(descriptions[b.Name], spec.NetworkName))).ToList();
        var connectors = ResultLines.Connectors(plan);
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
