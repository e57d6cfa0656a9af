using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>The plan from a spec and its brokers' endpoints, computed once per warm process (<see cref="PlanMemo"/>).</summary>
public class PlanMemoTests
{
    static readonly CancellationToken None = CancellationToken.None;

    static NetworkPlanResult Endpoints(string host) => new("tutorial",
    [
        new BrokerWork("MyBroker1", "b-1", false, ["sg-1"], [], [$"ssl://b-1.{host}:61617"], [$"stomp+ssl://b-1.{host}:61614"]),
        new BrokerWork("MyBroker2", "b-2", false, ["sg-1"], [], [$"ssl://b-2.{host}:61617"], [$"stomp+ssl://b-2.{host}:61614"]),
    ]);

    [Fact]
    public void Plan_SameSpecAndEqualEndpointsFromTwoStates_IsPlannedOnce()
    {
        var spec = SpecReader.ReadValid(Repo.Example("tutorial"));

        // Two deserializations of the same state (two Map iterations): equal endpoints, different instances.
        var first = Endpoints("mq.example").Plan(spec);
        var second = Endpoints("mq.example").Plan(spec);

        Assert.Same(first, second);
    }

    [Fact]
    public void Plan_OtherEndpoints_PlansAgainWithThem()
    {
        var spec = SpecReader.ReadValid(Repo.Example("tutorial"));

        var first = Endpoints("mq.example").Plan(spec);
        var moved = Endpoints("mq.elsewhere").Plan(spec);

        Assert.NotSame(first, moved);
        Assert.Equal("static:(ssl://b-2.mq.elsewhere:61617)", Assert.Single(moved.Broker("MyBroker1").Connectors).Uri);
    }

    [Fact]
    public void Plan_AnotherInstanceOfTheSpec_IsPlannedForIt()
    {
        // Kept by spec instance: a spec read again (not through the handlers' memo) gets a plan of its own, equal in content.
        var first = Endpoints("mq.example").Plan(SpecReader.ReadValid(Repo.Example("tutorial")));
        var second = Endpoints("mq.example").Plan(SpecReader.ReadValid(Repo.Example("tutorial")));

        Assert.NotSame(first, second);
        Assert.Equal(first.Connectors.Select(c => c.Uri), second.Connectors.Select(c => c.Uri));
    }

    [Fact]
    public void Plan_MissingEndpoint_FailsByNameEachTime()
    {
        var spec = SpecReader.ReadValid(Repo.Example("tutorial"));
        var plan = Endpoints("mq.example");
        var missing = plan with { Brokers = [plan.Brokers[0], plan.Brokers[1] with { OpenWireEndpoints = [] }] };

        var first = Assert.Throws<ArgumentException>(() => missing.Plan(spec));
        var second = Assert.Throws<ArgumentException>(() => missing.Plan(spec));

        Assert.Contains("MyBroker2", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
        Assert.NotSame(first, second); // planned again, not a kept failure
    }

    [Fact]
    public async Task PlanNetwork_BrokerTags_AreInThePlanForTheStoreStep()
    {
        var mq = new FakeBrokerService();
        var spec = SpecReader.ReadValid(Repo.Example("tutorial"));
        var nobs = mq.Add("MyBroker1", createdFor: "tutorial");
        var theirs = mq.Add("MyBroker2", createdFor: "other");
        EnsuredBroker[] ensured = [new("MyBroker1", nobs.Id, Created: false), new("MyBroker2", theirs.Id, Created: false)];

        var plan = await new PlanNetworkStep(mq).RunAsync(spec, ensured, None);

        Assert.Equal([true, false], plan.Brokers.Select(b => b.TaggedForNetwork));
    }
}
