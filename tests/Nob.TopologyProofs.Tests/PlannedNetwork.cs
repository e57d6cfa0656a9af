using System.Diagnostics;
using System.Security.Cryptography;
using Nob.Core.Configuration;
using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.LocalBrokers;

namespace Nob.TopologyProofs.Tests;

/// <summary>The outcome of sending from one broker to another with the ActiveMQ CLI.</summary>
public sealed record DeliveryCheck(string Sender, string Receiver, int Sent, int Received, TimeSpan Took, string? Error)
{
    public bool Delivered => Error is null && Received == Sent;

    public override string ToString() =>
        $"{Sender} → {Receiver}: {Received}/{Sent} in {Took.TotalSeconds:0.0} s{(Error is null ? "" : $" ({Error})")}";
}

/// <summary>
/// A network exactly as the product would build it, but on local brokers: spec → real 127.0.0.1 endpoints → the
/// planner → each broker's configuration written by the connector writer from Amazon MQ's default revision →
/// brokers run with Amazon MQ's runtime additions (TLS, users, injected connector passwords).
/// </summary>
public sealed class PlannedNetwork : IAsyncDisposable
{
    private readonly Dictionary<string, LocalBroker> _singles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActiveStandbyPair> _pairs = new(StringComparer.Ordinal);

    private PlannedNetwork(LocalBrokerHost host, NetworkSpec spec, NetworkPlan plan, IReadOnlyDictionary<string, ConfigurationRevision> configurations, BrokerUser user)
    {
        Host = host;
        Spec = spec;
        Plan = plan;
        Configurations = configurations;
        User = user;
    }

    public LocalBrokerHost Host { get; }

    public NetworkSpec Spec { get; }

    public NetworkPlan Plan { get; }

    public IReadOnlyDictionary<string, ConfigurationRevision> Configurations { get; }

    /// <summary>The spec's common user, with a password made up for this run (the real one lives in SSM).</summary>
    public BrokerUser User { get; }

    public IReadOnlyDictionary<string, ActiveStandbyPair> ActiveStandbyBrokers => _pairs;

    /// <summary>Every ordered (sender, receiver) pair the plan does not connect.</summary>
    public IReadOnlyList<(string Sender, string Receiver)> UnconnectedPairs =>
    [
        .. from s in Spec.Brokers
           from r in Spec.Brokers
           where s.Name != r.Name && !Plan.ConnectedPairs.Any(p => p.Sender == s.Name && p.Receiver == r.Name)
           select (s.Name, r.Name),
    ];

    /// <summary>
    /// Reads, plans, writes and starts every broker of <paramref name="specJson"/> (all in parallel). With
    /// <paramref name="revisionsApplied"/> false the brokers start on Amazon MQ's default revision, as freshly created
    /// brokers do, and the written revisions wait for <see cref="ApplyRevisionsAndRebootAsync"/>.
    /// </summary>
    public static async Task<PlannedNetwork> StartAsync(
        LocalBrokerHost host, string specJson, bool revisionsApplied = true, CancellationToken cancellationToken = default)
    {
        var spec = SpecReader.ReadValid(specJson);
        var ports = spec.Brokers.ToDictionary(b => b.Name, b => FreePorts.Allocate(b.InstanceCount), StringComparer.Ordinal);
        var endpoints = ports.ToDictionary(
            p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Select(port => $"ssl://127.0.0.1:{port}")], StringComparer.Ordinal);
        var plan = NetworkPlanner.Plan(spec, endpoints);
        var configurations = BrokerConfigurations.Next(plan, _ => null);
        var user = new BrokerUser(spec.User.Username, $"Pw-{Convert.ToHexString(RandomNumberGenerator.GetBytes(9))}");

