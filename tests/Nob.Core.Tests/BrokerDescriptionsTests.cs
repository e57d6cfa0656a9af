using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>Finding and describing brokers for the steps (<see cref="BrokerDescriptions"/>): one listing, one describe per broker.</summary>
public class BrokerDescriptionsTests
{
    static readonly CancellationToken None = CancellationToken.None;
    readonly FakeBrokerService mq = new();
    BrokerDescriptions Descriptions => new(mq);

    [Fact]
    public async Task FindAsync_ListedBroker_IsDescribedOnce()
    {
        var broker = mq.Add("MyBroker1");

        var found = await Descriptions.FindAsync("MyBroker1", None);

        Assert.Equal(broker.Id, found?.BrokerId);
        Assert.Equal(["ListBrokers", $"DescribeBroker {broker.Id}"], mq.Calls);
    }

    [Fact]
    public async Task FindAsync_NoBrokerOfTheName_IsNullWithoutADescribe()
    {
        Assert.Null(await Descriptions.FindAsync("MyBroker1", None));
        Assert.Null(await Descriptions.FindExistingAsync("MyBroker1", None));
        Assert.Equal(["ListBrokers", "ListBrokers"], mq.Calls);
    }

    [Fact]
    public async Task FindAsync_DeletedBetweenListingAndDescribe_FailsButFindExistingIsNull()
    {
        mq.GoneOnDescribe.Add(mq.Add("MyBroker1").Id);

        await Assert.ThrowsAsync<BrokerMissingException>(() => Descriptions.FindAsync("MyBroker1", None));
        Assert.Null(await Descriptions.FindExistingAsync("MyBroker1", None));
    }

    [Fact]
    public async Task FindExistingAsync_SeveralNames_KeysThoseThatExistByName()
    {
        mq.Add("MyBroker1");
        mq.GoneOnDescribe.Add(mq.Add("MyBroker2").Id);

        var found = await Descriptions.FindExistingAsync(["MyBroker1", "MyBroker2", "MyBroker3"], None);

        Assert.Equal(["MyBroker1"], found.Keys);
        Assert.Equal("b-mybroker1", found["MyBroker1"].BrokerId);
    }

    [Fact]
    public async Task ListedAsync_Filter_DescribesOnlyTheBrokersItKeepsInOneListing()
    {
        mq.Add("A");
        mq.Add("B", BrokerStates.DeletionInProgress);
        mq.GoneOnDescribe.Add(mq.Add("C").Id);
        mq.Add("D");

        var listed = await Descriptions.ListedAsync(s => s.BrokerState != BrokerStates.DeletionInProgress, None);

        Assert.Equal(["A", "D"], listed.Select(d => d.BrokerName));
        Assert.Equal(["ListBrokers", "DescribeBroker b-a", "DescribeBroker b-c", "DescribeBroker b-d"], mq.Calls);
    }

    [Fact]
    public async Task OfEnsuredAsync_EveryBrokerEnsured_IsDescribedByItsIdWithoutAListing()
    {
        var spec = Repo.Spec("tutorial");
        EnsuredBroker[] ensured = [new("MyBroker1", mq.Add("MyBroker1").Id, Created: true), new("MyBroker2", mq.Add("MyBroker2").Id, Created: false)];

        var described = await Descriptions.OfEnsuredAsync(spec, ensured, None);

        Assert.Equal(["MyBroker1", "MyBroker2"], described.Keys);
        Assert.Equal(["DescribeBroker b-mybroker1", "DescribeBroker b-mybroker2"], mq.Calls);
    }

    [Fact]
    public async Task OfEnsuredAsync_BrokerNotEnsured_FailsNamingIt()
    {
        var spec = Repo.Spec("tutorial");
        EnsuredBroker[] ensured = [new("MyBroker1", mq.Add("MyBroker1").Id, Created: true)];

        var e = await Assert.ThrowsAsync<BrokerMissingException>(() => Descriptions.OfEnsuredAsync(spec, ensured, None));

        Assert.Contains("MyBroker2", e.Message, StringComparison.Ordinal);
    }
}
