using System.Xml.Linq;
using Nob.Core.Configuration;
using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>
/// The revision write as a compare-and-swap: another writer (a console user, another network's build) landing a revision
/// between nob's read and its UpdateBroker is merged, not dropped; one that keeps landing fails by name; and after the
/// reboot the broker must run the revision nob set.
/// </summary>
public class ConfigurationRevisionWriterTests
{
    static readonly XNamespace Core = ConnectorConfigurationWriter.Core;
    const string Marker = "console.edit";
    readonly FakeBrokerService mq = new();
    readonly FakeParameters ssm = new();
    readonly NetworkSpec tutorial = Repo.Spec("tutorial");
    static readonly CancellationToken None = CancellationToken.None;

    public ConfigurationRevisionWriterTests() => ssm.Values["/nob/tutorial/password"] = "correct-horse-battery";

    readonly List<EnsuredBroker> ensured = [];

    async Task<NetworkPlanResult> PlanAsync()
    {
        foreach (var b in tutorial.Brokers) ensured.Add(await new EnsureBrokerStep(mq, ssm).RunAsync(tutorial, b.Name, None));
        foreach (var b in mq.Brokers.Values) b.State = BrokerStates.Running;
        return await new PlanNetworkStep(mq).RunAsync(tutorial, ensured, None);
    }

    /// <summary>What a console user does: the newest revision plus a queue, saved as a new revision.</summary>
    void ConsoleEdit(string configurationId, string queue = Marker, int? basedOn = null)
    {
        var revisions = mq.Revisions[configurationId];
        var document = XDocument.Parse(revisions[(basedOn ?? revisions.Count) - 1]);
        var destinations = document.Root!.Element(Core + "destinations");
        if (destinations is null) document.Root.Add(destinations = new XElement(Core + "destinations"));
        destinations.Add(new XElement(Core + "queue", new XAttribute("physicalName", queue)));
        revisions.Add(document.ToString());
    }

    static IReadOnlyList<string> Queues(string xml) =>
        [.. XDocument.Parse(xml).Descendants(Core + "queue").Select(q => (string)q.Attribute("physicalName")!)];

    static IReadOnlyList<string> Connectors(string xml) =>
        [.. XDocument.Parse(xml).Descendants(Core + "networkConnector").Select(c => (string)c.Attribute("name")!)];

    string PendingXml(FakeBrokerService.Broker broker) => mq.Revisions[broker.ConfigurationId][broker.PendingRevision!.Value - 1];

    [Fact]
    public async Task WriteRevision_NoOtherWriter_SetsItsOwnRevisionOnceAfterCheckingTheNewestBeforeAndAfter()
    {
        var plan = await PlanAsync();
        var broker = mq.ByName("MyBroker1");

        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None);

