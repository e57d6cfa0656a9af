using Nob.Core.Specs;

namespace Nob.Core.Planning;

/// <summary>What the network must look like: per broker, the connectors it owns; and which brokers reach which.</summary>
public sealed record NetworkPlan(
    string NetworkName,
    IReadOnlyList<BrokerPlan> Brokers,
    IReadOnlyList<PlannedConnector> Connectors,
    IReadOnlyList<ConnectedPair> ConnectedPairs,
    int NetworkTtl)
{
    public BrokerPlan Broker(string name) =>
        Brokers.FirstOrDefault(b => b.Name == name) ?? throw new KeyNotFoundException($"no broker named \"{name}\" in the plan of \"{NetworkName}\"");
}

public sealed record BrokerPlan(BrokerSpec Spec, IReadOnlyList<string> OpenWireEndpoints, IReadOnlyList<PlannedConnector> Connectors)
{
    public string Name => Spec.Name;
}

/// <summary>A network connector as it goes into its owner's configuration. Carries a user name, never a password.</summary>
public sealed record PlannedConnector(
    string Name,
    string Owner,
    string Target,
    string Uri,
    bool Duplex,
    int NetworkTtl,
    int ConsumerTtl,
    string UserName,
    IReadOnlyDictionary<string, string> Options)
{
    /// <summary>Every XML attribute of the connector, managed ones first, then the spec's connectorOptions by name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes()
    {
        var managed = new List<KeyValuePair<string, string>>
        {
            new("name", Name),
            new("uri", Uri),
            new("userName", UserName),
            new("duplex", Duplex ? "true" : "false"),
            new("networkTTL", NetworkTtl.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("consumerTTL", ConsumerTtl.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var taken = managed.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        return [.. managed, .. Options.Where(o => !taken.Contains(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal)];
    }
}

/// <summary>A sender whose messages the topology promises to deliver to a receiver, and the shortest way there.</summary>
public sealed record ConnectedPair(string Sender, string Receiver, IReadOnlyList<string> Path)
{
    public int Hops => Path.Count - 1;
}
