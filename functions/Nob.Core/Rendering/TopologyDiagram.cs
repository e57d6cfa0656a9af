using System.Text;
using Nob.Core.Planning;

namespace Nob.Core.Rendering;

/// <summary>Pictures of a plan's topology: Mermaid (renders on GitHub and in docs) and plain terminal lines.</summary>
public static class TopologyDiagram
{
    public static string Mermaid(NetworkPlan plan)
    {
        var ids = plan.Brokers.Select((b, i) => (b.Name, Id: $"b{i}")).ToDictionary(x => x.Name, x => x.Id, StringComparer.Ordinal);
        var text = new StringBuilder("flowchart LR\n");
        foreach (var broker in plan.Brokers)
        {
            var label = broker.Spec.InstanceCount == 2 ? $"{broker.Name}<br/>active/standby" : broker.Name;
            text.Append($"  {ids[broker.Name]}[\"{label}\"]\n");
        }
        foreach (var c in plan.Connectors)
        {
            text.Append($"  {ids[c.Owner]} {(c.Duplex ? "<-->" : "-->")} {ids[c.Target]}\n");
        }
        return text.ToString();
    }

    /// <summary>One line per connector: <c>Owner &lt;==&gt; Target</c> for duplex, <c>Owner ===&gt; Target</c> for one-way.</summary>
    public static IReadOnlyList<string> TerminalLines(NetworkPlan plan)
    {
        var width = plan.Connectors.Count == 0 ? 0 : plan.Connectors.Max(c => c.Owner.Length);
        return plan.Connectors
            .Select(c => $"{c.Owner.PadLeft(width)} {(c.Duplex ? "<==>" : "===>")} {c.Target}{(plan.Broker(c.Target).Spec.InstanceCount == 2 ? " (active/standby)" : "")}")
            .ToList();
    }
}