        var network = new PlannedNetwork(host, spec, plan, configurations, user);
        foreach (var broker in spec.Brokers)
        {
            var xml = revisionsApplied ? configurations[broker.Name].Xml : AmazonMqDefaults.ConfigurationXml;
            if (broker.InstanceCount == 1)
            {
                network._singles[broker.Name] = host.CreateBroker(broker.Name, xml, [user], ports[broker.Name][0], withStomp: false);
            }
            else
            {
                network._pairs[broker.Name] = host.CreateActiveStandbyPair(broker.Name, xml, [user], ports[broker.Name][0], ports[broker.Name][1], withStomp: false);
            }
        }
        await Task.WhenAll(
            network._singles.Values.Select(b => b.StartAsync(cancellationToken))
                .Concat(network._pairs.Values.Select(p => p.StartAsync(cancellationToken)))).ConfigureAwait(false);
        return network;
    }

    /// <summary>
    /// What the workflow does on Amazon MQ: gives every broker whose revision changed its new configuration, then reboots
    /// those brokers (in parallel). Returns their names.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyRevisionsAndRebootAsync(CancellationToken cancellationToken = default)
    {
        var changed = Configurations.Where(c => c.Value.Changed).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        var reboots = new List<Task>();
        foreach (var name in changed)
        {
            var xml = Configurations[name].Xml;
            if (_singles.TryGetValue(name, out var single))
            {
                single.ApplyConfiguration(xml);
                reboots.Add(single.RestartAsync(cancellationToken));
            }
            else
            {
                _pairs[name].ApplyConfiguration(xml);
                reboots.Add(_pairs[name].RebootAsync(cancellationToken));
            }
        }
        await Task.WhenAll(reboots).ConfigureAwait(false);
        return changed;
    }

    /// <summary>The instance of <paramref name="broker"/> that accepts connections now.</summary>
    public async Task<LocalBroker> ActiveInstanceAsync(string broker)
    {
        if (_singles.TryGetValue(broker, out var single))
        {
            return single;
        }
        return await _pairs[broker].WaitForActiveAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks each pair (at most <paramref name="parallelism"/> at a time, on its own queue): a consumer on the receiver
    /// waits up to <paramref name="patience"/> for the messages a producer sends on the sender.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryCheck>> CheckAsync(
        IEnumerable<(string Sender, string Receiver)> pairs, TimeSpan patience, int parallelism = 3, string label = "check", int messages = 2)
    {
        using var gate = new SemaphoreSlim(parallelism);
        var checks = pairs.Select(async pair =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return await DeliverAsync(pair.Sender, pair.Receiver, patience, label, messages).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        });
        return await Task.WhenAll(checks).ConfigureAwait(false);
    }

    private async Task<DeliveryCheck> DeliverAsync(string sender, string receiver, TimeSpan patience, string label, int messages)
    {
        var clock = Stopwatch.StartNew();
        var destination = $"queue://nob.{label}.{sender}.to.{receiver}";
        var body = $"{label} {sender} to {receiver} {Guid.NewGuid():N}";
        try
        {
            var from = await ActiveInstanceAsync(sender).ConfigureAwait(false);
            var to = await ActiveInstanceAsync(receiver).ConfigureAwait(false);
            var consumer = Host.Cli.ReceiveAsync(to.OpenWireUri, User.Username, User.Password, destination, messages, patience);
            await Host.Cli.ProduceAsync(from.OpenWireUri, User.Username, User.Password, destination, messages, body).ConfigureAwait(false);
            var result = await consumer.ConfigureAwait(false);
            var wrong = result.Bodies.Where(b => b != body).ToList();
            return new DeliveryCheck(sender, receiver, messages, result.Received - wrong.Count, clock.Elapsed,
                wrong.Count > 0 ? $"unexpected bodies: {string.Join(" | ", wrong)}" : null);
        }
        catch (Exception e) when (e is ActiveMqCliException or BrokerStartException)
        {
            return new DeliveryCheck(sender, receiver, messages, 0, clock.Elapsed, e.Message);
        }
    }

    /// <summary>What the brokers on the way say about their bridges: warnings, errors and bridge lines, last ones first.</summary>
    public string Diagnose(IEnumerable<string> brokers)
    {
        var lines = new List<string>();
        foreach (var name in brokers.Distinct())
        {
            IReadOnlyList<LocalBroker> instances = _singles.TryGetValue(name, out var single) ? [single] : _pairs[name].Instances;
            foreach (var instance in instances)
            {
                var interesting = instance.ReadLog().Split('\n')
                    .Where(l => l.Contains("| WARN", StringComparison.Ordinal) || l.Contains("| ERROR", StringComparison.Ordinal)
                        || l.Contains("Network connection", StringComparison.Ordinal) || l.Contains("bridge", StringComparison.OrdinalIgnoreCase)
                        || l.Contains("Establishing network connection", StringComparison.Ordinal))
                    .Where(l => !l.Contains("Could not accept connection from tcp", StringComparison.Ordinal)) // our port probes
                    .TakeLast(25);
                lines.Add($"--- {name} ({instance.OpenWireUri}) {instance.LogPath}");
                lines.AddRange(interesting.Select(l => "    " + l.TrimEnd()));
            }
        }
        return string.Join(Environment.NewLine, lines);
    }

    public string DescribeConfigurations() =>
        string.Join(Environment.NewLine, Configurations.Select(c => $"--- {c.Key}{Environment.NewLine}{c.Value.Xml}"));

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
