using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Aws.Adapters;
using Nob.Aws.Mq.Model;

namespace Nob.LocalMode.Tests;

/// <summary>
/// A console user saves an edit of a broker's configuration while `nob up` writes nob's revision of it (the endpoint's
/// fault ConcurrentEditBeforeUpdateBrokerOf, just before it processes nob's UpdateBroker): nob merges its connectors onto
/// the edit and the broker runs both, as real ActiveMQ starts them.
/// </summary>
public sealed class ConcurrentEditTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    static readonly XNamespace Core = "http://activemq.apache.org/schema/core";
    const string Marker = "localcloud.console-edit";

    [Fact]
    public async Task Up_ConsoleEditLandsBeforeNobsUpdateBroker_SucceedsAndTheBrokerRunsTheEditAndNobsConnectors()
    {
        var spec = fixture.WriteSpec("concurrent", Specs.TwoBrokers("concurrent", "Concurrent1", "Concurrent2",
            """{ "type": "source-sink", "sources": ["Concurrent1"], "sinks": ["Concurrent2"] }"""));

        // The endpoint starts with this first `nob up`; the fault is set as soon as it answers, long before the brokers
        // are RUNNING and their revisions written (the fault's list, emptied once it fired, proves the order below).
        var up = fixture.NobAsync("up", spec, "--json");
        await SetFaultOnceTheEndpointAnswersAsync(up, new { concurrentEditBeforeUpdateBrokerOf = new[] { "Concurrent1" } });
        var run = await up;
        JsonObject faults;
        try
        {
            faults = await fixture.GetFaultsAsync();
        }
        finally
        {
            await fixture.ResetFaultsAsync();
        }
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(faults["settings"]!["concurrentEditBeforeUpdateBrokerOf"]!.AsArray()); // the console edit happened
        var summary = Summary.Parse(run);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.Contains(("Concurrent1", "Concurrent2"), Summary.Pairs(summary));
        Assert.Contains(Summary.Strings(summary["changes"]), c => c.Contains("merged them with a revision someone else wrote meanwhile", StringComparison.Ordinal));

        // The revision the broker runs is the newest one, holds the console edit and nob's connector, and came after the edit.
        var brokers = new AmazonMqBrokerService(fixture.MqClient());
        var owner = (await brokers.FindBrokerByNameAsync("Concurrent1", CancellationToken.None))!;
        var described = await brokers.DescribeBrokerAsync(owner.BrokerId, CancellationToken.None);
        var current = described.CurrentConfiguration!;
        Assert.Null(described.PendingConfiguration);
        Assert.Equal(current.Revision, await brokers.GetLatestConfigurationRevisionAsync(current.Id, CancellationToken.None));
        var running = XDocument.Parse(await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, CancellationToken.None));
        AssertEditAndConnector(running, "the running revision");
        using var mq = fixture.MqClient();
        var revisions = (await mq.ListConfigurationRevisionsAsync(new ListConfigurationRevisionsRequest { ConfigurationId = current.Id, MaxResults = 100 })).Revisions;
        output.WriteLine(string.Join(Environment.NewLine, revisions.Select(r => $"revision {r.Revision}: {r.Description}")));
        var edit = Assert.Single(revisions, r => r.Description?.StartsWith("console edit", StringComparison.Ordinal) == true);
        Assert.True(edit.Revision <= current.Revision, $"the broker runs revision {current.Revision}, older than the console edit {edit.Revision}");

        // What the broker JVM started from (its runtime activemq.xml, written at nob's reboot) has both too.
        var runtime = Directory.GetFiles(Path.Combine(fixture.Home, "cloud", "brokers", owner.BrokerId), "activemq.xml", SearchOption.AllDirectories);
        Assert.NotEmpty(runtime);
        foreach (var file in runtime) AssertEditAndConnector(XDocument.Load(file), file);
    }

    static void AssertEditAndConnector(XDocument configuration, string what)
    {
        Assert.True(configuration.Descendants(Core + "destinations").Elements(Core + "queue").Any(q => (string?)q.Attribute("physicalName") == Marker),
            $"{what} lost the console edit (queue {Marker}):{Environment.NewLine}{configuration}");
        Assert.True(configuration.Descendants(Core + "networkConnector").Any(c => ((string?)c.Attribute("name"))?.StartsWith("nob.concurrent.", StringComparison.Ordinal) == true),
            $"{what} has no connector of nob's:{Environment.NewLine}{configuration}");
    }

    /// <summary>Sets the faults as soon as the endpoint the running `nob up` starts answers (bounded; fails if `nob up` ends first).</summary>
    async Task SetFaultOnceTheEndpointAnswersAsync(Task<NobRun> up, object settings)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (up.IsCompleted) Assert.Fail($"nob up ended before its endpoint answered: {await up}");
            if (File.Exists(fixture.CloudStateFile))
            {
                try
                {
                    await fixture.SetFaultsAsync(settings);
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or IOException or TaskCanceledException)
                {
                    // cloud.json is being written, or the endpoint is not listening yet
                }
            }
            await Task.Delay(100);
        }
        Assert.Fail("the local endpoint did not answer within 2 minutes");
    }
}
