using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>Every example built by `nob up` on one shared local endpoint, checked from the outside.</summary>
[Collection(SharedEndpointCollection.Name)]
public sealed class LocalNetworkTests(SharedEndpointFixture fixture, ITestOutputHelper output)
{
    /// <summary>Pairs checked with the ActiveMQ CLI at once (each check is two JVMs).</summary>
    const int ParallelPairChecks = 2;

    [Fact]
    public void Examples_EveryFileInTheFolder_IsCoveredByTheseTests()
    {
        var inFolder = Examples.InFolder();
        var missing = inFolder.Except(Examples.Covered).ToList();
        var gone = Examples.Covered.Except(inFolder).ToList();
        Assert.True(missing.Count == 0, $"examples/ has {string.Join(", ", missing.Select(m => m + ".json"))}, which these tests do not cover: add it to Examples.Covered");
        Assert.True(gone.Count == 0, $"Examples.Covered names {string.Join(", ", gone)}, which examples/ no longer has");
        // Every example is built on the shared endpoint, renamed only where its broker names clash.
        Assert.Equal(inFolder.Order(StringComparer.Ordinal), fixture.Examples.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Examples.All), MemberType = typeof(Examples))]
    public async Task Up_Example_ExitsZeroVerifiedAndEveryBrokerRunning(string name)
    {
        var example = fixture.Example(name);
        var run = await fixture.BuildAsync(name);
        output.WriteLine($"nob up {example.SpecPath} --json: exit {run.ExitCode} in {run.Elapsed.TotalSeconds:0.0} s" +
                         (example.Renamed.Count > 0 ? $" (brokers renamed: {string.Join(", ", example.Renamed.Select(r => $"{r.Key} -> {r.Value}"))})" : ""));
        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = Summary.Parse(run);

        Assert.Equal(example.NetworkName, (string?)summary["networkName"]);
        Assert.True((string?)summary["verification"]?["status"] == "PASSED", $"verification is not PASSED:{Environment.NewLine}{run.Stdout}");
        Assert.NotEmpty(Summary.Pairs(summary));
        Assert.Equal(example.Brokers.Order(StringComparer.Ordinal), Summary.Brokers(summary).Select(b => (string)b["brokerName"]!).Order(StringComparer.Ordinal));
        foreach (var broker in Summary.Brokers(summary))
        {
            var brokerName = (string?)broker["brokerName"];
            Assert.True((string?)broker["brokerState"] == "RUNNING", $"{brokerName} is {(string?)broker["brokerState"]}");
            Assert.True((bool?)broker["created"] == true, $"{brokerName} was not created by the first build on a fresh endpoint");
            Assert.NotEmpty(Summary.Strings(broker["openWireEndpoints"]));
            Assert.NotEmpty(Summary.Strings(broker["stompEndpoints"]));
        }
        var local = summary["local"]!;
        Assert.True(File.Exists((string?)local["trustStore"]), "the printed truststore does not exist");
        Assert.True(File.Exists((string?)local["trustStorePasswordFile"]), "the printed truststore password file does not exist");
        Assert.True(File.Exists((string?)local["certificatePem"]), "the printed certificate PEM does not exist");
        Assert.True((int?)local["stateTransitions"] > 0);
        Assert.StartsWith("http://127.0.0.1:", (string?)local["endpoint"], StringComparison.Ordinal);

        // `nob status` (ListBrokers on the endpoint) agrees: every broker of the network RUNNING.
        var status = await fixture.NobAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        foreach (var broker in example.Brokers)
        {
            var line = status.Stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(words => words.Length >= 2 && words[0] == broker);
            Assert.True(line is not null, $"nob status does not list {broker}:{Environment.NewLine}{status.Stdout}");
            Assert.True(line[1] == "RUNNING", $"nob status shows {broker} {line[1]}");
        }
    }

    [Theory]
    [MemberData(nameof(Examples.All), MemberType = typeof(Examples))]
    public async Task ActiveMqCli_EveryVerifiedPair_ProducerOnSenderReachesConsumerOnReceiver(string name)
    {
        var example = fixture.Example(name);
        var summary = await fixture.BuiltSummaryAsync(name);
        var pairs = Summary.Pairs(summary);
        Assert.NotEmpty(pairs);

        var check = new ActiveMqPairCheck(summary, example.Username, fixture.Password, Path.Combine(fixture.Scratch, "cli"));
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(ParallelPairChecks);
        var failures = await Task.WhenAll(pairs.Select(async pair =>
        {
            await gate.WaitAsync();
            try
            {
                return await check.DeliverAsync(pair.Sender, pair.Receiver);
            }
            finally
            {
                gate.Release();
            }
        }));
        output.WriteLine($"{pairs.Count} pair(s) checked with activemq producer/consumer in {clock.Elapsed.TotalSeconds:0.0} s: " +
                         string.Join(", ", pairs.Select(p => $"{p.Sender} -> {p.Receiver}")));
        var failed = failures.Where(f => f is not null).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {pairs.Count} pair(s) did not deliver:{Environment.NewLine}{string.Join(Environment.NewLine, failed)}");
    }

    /// <summary>
    /// The control for the check above: it must fail where the topology promises nothing. A concentrator's connectors are
    /// one-way (edge → concentrator), so a message sent on the concentrator never reaches an edge's consumer.
    /// </summary>
    [Fact]
    public async Task ActiveMqCli_ReverseOfOneWayConcentratorPair_DoesNotDeliver()
    {
        var example = fixture.Example("concentrator");
        var summary = await fixture.BuiltSummaryAsync(example.Name);
        var (edge, concentrator) = Summary.Pairs(summary)[0];
        Assert.DoesNotContain((concentrator, edge), Summary.Pairs(summary));

        var check = new ActiveMqPairCheck(summary, example.Username, fixture.Password, Path.Combine(fixture.Scratch, "cli"));
        var failure = await check.DeliverAsync(concentrator, edge, TimeSpan.FromSeconds(10));

        Assert.NotNull(failure);
        Assert.Contains("timed out", failure, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Examples.All), MemberType = typeof(Examples))]
    public async Task Up_SameSpecAgain_ConvergesWithoutCreatingOrRebooting(string name)
    {
        var example = fixture.Example(name);
        var before = await fixture.BuiltSummaryAsync(name);

        var again = await fixture.NobAsync("up", example.SpecPath, "--json");
        output.WriteLine($"second nob up: exit {again.ExitCode} in {again.Elapsed.TotalSeconds:0.0} s");
        Assert.True(again.ExitCode == 0, again.ToString());
        var after = Summary.Parse(again);
        Assert.Equal("PASSED", (string?)after["verification"]?["status"]);
        Assert.DoesNotContain("Starting the local endpoint", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(example.Brokers.Count, Summary.Brokers(after).Count);
        foreach (var broker in Summary.Brokers(after))
        {
            var brokerName = (string)broker["brokerName"]!;
            var earlier = Summary.Broker(before, brokerName);
            Assert.True((bool?)broker["created"] == false, $"{brokerName}: created again{Environment.NewLine}{again.Stdout}");
            Assert.True((bool?)broker["rebooted"] == false, $"{brokerName}: rebooted again{Environment.NewLine}{again.Stdout}");
            Assert.Equal((string?)earlier["brokerId"], (string?)broker["brokerId"]);
            Assert.True((int?)earlier["configurationRevision"] == (int?)broker["configurationRevision"],
                $"{brokerName}: configuration revision {(int?)earlier["configurationRevision"]} became {(int?)broker["configurationRevision"]}");
            Assert.Equal("RUNNING", (string?)broker["brokerState"]);
            Assert.Equal(Summary.Strings(earlier["openWireEndpoints"]), Summary.Strings(broker["openWireEndpoints"]));
        }
        Assert.Equal(Summary.Strings(before["connectors"]), Summary.Strings(after["connectors"]));
        Assert.Equal(Summary.Pairs(before).Order(), Summary.Pairs(after).Order());
    }
}
