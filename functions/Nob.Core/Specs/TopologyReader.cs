using System.Text.Json.Nodes;
using Nob.Core.Planning;
using static Nob.Core.Specs.SpecJson;

namespace Nob.Core.Specs;

/// <summary>Reads <c>topology</c>: its type and the brokers it names (each one of the spec's), a tree's single root and no cycle.</summary>
internal static class TopologyReader
{
    public static Topology? Read(JsonNode? node, List<string>? brokerNames, SpecErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("topology", node is null ? $"required; give {{\"type\": …}} with type one of {string.Join(", ", TopologyTypes.All)}" : $"{Describe(node)} is not an object");
            return null;
        }
        var type = AsString(obj["type"]);
        if (type is null || !TopologyTypes.All.Contains(type))
        {
            errors.Add("topology.type", obj["type"] is null
                ? $"required; use one of {string.Join(", ", TopologyTypes.All)}"
                : $"{Describe(obj["type"])} is not a topology; use one of {string.Join(", ", TopologyTypes.All)}");
            return null;
        }
        var names = brokerNames is null ? null : new HashSet<string>(brokerNames, StringComparer.Ordinal);

        // A reference to a broker: reported when the broker list itself is readable.
        string? BrokerRef(JsonNode? n, string path)
        {
            var value = AsString(n);
            if (value is null)
            {
                errors.Add(path, n is null ? "required; the name of one of the spec's brokers" : $"{Describe(n)} is not a broker name");
                return null;
            }
            if (names is not null && !names.Contains(value))
            {
                errors.Add(path, $"\"{value}\" is not a broker of this spec; brokers are: {string.Join(", ", brokerNames!)}");
                return null;
            }
            return value;
        }

        List<string>? BrokerRefs(string field)
        {
            var path = Join("topology", field);
            if (obj[field] is not JsonArray array || array.Count == 0)
            {
                errors.Add(path, obj[field] is null ? "required; a list of broker names" : $"{Describe(obj[field])} is not a non-empty list of broker names");
                return null;
            }
            var list = new List<string>();
            var ok = true;
            for (var i = 0; i < array.Count; i++)
            {
                var name = BrokerRef(array[i], $"{path}[{i}]");
                if (name is null) { ok = false; continue; }
                if (list.Contains(name)) { errors.Add($"{path}[{i}]", $"\"{name}\" is listed twice"); ok = false; continue; }
                list.Add(name);
            }
            return ok ? list : null;
        }

