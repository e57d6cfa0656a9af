using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Lifecycle;
using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Mq;
using Nob.LocalCloud.Ssm;
using Nob.LocalCloud.States;
using static Nob.LocalCloud.WebConsole.ConsoleHtml;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// Every stored network (<c>/nob/networks/&lt;name&gt;</c> in this endpoint's SSM, decoded by <see cref="NetworkRecordCodec"/>):
/// its brokers as this endpoint's Amazon MQ describes them (state, endpoints, revision, a link to each instance's
/// console), its topology from the plan's links, the last verification (the newest succeeded build-network execution's
/// output for it) and the last drift check's findings (the newest succeeded check-drift execution that reported on it).
/// </summary>
internal sealed class NetworksPage(SsmService ssm, MqService mq, LocalWorkflowHost? host)
{
    public const string BuildNetwork = "BuildNetworkStateMachine";
    public const string CheckDrift = "CheckDriftStateMachine";

    /// <summary>The stored records, by name.</summary>
    public IReadOnlyList<NetworkRecord> Records()
    {
        var records = new List<NetworkRecord>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["Path"] = NetworkRecord.ParameterPath, ["WithDecryption"] = true, ["MaxResults"] = 10 };
            if (token is not null)
            {
                request["NextToken"] = token;
            }

            var page = ssm.Handle("GetParametersByPath", request);
            foreach (var parameter in page["Parameters"]?.AsArray() ?? [])
            {
                if (parameter?["Value"]?.GetValue<string>() is { } value)
                {
                    records.Add(NetworkRecordCodec.Decode(value));
                }
            }

            token = page["NextToken"]?.GetValue<string>();
        }
        while (token is not null);
        return [.. records.OrderBy(r => r.NetworkName, StringComparer.Ordinal)];
    }

    public XElement Render()
    {
        var records = Records();
        var body = new List<object?>();
        if (records.Count == 0)
        {
            body.Add(E("p", "No stored networks yet. ", E("a", A("href", ConsoleAccess.Prefix + "/start"), "Build one"), "."));
        }

        foreach (var record in records)
        {
            body.Add(Network(record));
        }

        return Page("Networks", "networks", body);
    }

    private XElement Network(NetworkRecord record)
    {
        var spec = SpecReader.Read(record.SpecJson).Spec;
        var verification = LatestOutput(BuildNetwork, o => o["networkName"]?.GetValue<string>() == record.NetworkName)?["verification"];
        var drift = LatestOutput(CheckDrift, o => Report(o, record.NetworkName) is not null) is { } checkOutput ? Report(checkOutput, record.NetworkName) : null;
        return E("section", A("class", "network"), A("data-network", record.NetworkName),
            E("h2", record.NetworkName),
            E("p", $"{spec?.Topology.Type ?? "?"}, {record.Brokers.Count} broker(s), stored {Time(record.StoredAt)} by ", E("code", record.ExecutionName ?? "?")),
            Table(["Broker", "Id", "State", "Endpoints", "Revision", "Console"], record.Brokers.Select(Broker), "brokers-" + record.NetworkName),
            E("h3", "Topology"),
            spec is null ? E("p", "The stored spec no longer reads.") : TopologySvg.Draw([.. spec.Brokers.Select(b => b.Name)], TopologyLinks.For(spec)),
            E("ul", A("class", "connectors"), record.Connectors.Select(c => E("li", E("code", c)))),
            E("h3", "Last verification"),
            verification is null
                ? E("p", "No build-network output for this network here.")
                : E("div", A("class", "verification"),
                    E("p", Status(verification["status"]?.GetValue<string>() ?? "?"), " ", verification["detail"]?.GetValue<string>() ?? ""),
                    E("ul", (verification["pairs"]?.AsArray() ?? []).Select(p => E("li", p?.GetValue<string>() ?? "")))),
            E("h3", "Last drift check"),
            drift is null
                ? E("p", "No drift check has reported on this network here.")
                : E("div", A("class", "drift"),
                    E("p", Status(drift["inSync"]?.GetValue<bool>() == true ? "IN SYNC" : "DRIFTED"), " checked ", drift["checkedAt"]?.ToString() ?? ""),
                    E("ul", (drift["findings"]?.AsArray() ?? []).Select(f => E("li",
                        E("strong", f?["kind"]?.GetValue<string>() ?? ""), " ", f?["brokerName"]?.GetValue<string>() ?? "", ": ", f?["detail"]?.GetValue<string>() ?? "")))));
    }

    private XElement Broker(StoredBroker broker)
    {
        JsonObject? described = null;
        try
        {
            described = mq.Handle("GET", ["brokers", broker.BrokerId], _ => null, []);
        }
        catch (ServiceError)
        {
            // Deleted since the record was stored: the row says so.
        }

        var instances = described?["brokerInstances"]?.AsArray() ?? [];
        return Row(
            broker.BrokerName,
            E("code", broker.BrokerId),
            Status(described?["brokerState"]?.GetValue<string>() ?? "NOT FOUND"),
            E("td", instances.SelectMany(i => i?["endpoints"]?.AsArray() ?? []).Select(e => E("div", E("code", e?.GetValue<string>() ?? "")))),
            described?["configurations"]?["current"]?["revision"]?.ToString() ?? "",
            E("td", Enumerable.Range(1, instances.Count).Select(n =>
                E("a", A("class", "broker-console"), A("href", $"{ConsoleAccess.Prefix}/broker-console?id={Uri.EscapeDataString(broker.BrokerId)}&n={n}"), $"instance {n}"))));
    }

    private static JsonObject? Report(JsonObject checkOutput, string network) =>
        (checkOutput["networks"]?.AsArray() ?? []).OfType<JsonObject>().FirstOrDefault(r => r["networkName"]?.GetValue<string>() == network);

    /// <summary>The output of the newest succeeded execution of a template state machine that <paramref name="matches"/>.</summary>
    private JsonObject? LatestOutput(string logicalId, Func<JsonObject, bool> matches)
    {
        if (host is null || !host.Template.StateMachines.TryGetValue(logicalId, out var machine))
        {
            return null;
        }

        foreach (var execution in host.Executions().Where(e => e.StateMachineArn == machine.Arn && e.Status == ExecutionStatus.Succeeded).OrderByDescending(e => e.StopDate))
        {
            if (host.InputAndOutput(execution.ExecutionArn).Output is { } text && JsonNode.Parse(text) is JsonObject output && matches(output))
            {
                return output;
            }
        }

        return null;
    }
}
