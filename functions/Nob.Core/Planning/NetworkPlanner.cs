using Nob.Core.Specs;

namespace Nob.Core.Planning;

/// <summary>
/// From a valid spec and each broker's OpenWire endpoints (on AWS from DescribeBroker; locally from the local
/// endpoint; for a dry run from <see cref="PlaceholderEndpoints"/>) to the connectors every broker must own.
/// Pure and deterministic: the same inputs give the same plan, connector names included.
/// </summary>
public static class NetworkPlanner
{
    public static NetworkPlan Plan(NetworkSpec spec, IReadOnlyDictionary<string, IReadOnlyList<string>> openWireEndpoints)
    {
        foreach (var broker in spec.Brokers)
        {
            if (!openWireEndpoints.TryGetValue(broker.Name, out var endpoints))
                throw new ArgumentException($"no OpenWire endpoints given for broker \"{broker.Name}\"", nameof(openWireEndpoints));
            if (endpoints.Count != broker.InstanceCount)
                throw new ArgumentException($"broker \"{broker.Name}\" ({broker.DeploymentMode}) has {endpoints.Count} OpenWire endpoint(s); expected {broker.InstanceCount}", nameof(openWireEndpoints));
            foreach (var endpoint in endpoints) OpenWireEndpoint.Check(endpoint, broker.Name);
        }

        var links = TopologyLinks.For(spec);
        var pairs = ConnectedPairs(spec.Brokers.Select(b => b.Name).ToList(), links);
        // A message, and the subscription that draws it, must cross as many brokers as the longest shortest path.
        var ttl = Math.Max(1, pairs.Count == 0 ? 1 : pairs.Max(p => p.Hops));
        static int Int(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var networkTtl = spec.ConnectorOptions.TryGetValue("networkTTL", out var nt) ? Int(nt) : ttl;
        var consumerTtl = spec.ConnectorOptions.TryGetValue("consumerTTL", out var ct) ? Int(ct) : networkTtl;
        var options = spec.ConnectorOptions
            .Where(o => o.Key is not ("duplex" or "networkTTL" or "consumerTTL"))
            .ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);

        var connectors = links.Select(link => new PlannedConnector(
            ConnectorNaming.Name(spec.NetworkName, link.From, link.To),
            link.From,
            link.To,
            OpenWireEndpoint.ConnectorUri(openWireEndpoints[link.To]),
            link.Duplex,
            networkTtl,
            consumerTtl,
            spec.User.Username,
            options)).ToList();

        var brokers = spec.Brokers.Select(b => new BrokerPlan(b, openWireEndpoints[b.Name], connectors.Where(c => c.Owner == b.Name).ToList())).ToList();
        return new NetworkPlan(spec.NetworkName, brokers, connectors, pairs, networkTtl);
    }

    /// <summary>Every ordered pair (sender, receiver) the links carry messages between, with a shortest path (BFS).</summary>
    public static IReadOnlyList<ConnectedPair> ConnectedPairs(IReadOnlyList<string> brokers, IReadOnlyList<Link> links)
    {
        var next = brokers.ToDictionary(b => b, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var link in links)
        {
            if (!next[link.From].Contains(link.To)) next[link.From].Add(link.To);
            if (link.Duplex && !next[link.To].Contains(link.From)) next[link.To].Add(link.From);
        }
        var pairs = new List<ConnectedPair>();
        foreach (var sender in brokers)
        {
            var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal) { [sender] = sender };
            var queue = new Queue<string>([sender]);
            var order = new List<string>();
            while (queue.Count > 0)
            {
                var at = queue.Dequeue();
                foreach (var to in next[at].Where(to => !cameFrom.ContainsKey(to)))
                {
                    cameFrom[to] = at;
                    queue.Enqueue(to);
                    order.Add(to);
                }
            }
            foreach (var receiver in brokers.Where(order.Contains))
            {
                var path = new List<string> { receiver };
                for (var at = receiver; at != sender; at = cameFrom[at]) path.Insert(0, cameFrom[at]);
                pairs.Add(new ConnectedPair(sender, receiver, path));
            }
        }
        return pairs;
    }
}

/// <summary>Names of the connectors this tool manages: <c>nob.NETWORK.FROM.to.TO</c>. Network and broker names never contain '.', so the prefix marks ours unambiguously.</summary>
public static class ConnectorNaming
{
    public static string ManagedPrefix(string networkName) => $"nob.{networkName}.";

    public static string Name(string networkName, string from, string to) => $"{ManagedPrefix(networkName)}{from}.to.{to}";

    public static bool IsManaged(string? connectorName, string networkName) =>
        connectorName is not null && connectorName.StartsWith(ManagedPrefix(networkName), StringComparison.Ordinal);
}

public static class OpenWireEndpoint
{
    /// <summary>The tutorial's forms: <c>static:(ssl://H:61617)</c> for one instance, <c>masterslave:(ssl://A:61617,ssl://B:61617)</c>, no spaces, for an active/standby pair.</summary>
    public static string ConnectorUri(IReadOnlyList<string> targetEndpoints) => targetEndpoints.Count switch
    {
        1 => $"static:({targetEndpoints[0]})",
        2 => $"masterslave:({targetEndpoints[0]},{targetEndpoints[1]})",
        _ => throw new ArgumentException($"a broker has one or two OpenWire endpoints, not {targetEndpoints.Count}", nameof(targetEndpoints)),
    };

    public static void Check(string endpoint, string brokerName)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != "ssl" || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath is not ("" or "/") || !string.IsNullOrEmpty(uri.Query) || endpoint.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"broker \"{brokerName}\": \"{endpoint}\" is not an OpenWire TLS endpoint of the form ssl://HOST:PORT");
        }
    }
}

/// <summary>Stand-in endpoints for planning before brokers exist: <c>ssl://NAME-1.broker.invalid:61617</c> (the reserved .invalid domain never resolves).</summary>
public static class PlaceholderEndpoints
{
    public const int OpenWirePort = 61617;

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> For(NetworkSpec spec) =>
        spec.Brokers.ToDictionary(
            b => b.Name,
            b => (IReadOnlyList<string>)[.. Enumerable.Range(1, b.InstanceCount).Select(i => $"ssl://{b.Name.ToLowerInvariant()}-{i}.broker.invalid:{OpenWirePort}")],
            StringComparer.Ordinal);
}
