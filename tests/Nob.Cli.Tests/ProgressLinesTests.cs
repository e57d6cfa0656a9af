using Nob.Cli.Local.Workflow;

namespace Nob.Cli.Tests;

/// <summary>The broker a progress line names, read from the one place each kind of state's input has it.</summary>
public class ProgressLinesTests
{
    [Fact]
    public void Broker_PerBrokerStateInput_NamesTheIterationsBroker() =>
        Assert.Equal(" [B2]", ProgressLines.Broker("""{"spec":{},"brokerName":"B2","recreation":{"count":0}}"""));

    [Fact]
    public void Broker_CreationStageTurn_NamesTheBrokersStillWaitingWithTheirStates() =>
        Assert.Equal(" [B1, CREATION_IN_PROGRESS]", ProgressLines.Broker("""
            {"spec":{},"wait":{"value":{"brokers":[{"brokerName":"B1"},{"brokerName":"B2"}],"waits":[
              {"brokerName":"B1","state":"CREATION_IN_PROGRESS","ready":false},{"brokerName":"B2","state":"RUNNING","ready":true}]}}}
            """));

    [Fact]
    public void Broker_CreationStageFirstTurn_NamesEveryBrokerOfTheStage() =>
        Assert.Equal(" [B1; B2]", ProgressLines.Broker("""{"wait":{"value":{"brokers":[{"brokerName":"B1"},{"brokerName":"B2"}],"waits":[]}}}"""));

    [Fact]
    public void Broker_RebootStageTurn_NamesTheRebootsUnderWay() =>
        Assert.Equal(" [B3, REBOOT_IN_PROGRESS]", ProgressLines.Broker("""{"reboot":{"value":{"waits":[{"brokerName":"B3","state":"REBOOT_IN_PROGRESS","ready":false}]}}}"""));

    [Fact]
    public void Broker_ManyWaiting_ListsSixAndCountsTheRest()
    {
        var waits = string.Join(',', Enumerable.Range(1, 8).Select(i => $$"""{"brokerName":"B{{i}}","state":"CREATION_IN_PROGRESS","ready":false}"""));

        Assert.EndsWith("B6, CREATION_IN_PROGRESS; 2 more]", ProgressLines.Broker("""{"wait":{"value":{"waits":[""" + waits + "]}}}"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"spec":{},"brokers":[{"brokerName":"B1"}]}""")] // a network-wide state: no broker of its own
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData(null)]
    public void Broker_NoBrokerOfItsOwn_Nothing(string? input) => Assert.Equal("", ProgressLines.Broker(input));
}
