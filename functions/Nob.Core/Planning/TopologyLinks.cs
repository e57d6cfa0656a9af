using Nob.Core.Specs;

namespace Nob.Core.Planning;

/// <summary>
/// One network connector: it lives in <see cref="From"/>'s configuration and dials <see cref="To"/>.
/// Messages flow From→To, and To→From as well when <see cref="Duplex"/>.
/// </summary>
public sealed record Link(string From, string To, bool Duplex);

/// <summary>
/// Turns a topology into links. Mesh, hub-and-spoke and tree connect both ways: one duplex connector per pair, or
/// two one-way connectors when duplex is switched off. Source-sink and concentrator are one-way by nature
/// (source→sink duplex by default as in the Amazon MQ tutorial; concentrators one-way by default).
/// </summary>
public static class TopologyLinks
{
    public static IReadOnlyList<Link> For(NetworkSpec spec)
    {
        var names = spec.Brokers.Select(b => b.Name).ToList();
        spec.ConnectorOptions.TryGetValue("duplex", out var duplexOption);
        bool Duplex(bool topologyDefault) => duplexOption is null ? topologyDefault : duplexOption == "true";

        return spec.Topology switch
        {
            SourceSinkTopology t => [.. from s in t.Sources from k in t.Sinks select new Link(s, k, Duplex(true))],
            HubAndSpokeTopology t => BothWays(names.Where(n => n != t.Hub).Select(s => (s, t.Hub)), Duplex(true)),
            MeshTopology => BothWays(MeshPairs(names), Duplex(true)),
            ConcentratorTopology t => [.. from s in names.Where(n => !t.Concentrators.Contains(n)) from c in t.Concentrators select new Link(s, c, Duplex(false))],
            TreeTopology t => BothWays(names.Where(t.Parents.ContainsKey).Select(c => (c, t.Parents[c])), Duplex(true)),
            CustomTopology t => [.. t.Connectors.Select(c => new Link(c.From, c.To, c.Duplex ?? Duplex(false)))],
            _ => throw new NotSupportedException($"topology \"{spec.Topology.Type}\" has no link rule"),
        };
    }

    static List<Link> BothWays(IEnumerable<(string Owner, string Target)> pairs, bool duplex)
    {
        var list = pairs.ToList();
        return duplex
            ? [.. list.Select(p => new Link(p.Owner, p.Target, true))]
            : [.. list.Select(p => new Link(p.Owner, p.Target, false)), .. list.Select(p => new Link(p.Target, p.Owner, false))];
    }

    /// <summary>
    /// Every pair once, owned round-robin: broker i owns the pairs to the next ⌊(n-1)/2⌋ brokers around the ring (and
    /// the opposite one when n is even and i is in the first half), so no broker owns more than ⌈(n-1)/2⌉ connectors
    /// and a duplex mesh reaches 41 brokers within Amazon MQ's 20 connectors per broker.
    /// </summary>
    public static IEnumerable<(string Owner, string Target)> MeshPairs(IReadOnlyList<string> names)
    {
        var n = names.Count;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var forward = j - i;
                var backward = n - forward;
                yield return forward <= backward ? (names[i], names[j]) : (names[j], names[i]);
            }
        }
    }
}
