using Nob.Core.Configuration;
using Nob.Core.Planning;

namespace Nob.Core.Specs;

/// <summary>The rules on the links a valid topology produces, which a schema cannot express.</summary>
internal static class TopologyLinkRules
{
    /// <summary>Every broker connected; none owning more connectors than Amazon MQ allows per broker.</summary>
    public static void Check(NetworkSpec spec, SpecErrors errors)
    {
        var links = TopologyLinks.For(spec);
        for (var i = 0; i < spec.Brokers.Count; i++)
        {
            var name = spec.Brokers[i].Name;
            if (!links.Any(l => l.From == name || l.To == name))
            {
                errors.Add($"brokers[{i}]", $"\"{name}\" is not connected by the {spec.Topology.Type} topology; connect it or remove it");
            }
            var owned = links.Count(l => l.From == name);
            if (owned > NetworkConnectorRules.MaxConnectorsPerBroker)
            {
                errors.Add($"brokers[{i}]", $"\"{name}\" would own {owned} network connectors; Amazon MQ allows at most {NetworkConnectorRules.MaxConnectorsPerBroker} per broker");
            }
        }
    }
}
