using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>
/// Plan a teardown: the stored spec, or the one given when nothing is stored; the broker list and the schedule of its
/// wait loops. With no record (a first build that failed before storing it), the brokers nob tagged for the network
/// are found too (ListBrokers, then each broker's tags), so none that build created is left behind.
/// </summary>
public sealed class PlanTeardownStep(INetworkStore store, IBrokerService? brokers = null)
{
    /// <summary>The teardown state machine's Map MaxConcurrency (statemachine/teardown-network.asl.json).</summary>
    public const int TeardownConcurrency = 10;

    /// <param name="given">A spec given along (null: none): used when nothing is stored, and its brokers are torn down too.</param>
    /// <param name="polling">A <c>polling</c> to wait by instead of the spec's (local mode's, whose brokers start and stop in
    /// seconds, whatever polling the stored spec has); the handler validated it as a spec's.</param>
    public async Task<TeardownPlan> RunAsync(string networkName, GivenSpec? given, CancellationToken cancellationToken, PollingSpec? polling = null)
    {
        var record = await store.GetAsync(networkName, cancellationToken);
        // The spec's own brokers are looked at by TeardownBroker anyway: only the others need their tags read here.
        var known = given?.Spec is { } named ? named.Brokers.Select(b => b.Name).ToHashSet(StringComparer.Ordinal) : [];
        var tagged = record is null && brokers is not null ? await TaggedBrokersAsync(brokers, networkName, known, cancellationToken) : [];
        if (record is null && given is null && tagged.Count > 0)
            throw new NetworkNotFoundException(networkName, $"Network \"{networkName}\" is not stored, but nob created broker(s) for it: {string.Join(", ", tagged)}; "
                + "give its spec to tear it down (nob down SPEC, or the spec in the teardown request)");
        // The stored spec was valid when it was stored; a given one is used, and must be valid, only when nothing is.
        var (json, spec) = record is not null ? (record.SpecJson, SpecMemo.ReadValid(record.SpecJson))
            : given is not null ? (given.Json, given.Valid)
            : throw new NetworkNotFoundException(networkName);
        if (spec.NetworkName != networkName)
            throw new NetworkNotFoundException(networkName, $"Network \"{networkName}\" is not stored, and the spec given is for network \"{spec.NetworkName}\"");
        // Every broker the network may have: the stored spec's, those it retired, and those of a spec given along (a newer
        // spec whose build failed before it was stored may have created brokers the record does not know yet).
        var names = spec.Brokers.Select(b => b.Name)
            .Concat(record?.RetiredBrokers?.Select(b => b.BrokerName) ?? [])
            .Concat(given?.Spec is { } newer && newer.NetworkName == networkName ? newer.Brokers.Select(b => b.Name) : [])
            .Concat(tagged)
            .Distinct(StringComparer.Ordinal).ToList();
        // The teardown Map runs 10 brokers at once: the rate bound is worked out for that many loops.
        return new TeardownPlan(networkName, json, names, PollPlan.For(polling ?? spec.Polling, Math.Min(names.Count, TeardownConcurrency)), record is not null);
    }

    /// <summary>The names of the brokers that carry nob's tag for this network (any state but being deleted).</summary>
    /// <param name="skip">Names not to look at (already in the plan).</param>
    static async Task<IReadOnlyList<string>> TaggedBrokersAsync(IBrokerService brokers, string networkName, IReadOnlySet<string> skip,
        CancellationToken cancellationToken)
    {
        var listed = await new BrokerDescriptions(brokers).ListedAsync(
            s => s.BrokerState != BrokerStates.DeletionInProgress && !skip.Contains(s.BrokerName), cancellationToken);
        return [.. listed.Where(d => BrokerTags.CreatedFor(d, networkName)).Select(d => d.BrokerName)];
    }
}
