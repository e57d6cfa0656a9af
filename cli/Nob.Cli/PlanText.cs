using System.Text;
using Nob.Core.Configuration;
using Nob.Core.Planning;
using Nob.Core.Rendering;
using Nob.Core.Specs;

namespace Nob.Cli;

/// <summary>The human-readable form of <c>nob plan</c>.</summary>
public static class PlanText
{
    public static string Write(NetworkSpec spec, NetworkPlan plan, IReadOnlyDictionary<string, ConfigurationRevision> revisions,
        IReadOnlyDictionary<string, string> currentXml, bool placeholderEndpoints)
    {
        var text = new StringBuilder();
        text.AppendLine($"Network \"{plan.NetworkName}\": {spec.Topology.Type}, {plan.Brokers.Count} brokers, {plan.Connectors.Count} connector(s), networkTTL {plan.NetworkTtl}");
        if (placeholderEndpoints) text.AppendLine("(endpoints are placeholders under .broker.invalid until the brokers exist; pass --endpoints for real ones)");
        text.AppendLine();

        text.AppendLine("Brokers");
        var width = plan.Brokers.Max(b => b.Name.Length);
        foreach (var b in plan.Brokers)
            text.AppendLine($"  {b.Name.PadRight(width)}  {b.Spec.DeploymentMode,-23}  {b.Spec.HostInstanceType,-12}  ActiveMQ {b.Spec.EngineVersion}  owns {b.Connectors.Count} connector(s)");
        text.AppendLine();

        text.AppendLine("Topology");
        foreach (var line in TopologyDiagram.TerminalLines(plan)) text.AppendLine($"  {line}");
        text.AppendLine();

        text.AppendLine("Connectors");
        foreach (var c in plan.Connectors)
            text.AppendLine($"  {c.Name}  (on {c.Owner}, {(c.Duplex ? "duplex" : "one-way")})  {c.Uri}");
        text.AppendLine();

        text.AppendLine("Pairs the network connects (verified with real messages after a build)");
        foreach (var p in plan.ConnectedPairs)
            text.AppendLine($"  {p.Sender} -> {p.Receiver}  ({p.Hops} hop{(p.Hops == 1 ? "" : "s")}{(p.Hops > 1 ? $" via {string.Join(", ", p.Path.Skip(1).SkipLast(1))}" : "")})");
        text.AppendLine();

        text.AppendLine("Mermaid");
        text.AppendLine("```mermaid");
        text.Append(TopologyDiagram.Mermaid(plan));
        text.AppendLine("```");

        foreach (var b in plan.Brokers)
        {
            var revision = revisions[b.Name];
            text.AppendLine();
            if (currentXml.TryGetValue(b.Name, out var before))
            {
                text.AppendLine(revision.Changed
                    ? $"Configuration of {b.Name}: changes against the current XML (added {List(revision.AddedConnectors)}, removed {List(revision.RemovedConnectors)}, updated {List(revision.UpdatedConnectors)})"
                    : $"Configuration of {b.Name}: no change");
                if (revision.Changed)
                {
                    // Diff the two in the same layout so only real changes show.
                    var normalizedBefore = ConfigurationXml.Serialize(ConfigurationXml.Parse(b.Name, before));
                    foreach (var line in LineDiff.Unified(normalizedBefore, revision.Xml).Where(l => !l.StartsWith("  ", StringComparison.Ordinal)))
                        text.AppendLine($"  {line}");
                }
            }
            else
            {
                text.AppendLine($"Configuration of {b.Name} (from Amazon MQ's default revision){(b.Connectors.Count == 0 ? ": no connectors to add" : "")}");
                if (b.Connectors.Count > 0) text.AppendLine(revision.Xml);
            }
        }
        return text.ToString();
    }

    static string List(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
