using System.Text;
using System.Text.Json;
using Nob.Core.Configuration;
using Nob.Core.Planning;

namespace Nob.Core.Rendering;

/// <summary>The plan as one JSON object (written with Utf8JsonWriter: no reflection, stable member order).</summary>
public static class PlanJson
{
    public static string Write(NetworkPlan plan, string topologyType, IReadOnlyDictionary<string, ConfigurationRevision> revisions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("networkName", plan.NetworkName);
            json.WriteString("topology", topologyType);
            json.WriteNumber("networkTTL", plan.NetworkTtl);
            json.WriteStartArray("brokers");
            foreach (var broker in plan.Brokers)
            {
                var revision = revisions[broker.Name];
                json.WriteStartObject();
                json.WriteString("name", broker.Name);
                json.WriteString("deploymentMode", broker.Spec.DeploymentMode);
                json.WriteString("engineVersion", broker.Spec.EngineVersion);
                json.WriteString("hostInstanceType", broker.Spec.HostInstanceType);
                WriteStrings(json, "openWireEndpoints", broker.OpenWireEndpoints);
                json.WriteStartArray("connectors");
                foreach (var connector in broker.Connectors) WriteConnector(json, connector);
                json.WriteEndArray();
                json.WriteBoolean("configurationChanged", revision.Changed);
                WriteStrings(json, "addedConnectors", revision.AddedConnectors);
                WriteStrings(json, "removedConnectors", revision.RemovedConnectors);
                WriteStrings(json, "updatedConnectors", revision.UpdatedConnectors);
                json.WriteString("configurationXml", revision.Xml);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("connectedPairs");
            foreach (var pair in plan.ConnectedPairs)
            {
                json.WriteStartObject();
                json.WriteString("sender", pair.Sender);
                json.WriteString("receiver", pair.Receiver);
                json.WriteNumber("hops", pair.Hops);
                WriteStrings(json, "path", pair.Path);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("mermaid", TopologyDiagram.Mermaid(plan));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void WriteConnector(Utf8JsonWriter json, PlannedConnector connector)
    {
        json.WriteStartObject();
        json.WriteString("name", connector.Name);
        json.WriteString("from", connector.Owner);
        json.WriteString("to", connector.Target);
        json.WriteString("uri", connector.Uri);
        json.WriteBoolean("duplex", connector.Duplex);
        json.WriteNumber("networkTTL", connector.NetworkTtl);
        json.WriteNumber("consumerTTL", connector.ConsumerTtl);
        json.WriteString("userName", connector.UserName);
        json.WriteStartObject("attributes");
        foreach (var (name, value) in connector.Attributes()) json.WriteString(name, value);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
