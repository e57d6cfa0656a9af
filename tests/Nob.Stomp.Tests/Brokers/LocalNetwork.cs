using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Nob.Core.Configuration;
using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.Core.Verification;
using Nob.Core.Workflow;
using Nob.LocalBrokers;

namespace Nob.Stomp.Tests.Brokers;

/// <summary>
/// A network as the product builds it, on local brokers with STOMP TLS ports: spec → real 127.0.0.1 OpenWire endpoints →
/// the planner → each broker's configuration written by <see cref="ConnectorConfigurationWriter"/> from Amazon MQ's
/// default revision (or, for a network whose revisions were "never applied", the default revision itself) → brokers run
/// with Amazon MQ's runtime additions (TLS transports, the common user, injected connector passwords).
/// </summary>
public sealed class LocalNetwork
{
    private readonly Dictionary<string, LocalBroker> _singles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActiveStandbyPair> _pairs = new(StringComparer.Ordinal);

    private LocalNetwork(NetworkSpec spec, NetworkPlan plan, BrokerUser user)
    {
        Spec = spec;
        Plan = plan;
        User = user;
    }

    public NetworkSpec Spec { get; }

    public NetworkPlan Plan { get; }

    /// <summary>The spec's common user, with a password made up for this run (the real one lives in SSM).</summary>
    public BrokerUser User { get; }

    public IReadOnlyDictionary<string, ActiveStandbyPair> ActiveStandbyBrokers => _pairs;

    /// <summary>Every broker's STOMP endpoints as Amazon MQ lists them: one per instance, instance 1 first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StompEndpoints =>
        Spec.Brokers.ToDictionary(
            b => b.Name,
            b => (IReadOnlyList<string>)[.. Instances(b.Name).Select(i => i.StompUri!)],
            StringComparer.Ordinal);

    /// <summary>
    /// Plans <paramref name="specJson"/> (renamed to <paramref name="networkName"/> when given) and prepares its brokers on
    /// <paramref name="host"/>; with <paramref name="withConnectors"/> false every broker keeps Amazon MQ's default revision.
    /// </summary>
    public static LocalNetwork Prepare(LocalBrokerHost host, string specJson, string? networkName = null, bool withConnectors = true)
    {
        if (networkName is not null)
        {
            var json = JsonNode.Parse(specJson)!.AsObject();
            json["networkName"] = networkName;
            specJson = json.ToJsonString();
        }
        var spec = SpecReader.ReadValid(specJson);
        var ports = spec.Brokers.ToDictionary(b => b.Name, b => FreePorts.Allocate(b.InstanceCount), StringComparer.Ordinal);
        var endpoints = ports.ToDictionary(
            p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Select(port => $"ssl://127.0.0.1:{port}")], StringComparer.Ordinal);
        var plan = NetworkPlanner.Plan(spec, endpoints);
        var configurations = BrokerConfigurations.Next(plan, _ => null);
        var user = new BrokerUser(spec.User.Username, $"Pw-{Convert.ToHexString(RandomNumberGenerator.GetBytes(9))}");

        var network = new LocalNetwork(spec, plan, user);
        foreach (var broker in spec.Brokers)
        {
            var xml = withConnectors ? configurations[broker.Name].Xml : AmazonMqDefaults.ConfigurationXml;
            var folder = $"{spec.NetworkName}-{broker.Name}";
            if (broker.InstanceCount == 1)
            {
                network._singles[broker.Name] = host.CreateBroker(folder, xml, [user], ports[broker.Name][0]);
            }
            else
            {
                network._pairs[broker.Name] = host.CreateActiveStandbyPair(folder, xml, [user], ports[broker.Name][0], ports[broker.Name][1]);
            }
        }
        return network;
    }

    /// <summary>Starts every broker at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(
            _singles.Values.Select(b => b.StartAsync(cancellationToken))
                .Concat(_pairs.Values.Select(p => p.StartAsync(cancellationToken))));

    public LocalBroker Single(string name) => _singles[name];

    public IReadOnlyList<LocalBroker> Instances(string name) => _singles.TryGetValue(name, out var single) ? [single] : _pairs[name].Instances;

    /// <summary>What the verifier is given in production: the plan's pairs, the STOMP endpoints, the common user.</summary>
    public BridgeVerificationRequest Request(string? password = null) =>
        BridgeVerificationRequest.For(Plan, StompEndpoints, User.Username, new Secret(password ?? User.Password));

    /// <summary>Bridge-related lines of every broker's log, for assertion messages.</summary>
    public string Diagnose()
    {
        var lines = new List<string>();
        foreach (var broker in Spec.Brokers)
        {
            foreach (var instance in Instances(broker.Name))
            {
                lines.Add($"--- {broker.Name} ({instance.OpenWireUri}, {instance.StompUri}) {instance.LogPath}");
                lines.AddRange(instance.ReadLog().Split('\n')
                    .Where(l => l.Contains("| WARN", StringComparison.Ordinal) || l.Contains("| ERROR", StringComparison.Ordinal)
                        || l.Contains("Network connection", StringComparison.Ordinal) || l.Contains("bridge", StringComparison.OrdinalIgnoreCase))
                    .Where(l => !l.Contains("Could not accept connection", StringComparison.Ordinal)) // port probes
                    .TakeLast(20)
                    .Select(l => "    " + l.TrimEnd()));
            }
        }
        return string.Join(Environment.NewLine, lines);
    }
}
