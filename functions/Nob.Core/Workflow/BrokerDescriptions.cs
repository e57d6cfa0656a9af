using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// Brokers as DescribeBroker reports them, found the ways the steps need: by name (a listing, then a describe), by the ids
/// a build ensured, or every listed broker a filter keeps. Amazon MQ has no describe by name, and a broker listed a
/// moment ago may be deleted before it is described; each method says what that means for its callers.
/// </summary>
public sealed class BrokerDescriptions(IBrokerService brokers)
{
    /// <summary>
    /// The broker of this name, or null when none has it. One deleted between the listing and the describe fails
    /// (<see cref="BrokerMissingException"/>, as DescribeBroker does): for a caller that must not take it as absent.
    /// </summary>
    public async Task<BrokerDescription?> FindAsync(string brokerName, CancellationToken cancellationToken) =>
        await brokers.FindBrokerByNameAsync(brokerName, cancellationToken) is { } found
            ? await brokers.DescribeBrokerAsync(found.BrokerId, cancellationToken)
            : null;

    /// <summary>The broker of this name, or null when none has it or it was deleted since it was listed.</summary>
    public async Task<BrokerDescription?> FindExistingAsync(string brokerName, CancellationToken cancellationToken) =>
        await brokers.FindBrokerByNameAsync(brokerName, cancellationToken) is { } found
            ? await DescribeUnlessGoneAsync(found.BrokerId, cancellationToken)
            : null;

    /// <summary>Each named broker that exists (one deleted since it was listed is left out), by name.</summary>
    public async Task<Dictionary<string, BrokerDescription>> FindExistingAsync(IEnumerable<string> brokerNames, CancellationToken cancellationToken)
    {
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        foreach (var name in brokerNames)
        {
            if (await FindExistingAsync(name, cancellationToken) is { } description) descriptions[name] = description;
        }
        return descriptions;
    }

    /// <summary>Every broker of the spec by the id the build ensured for it (<see cref="BrokerMissingException"/> for one it did not, or that is gone).</summary>
    public async Task<Dictionary<string, BrokerDescription>> OfEnsuredAsync(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, CancellationToken cancellationToken)
    {
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.FirstOrDefault(e => e.BrokerName == broker.Name)?.BrokerId ?? throw new BrokerMissingException(broker.Name);
            descriptions[broker.Name] = await brokers.DescribeBrokerAsync(id, cancellationToken);
        }
        return descriptions;
    }

    /// <summary>Every broker one ListBrokers shows that <paramref name="include"/> keeps, described, in the listing's order (one deleted meanwhile is left out).</summary>
    public async Task<IReadOnlyList<BrokerDescription>> ListedAsync(Func<BrokerSummary, bool> include, CancellationToken cancellationToken)
    {
        var descriptions = new List<BrokerDescription>();
        foreach (var summary in await brokers.ListBrokersAsync(cancellationToken))
        {
            if (include(summary) && await DescribeUnlessGoneAsync(summary.BrokerId, cancellationToken) is { } description) descriptions.Add(description);
        }
        return descriptions;
    }

    async Task<BrokerDescription?> DescribeUnlessGoneAsync(string brokerId, CancellationToken cancellationToken)
    {
        try
        {
            return await brokers.DescribeBrokerAsync(brokerId, cancellationToken);
        }
        catch (BrokerMissingException)
        {
            return null; // deleted since it was listed
        }
    }
}