        switch (type)
        {
            case TopologyTypes.SourceSink:
            {
                CheckFields(obj, "topology", ["type", "sources", "sinks"], errors);
                var sources = BrokerRefs("sources");
                var sinks = BrokerRefs("sinks");
                if (sources is null || sinks is null) return null;
                var both = sources.Intersect(sinks).ToList();
                if (both.Count > 0)
                {
                    errors.Add("topology.sinks", $"{string.Join(", ", both.Select(b => $"\"{b}\""))} also listed in topology.sources; a broker is a source or a sink, not both");
                    return null;
                }
                return new SourceSinkTopology(sources, sinks);
            }
            case TopologyTypes.HubAndSpoke:
            {
                CheckFields(obj, "topology", ["type", "hub"], errors);
                var hub = BrokerRef(obj["hub"], "topology.hub");
                return hub is null ? null : new HubAndSpokeTopology(hub);
            }
            case TopologyTypes.Mesh:
                CheckFields(obj, "topology", ["type"], errors);
                return new MeshTopology();
            case TopologyTypes.Concentrator:
            {
                CheckFields(obj, "topology", ["type", "concentrators"], errors);
                var concentrators = BrokerRefs("concentrators");
                if (concentrators is null) return null;
                if (brokerNames is not null && concentrators.Count >= brokerNames.Count)
                {
                    errors.Add("topology.concentrators", "every broker is a concentrator; leave at least one broker to forward to them");
                    return null;
                }
                return new ConcentratorTopology(concentrators);
            }
            case TopologyTypes.Tree:
                CheckFields(obj, "topology", ["type", "parents"], errors);
                return ReadTree(obj["parents"], brokerNames, BrokerRef, errors);
            default:
                CheckFields(obj, "topology", ["type", "connectors"], errors);
                return ReadCustom(obj["connectors"], BrokerRef, errors);
        }
    }

    static TreeTopology? ReadTree(JsonNode? node, List<string>? brokerNames, Func<JsonNode?, string, string?> brokerRef, SpecErrors errors)
    {
        if (node is not JsonObject parentsObj || parentsObj.Count == 0)
        {
            errors.Add("topology.parents", node is null ? "required; an object mapping each child broker to its parent" : $"{Describe(node)} is not a non-empty object of child: parent");
            return null;
        }
        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (child, parentNode) in parentsObj)
        {
            var path = $"topology.parents.{child}";
            var childName = brokerRef(JsonValue.Create(child), path);
            var parent = brokerRef(parentNode, path);
            if (childName is null || parent is null) { ok = false; continue; }
            if (child == parent) { errors.Add(path, $"\"{child}\" cannot be its own parent"); ok = false; continue; }
            parents[child] = parent;
        }
        if (!ok || brokerNames is null) return null;

        var roots = brokerNames.Where(b => !parents.ContainsKey(b)).ToList();
        if (roots.Count != 1)
        {
            errors.Add("topology.parents", roots.Count == 0
                ? "no root: every broker has a parent, so the parents form a cycle; leave exactly one broker without a parent"
                : $"{roots.Count} roots ({string.Join(", ", roots)}): a tree has exactly one; give all but one broker a parent");
            ok = false;
        }
        var inReportedCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in parents.Keys)
        {
            var seen = new List<string> { start };
            for (var at = start; parents.TryGetValue(at, out var up);)
            {
                if (seen.Contains(up))
                {
                    var members = seen.SkipWhile(s => s != up).ToList();
                    if (!members.Any(inReportedCycle.Contains))
                    {
                        errors.Add($"topology.parents.{up}", $"cycle {string.Join(" -> ", members.Append(up))}; a tree has none");
                        inReportedCycle.UnionWith(members);
                    }
                    ok = false;
                    break;
                }
                seen.Add(up);
                at = up;
            }
        }
        return ok ? new TreeTopology(parents) : null;
    }

    static CustomTopology? ReadCustom(JsonNode? node, Func<JsonNode?, string, string?> brokerRef, SpecErrors errors)
    {
        if (node is not JsonArray array || array.Count == 0)
        {
            errors.Add("topology.connectors", node is null ? "required; a list of {\"from\": …, \"to\": …, \"duplex\": …}" : $"{Describe(node)} is not a non-empty list of connectors");
            return null;
        }
        var connectors = new List<CustomConnector>();
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"topology.connectors[{i}]";
            if (array[i] is not JsonObject c)
            {
                errors.Add(path, $"{Describe(array[i])} is not a connector; use {{\"from\": …, \"to\": …, \"duplex\": …}}");
                ok = false;
                continue;
            }
            CheckFields(c, path, ["from", "to", "duplex"], errors);
            var from = brokerRef(c["from"], Join(path, "from"));
            var to = brokerRef(c["to"], Join(path, "to"));
            var duplex = OptionalBool(c["duplex"], Join(path, "duplex"), errors);
            if (from is null || to is null || (c["duplex"] is not null && duplex is null)) { ok = false; continue; }
            if (from == to) { errors.Add(path, $"connects \"{from}\" to itself"); ok = false; continue; }
            var twin = connectors.FindIndex(x => x.From == from && x.To == to);
            if (twin >= 0) { errors.Add(path, $"repeats topology.connectors[{twin}] ({from} -> {to})"); ok = false; continue; }
            connectors.Add(new CustomConnector(from, to, duplex));
        }
        return ok ? new CustomTopology(connectors) : null;
    }
}