        Assert.Equal(2, result.Revision);
        Assert.Equal(2, broker.PendingRevision);
        var calls = mq.Calls.Where(c => c.StartsWith("DescribeConfiguration ", StringComparison.Ordinal) || c.StartsWith("UpdateBroker", StringComparison.Ordinal)
            || c.StartsWith("UpdateConfiguration", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"DescribeConfiguration {broker.ConfigurationId}", $"UpdateConfiguration {broker.ConfigurationId}", $"DescribeConfiguration {broker.ConfigurationId}",
            $"UpdateBroker {broker.Id} 2", $"DescribeConfiguration {broker.ConfigurationId}"], calls);
    }

    [Fact]
    public async Task WriteRevision_RevisionLandsBetweenReadAndWrite_BuildsAgainOnItAndSetsOnlyTheMergedRevision()
    {
        var plan = await PlanAsync();
        var broker = mq.ByName("MyBroker1");
        mq.BeforeUpdateConfiguration = id =>
        {
            mq.BeforeUpdateConfiguration = null;
            ConsoleEdit(id); // revision 2, on revision 1 which nob read
        };

        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None);

        // Nob's first revision (3) was built on 1 and would drop the edit: never set. Its second (4) is built on the edit.
        Assert.Equal(4, result.Revision);
        Assert.Equal(4, broker.PendingRevision);
        Assert.Equal([$"UpdateBroker {broker.Id} 4"], mq.Calls.Where(c => c.StartsWith("UpdateBroker", StringComparison.Ordinal)));
        Assert.Equal([Marker], Queues(PendingXml(broker)));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], Connectors(PendingXml(broker)));
        Assert.True(result.Written);
        Assert.True(result.RebootRequired);
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], result.AddedConnectors);
    }

    [Fact]
    public async Task WriteRevision_ConsoleEditLandsWhileTheBrokerTakesNobsRevision_SetsTheEditWhichKeepsBoth()
    {
        var plan = await PlanAsync();
        var broker = mq.ByName("MyBroker1");
        mq.BeforeUpdateBroker = id =>
        {
            mq.BeforeUpdateBroker = null;
            ConsoleEdit(mq.Brokers[id].ConfigurationId); // revision 3, on nob's revision 2
        };

        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None);

        // The edit already has nob's connectors: no third revision of nob's, the broker takes the edit.
        Assert.Equal(3, result.Revision);
        Assert.Equal(3, broker.PendingRevision);
        Assert.Equal(3, mq.Revisions[broker.ConfigurationId].Count);
        Assert.Equal([Marker], Queues(PendingXml(broker)));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], Connectors(PendingXml(broker)));
        Assert.True(result.Written);
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], result.AddedConnectors);
        Assert.Equal(2, result.Attempts);
        // The summary says nob merged, and which revision the broker got, not that nob wrote the console user's revision.
        var summary = await new SummarizeStep(mq, TimeProvider.System).RunAsync(tutorial, ensured, plan, new IngressResult([]), [result],
            new VerificationResult("SKIPPED", "not asked", [], null), null, None);
        Assert.Contains("wrote MyBroker1's connectors (+1 -0 ~0) and merged them with a revision someone else wrote meanwhile: set revision 3", summary.Changes);
    }

    [Fact]
    public async Task WriteRevision_EditOnAnOlderRevisionWithoutNobsConnectors_IsMergedWithThemAgain()
    {
        var plan = await PlanAsync();
        var broker = mq.ByName("MyBroker1");
        mq.BeforeUpdateBroker = id =>
        {
            mq.BeforeUpdateBroker = null;
            ConsoleEdit(mq.Brokers[id].ConfigurationId, basedOn: 1); // revision 3: the edit, on the revision before nob's
        };

        var result = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None);

        Assert.Equal(4, result.Revision);
        Assert.Equal(4, broker.PendingRevision);
        Assert.Equal([Marker], Queues(PendingXml(broker)));
        Assert.Equal(["nob.tutorial.MyBroker1.to.MyBroker2"], Connectors(PendingXml(broker)));
    }

    [Fact]
    public async Task WriteRevision_RevisionsKeepLandingOnEveryAttempt_FailsWithConfigurationConflictAfterThreeAttempts()
    {
        var plan = await PlanAsync();
        var broker = mq.ByName("MyBroker1");
        var edits = 0;
        mq.BeforeUpdateBroker = id => ConsoleEdit(mq.Brokers[id].ConfigurationId, $"{Marker}.{++edits}");

        var e = await Assert.ThrowsAsync<ConfigurationConflictException>(() => new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None));

        Assert.Equal("MyBroker1", e.BrokerName);
        Assert.Contains("3 times", e.Message, StringComparison.Ordinal);
        Assert.Contains("run the build again", e.Message, StringComparison.Ordinal);
        Assert.Equal(ConfigurationRevisionWriter.MaxAttempts, mq.Calls.Count(c => c.StartsWith("UpdateBroker", StringComparison.Ordinal)));
        Assert.Equal(3, edits);
        // Each attempt merged onto the edit before it: the newest edit nob set still holds every edit before it.
        Assert.Equal([$"{Marker}.1", $"{Marker}.2"], Queues(PendingXml(broker)));
        Assert.DoesNotContain(mq.Calls, c => c.StartsWith("CreateUser", StringComparison.Ordinal)); // nothing after the failure
    }

    [Fact]
    public async Task RebootWait_BrokerRunsTheRevisionNobSet_IsReady()
    {
        var plan = await PlanAsync();
        var clock = ManualClock.AutoAdvancing(DateTimeOffset.UnixEpoch);
        var polling = PollPlan.For(new PollingSpec(30, 60), 2);
        var revision = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None);
        var rebooting = await new BrokerReboot(mq, clock).RunAsync(revision, polling, None);
        Assert.Equal(new ConfigurationRef(revision.ConfigurationId, revision.Revision), rebooting.ExpectedConfiguration);
        mq.FinishReboot(revision.BrokerId);

        var status = await new BrokerStateCheck(mq, clock).RunAsync(AsWait(rebooting), None);

        Assert.True(status.Ready);
        Assert.Equal(rebooting.ExpectedConfiguration, status.ExpectedConfiguration);
    }

    [Fact]
    public async Task RebootWait_SomeoneSetAnotherRevisionBeforeTheReboot_FailsWithBrokerRevisionMismatchNamingBoth()
    {
        var plan = await PlanAsync();
        var clock = ManualClock.AutoAdvancing(DateTimeOffset.UnixEpoch);
        var polling = PollPlan.For(new PollingSpec(30, 60), 2);
        var revision = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(tutorial, plan, "MyBroker1", None);
        var rebooting = await new BrokerReboot(mq, clock).RunAsync(revision, polling, None);
        var broker = mq.ByName("MyBroker1");
        ConsoleEdit(broker.ConfigurationId);
        broker.PendingRevision = mq.Revisions[broker.ConfigurationId].Count; // someone else's UpdateBroker, applied by the reboot
        mq.FinishReboot(broker.Id);

        var e = await Assert.ThrowsAsync<BrokerRevisionMismatchException>(() => new BrokerStateCheck(mq, clock).RunAsync(AsWait(rebooting), None));

        Assert.Equal("MyBroker1", e.BrokerName);
        Assert.Equal(new ConfigurationRef(broker.ConfigurationId, 2), e.Expected);
        Assert.Equal(new ConfigurationRef(broker.ConfigurationId, 3), e.Actual);
        Assert.Contains("revision 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("runs revision 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreationWait_NoExpectedRevision_DoesNotCheckTheRevision()
    {
        var broker = mq.Add("A");
        broker.CurrentRevision = 1;
        var wait = new BrokerWait("A", broker.Id, WaitPhases.Creation, 0, PollPlan.For(new PollingSpec(30, 60), 2));
        var status = await new BrokerStateCheck(mq, ManualClock.AutoAdvancing(DateTimeOffset.UnixEpoch)).RunAsync(wait, None);
        Assert.True(status.Ready);
        Assert.Null(status.ExpectedConfiguration);
    }

    /// <summary>The loop's next turn reads the status as its wait, as the ASL passes $.wait.value.</summary>
    static BrokerWait AsWait(BrokerWaitStatus s) => new(s.BrokerName, s.BrokerId, s.Phase, s.Poll, s.Polling, s.Since, s.ExpectedConfiguration);
}
