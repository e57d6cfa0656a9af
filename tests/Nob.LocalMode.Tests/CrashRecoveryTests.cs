using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Aws.Adapters;
using Nob.Core.Workflow;
using Nob.LocalBrokers;

namespace Nob.LocalMode.Tests;

/// <summary>
/// What nob leaves on disk is private (files 0600, folders 0700) after every command that writes it, and a build
/// converges after the endpoint was killed with SIGKILL: nothing created twice, the brokers found again, no JVM left over.
/// </summary>
public sealed class CrashRecoveryTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    void AssertPrivate(string after)
    {
        var exposed = PrivateState.Exposed(fixture.Home);
        output.WriteLine($"after {after}: {PrivateState.Count(fixture.Home)} entries under NOB_HOME, {exposed.Count} not private");
        Assert.True(PrivateState.Count(fixture.Home) > 20, "NOB_HOME holds less than a built network's state");
        Assert.True(exposed.Count == 0, $"after {after}, not owner-only (files must be 0600, folders 0700):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", exposed)}");
    }

    [Fact]
    public async Task UpDriftRepairAndSigkilledEndpoint_StatePrivateThroughoutAndTheRebuildConvergesWithoutDuplicates()
    {
        var spec = fixture.WriteSpec("crash", Specs.TwoBrokers("crash", "Crash1", "Crash2",
            """{ "type": "source-sink", "sources": ["Crash1"], "sinks": ["Crash2"] }"""));

        // 1. Build: everything under NOB_HOME is private, including the brokers' configurations (which hold passwords).
        var up = await fixture.NobAsync(output, "up", spec, "--json");
        Assert.True(up.ExitCode == 0, up.ToString());
        var before = Summary.Brokers(Summary.Parse(up)).ToDictionary(b => (string)b["brokerName"]!, b => (string)b["brokerId"]!);
        var configuration = Directory.GetFiles(Path.Combine(fixture.Home, "cloud", "brokers"), "activemq.xml", SearchOption.AllDirectories);
        Assert.Equal(2, configuration.Length);
        Assert.Contains(fixture.Password, File.ReadAllText(configuration[0]), StringComparison.Ordinal); // what makes its mode matter
        AssertPrivate("nob up");

        // 2. Drift (the connector removed by hand) and repair: a new revision and a reboot rewrite the configuration.
        var brokers = new AmazonMqBrokerService(fixture.MqClient());
        var owner = (await brokers.FindBrokerByNameAsync("Crash1", CancellationToken.None))!;
        var described = await brokers.DescribeBrokerAsync(owner.BrokerId, CancellationToken.None);
        var current = described.CurrentConfiguration!;
        var document = XDocument.Parse(await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, CancellationToken.None));
        foreach (var connector in document.Descendants().Where(e => e.Name.LocalName == "networkConnector").ToList()) connector.Remove();
        var update = await brokers.UpdateConfigurationAsync(current.Id, document.ToString(), "connector removed by hand", CancellationToken.None);
        await brokers.SetConfigurationRevisionAsync(owner.BrokerId, current.Id, update.Revision, CancellationToken.None);
        await brokers.RebootBrokerAsync(owner.BrokerId, CancellationToken.None);
        var repair = await fixture.NobAsync(output, "drift", spec, "--repair");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("Repaired", repair.Stdout, StringComparison.Ordinal);
        AssertPrivate("nob drift --repair");

        // 3. SIGKILL the endpoint nob started (identified from cloud.json by pid, start time and command line).
        var cloud = JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))!;
        var endpoint = new ProcessIdentity((int)cloud["pid"]!, (long)cloud["startTime"]!, (string)cloud["commandLine"]!);
        Assert.True(endpoint.IsRunning, $"cloud.json does not name the running endpoint: {cloud}");
        var jvmsBefore = BrokerJvms();
        Assert.Equal(2, jvmsBefore.Count);
        Assert.True(endpoint.TrySignal(ProcessIdentity.SigKill));
        Assert.True(await endpoint.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the endpoint survived SIGKILL");

        // 4. Build again at once (its brokers' JVMs may still be shutting down): it converges on the same brokers.
        var again = await fixture.NobAsync(output, "up", spec, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        var summary = Summary.Parse(again);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.Equal(before, Summary.Brokers(summary).ToDictionary(b => (string)b["brokerName"]!, b => (string)b["brokerId"]!));
        Assert.DoesNotContain(Summary.Strings(summary["changes"]), c => c.StartsWith("created", StringComparison.Ordinal));
        Assert.All(Summary.Brokers(summary), b => Assert.NotEqual(true, (bool?)b["created"]));
        using (var mq = fixture.MqClient())
            Assert.Equal(["Crash1", "Crash2"], (await global::Nob.Aws.Mq.AmazonMqClientExtensions.ListAllBrokersAsync(mq)).Select(b => b.BrokerName).Order(StringComparer.Ordinal));
        // One JVM per broker, none of them from before the kill (the restarted endpoint stopped any that outlived it).
        var jvmsAfter = BrokerJvms();
        Assert.Equal(2, jvmsAfter.Count);
        Assert.Empty(jvmsAfter.Intersect(jvmsBefore));
        var status = await fixture.NobAsync(output, "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"Crash1\s+RUNNING", status.Stdout);
        Assert.Matches(@"Crash2\s+RUNNING", status.Stdout);
        AssertPrivate("a restart of the endpoint after SIGKILL");
    }

    /// <summary>The broker JVMs of this NOB_HOME, by pid and start time.</summary>
    List<ProcessIdentity> BrokerJvms() =>
        [.. LeftoverProcesses.Referencing(fixture.Home).Where(p => p.IsJava && p.CommandLine.Contains("activemq", StringComparison.Ordinal))
            .Select(p => ProcessIdentity.Of(p.Pid)).OfType<ProcessIdentity>()];
}
