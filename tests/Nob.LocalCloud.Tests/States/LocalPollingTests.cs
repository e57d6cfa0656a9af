using System.Text.Json.Nodes;
using Nob.LocalCloud.States;

namespace Nob.LocalCloud.Tests.States;

/// <summary>The input the endpoint's build-network and teardown-network executions run with: local polling values.</summary>
public sealed class LocalPollingTests
{
    [Theory]
    [InlineData(60, 10)]
    [InlineData(3, 3)]
    [InlineData(0, 10)]
    public void Apply_BuildSpec_LocalPollingWithAShorterTimeoutKept(int given, int expected)
    {
        var input = new JsonObject { ["networkName"] = "n", ["polling"] = new JsonObject { ["intervalSeconds"] = 30, ["timeoutMinutes"] = given } };

        var applied = JsonNode.Parse(LocalPolling.Apply(LocalPolling.BuildNetworkLogicalId, input.ToJsonString()))!;

        var polling = LocalPolling.Values();
        polling["timeoutMinutes"] = expected;
        Assert.True(JsonNode.DeepEquals(polling, applied["polling"]), applied.ToJsonString());
        Assert.Equal("n", (string?)applied["networkName"]);
    }

    [Fact]
    public void Apply_TeardownInput_GetsLocalPolling()
    {
        var applied = JsonNode.Parse(LocalPolling.Apply(LocalPolling.TeardownNetworkLogicalId, """{"networkName":"n","polling":{"timeoutMinutes":3}}"""))!;

        Assert.True(JsonNode.DeepEquals(LocalPolling.Values(), applied["polling"]), applied.ToJsonString());
    }

    [Theory]
    [InlineData("CheckDriftStateMachine", """{"networkName":"n"}""")]
    [InlineData(LocalPolling.BuildNetworkLogicalId, """["not","an","object"]""")]
    [InlineData(LocalPolling.BuildNetworkLogicalId, "{not json")]
    public void Apply_OtherMachineOrNotAnObject_Unchanged(string logicalId, string input)
    {
        Assert.Equal(input, LocalPolling.Apply(logicalId, input));
    }
}
