using System.Text;
using System.Text.Json.Nodes;

namespace Nob.Cli.Local;

/// <summary>The human-readable end of <c>nob up</c>: brokers and endpoints, the topology, verification, where the truststore is.</summary>
public static class SummaryText
{
    public static string Write(JsonObject summary)
    {
        var text = new StringBuilder();
        var local = summary["local"]!;
        text.AppendLine();
        text.AppendLine($"Network \"{(string?)summary["networkName"]}\" is up and verified in {(double?)local["elapsedSeconds"]:0.0} s ({(int?)local["stateTransitions"]} state transitions).");
        text.AppendLine();
        text.AppendLine("Brokers");
        foreach (var b in summary["brokers"]!.AsArray())
        {
            text.AppendLine($"  {(string?)b!["brokerName"]}  {(string?)b["brokerState"]}  {(string?)b["brokerId"]}{((bool?)b["created"] == true ? "  (created)" : "")}{((bool?)b["rebooted"] == true ? "  (rebooted)" : "")}");
            text.AppendLine($"    OpenWire  {string.Join("  ", b["openWireEndpoints"]!.AsArray().Select(e => (string?)e))}");
            text.AppendLine($"    STOMP     {string.Join("  ", b["stompEndpoints"]!.AsArray().Select(e => (string?)e))}");
        }
        text.AppendLine();
        text.AppendLine("Topology");
        foreach (var c in summary["connectors"]!.AsArray()) text.AppendLine($"  {(string?)c}");
        text.AppendLine();
        var changes = summary["changes"]?.AsArray() ?? [];
        text.AppendLine(changes.Count == 0 ? "Changes: none (the network already matched the spec)" : $"Changes ({changes.Count})");
        foreach (var change in changes) text.AppendLine($"  {(string?)change}");
        text.AppendLine();
        var verification = summary["verification"]!;
        text.AppendLine($"Verification: {(string?)verification["status"]}, {(string?)verification["detail"]}");
        foreach (var p in verification["pairs"]!.AsArray()) text.AppendLine($"  {(string?)p}");
        text.AppendLine();
        text.AppendLine($"Endpoint   {(string?)local["endpoint"]} (AWS CLI: --endpoint-url; ./nob status)");
        text.AppendLine($"Truststore {(string?)local["trustStore"]} (PKCS12; password in {(string?)local["trustStorePasswordFile"]}; PEM: {(string?)local["certificatePem"]})");
        return text.ToString();
    }
}
