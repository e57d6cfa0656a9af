using Nob.Core.Lifecycle;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>A network whose first build failed has no record: its teardown finds the brokers nob tagged for it.</summary>
public class RecordlessTeardownTests
{
    readonly FakeBrokerService mq = new();
    readonly FakeSecurityGroups ec2 = new();
    readonly FakeNetworkStore store = new();
    static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task PlanTeardown_NoRecord_AddsTheBrokersNobTaggedForTheNetwork()
    {
        mq.Add("Renamed1", BrokerStates.CreationFailed, createdFor: "tutorial"); // from a spec since edited
        mq.Add("MyBroker1", createdFor: "tutorial");
        mq.Add("Theirs", createdFor: "other");
        mq.Add("Untagged");
        var plan = await new PlanTeardownStep(store, mq).RunAsync("tutorial", GivenSpecs.Of(Repo.Example("tutorial")), None);

        Assert.False(plan.Stored);
        Assert.Equal(["MyBroker1", "MyBroker2", "Renamed1"], plan.Brokers);
        // Only the brokers the spec does not name had their tags read.
        Assert.DoesNotContain("DescribeBroker b-mybroker1", mq.Calls);
    }

    [Fact]
    public async Task PlanTeardown_NoRecordNoSpecButTaggedBrokers_SaysWhichAndToGiveTheSpec()
    {
        mq.Add("MyBroker1", BrokerStates.CreationFailed, createdFor: "tutorial");
        var e = await Assert.ThrowsAsync<NetworkNotFoundException>(() => new PlanTeardownStep(store, mq).RunAsync("tutorial", null, None));
        Assert.Contains("MyBroker1", e.Message, StringComparison.Ordinal);
        Assert.Contains("spec", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanTeardown_WithRecord_DoesNotListBrokers()
    {
        await store.PutAsync(new NetworkRecord(NetworkRecord.CurrentSchemaVersion, "tutorial", Repo.Example("tutorial"), [], [], DateTimeOffset.UnixEpoch, null), None);
        mq.Add("Renamed1", createdFor: "tutorial");
        var plan = await new PlanTeardownStep(store, mq).RunAsync("tutorial", null, None);
        Assert.DoesNotContain("Renamed1", plan.Brokers);
        Assert.Empty(mq.Calls);
    }

    [Fact]
    public async Task RevokeIngress_BrokerFoundByTagInAGroupOutsideTheSpec_RevokesNobsRulesThere()
    {
        mq.Add("Renamed1", createdFor: "tutorial"); // in sg-1, as every broker the fake adds
        ec2.Rules.Add(new IngressRule("sg-1", 61617, "10.0.0.9/32", null, DesiredIngress.DescriptionPrefix("tutorial") + "old connector"));
        ec2.Rules.Add(new IngressRule("sg-1", 61617, "10.0.0.8/32", null, "someone else's"));
        var spec = Repo.Spec("tutorial");
        var specInOtherGroups = spec with { Brokers = [.. spec.Brokers.Select(b => b with { SecurityGroups = ["sg-elsewhere"] })] };

        var without = await new RevokeIngressStep(mq, ec2, store, null).RunAsync(specInOtherGroups, None);
        Assert.Empty(without); // the spec's brokers do not exist and their groups hold nothing of nob's
        var revoked = await new RevokeIngressStep(mq, ec2, store, null).RunAsync(specInOtherGroups, None, ["MyBroker1", "MyBroker2", "Renamed1"]);

        Assert.Equal(["10.0.0.9/32"], revoked.Select(r => r.SourceCidr));
        Assert.Contains(ec2.Rules, r => r.SourceCidr == "10.0.0.8/32");
    }
}
