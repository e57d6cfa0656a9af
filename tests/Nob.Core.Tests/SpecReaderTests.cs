using System.Text.Json.Nodes;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

public class SpecReaderTests
{
    static IReadOnlyList<SpecError> Errors(string json)
    {
        var result = SpecReader.Read(json);
        Assert.Null(result.Spec);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    static IReadOnlyList<SpecError> ErrorsAfter(string exampleName, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(Repo.Example(exampleName))!.AsObject();
        edit(node);
        return Errors(node.ToJsonString());
    }

    static void AssertError(IReadOnlyList<SpecError> errors, string path, string messagePart) =>
        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(messagePart, StringComparison.Ordinal)),
            $"expected an error at {path} containing \"{messagePart}\"; got:\n{string.Join("\n", errors)}");

    public static TheoryData<string> Examples() => [.. Repo.ExampleNames()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Read_ExampleSpec_IsValid(string example)
    {
        var result = SpecReader.Read(Repo.Example(example));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Read_TutorialExample_DescribesTheTutorialsTwoBrokers()
    {
        var spec = Repo.Spec("tutorial");
        Assert.Equal(["MyBroker1", "MyBroker2"], spec.Brokers.Select(b => b.Name));
        var topology = Assert.IsType<SourceSinkTopology>(spec.Topology);
        Assert.Equal(["MyBroker1"], topology.Sources);
        Assert.Equal(["MyBroker2"], topology.Sinks);
        Assert.Equal("myCommonUser", spec.User.Username);
        Assert.All(spec.Brokers, b => Assert.Equal(DeploymentModes.SingleInstance, b.DeploymentMode));
    }

    [Fact]
    public void Read_BrokerWithoutSettings_TakesBrokerDefaultsThenBuiltInDefaults()
    {
        var spec = SpecReader.ReadValid("""
            {
              "networkName": "n1",
              "topology": { "type": "mesh" },
              "brokers": [ { "name": "A", "hostInstanceType": "mq.m5.xlarge" }, { "name": "B" } ],
              "brokerDefaults": { "securityGroups": ["sg-9"] },
              "user": { "username": "u1", "passwordParameter": "/p" }
            }
            """);
        Assert.Equal("mq.m5.xlarge", spec.Broker("A").HostInstanceType);
        Assert.Equal(SpecReader.DefaultHostInstanceType, spec.Broker("B").HostInstanceType);
        Assert.Equal(["sg-9"], spec.Broker("B").SecurityGroups);
        Assert.Equal(SpecReader.DefaultEngineVersion, spec.Broker("A").EngineVersion);
        Assert.Equal(new PollingSpec(30, 60), spec.Polling);
        Assert.Equal(new VerificationSpec(true, 30, 32), spec.Verification);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    public void Read_VerificationMaxConcurrencyInRange_IsKept(int concurrency)
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["verification"]!["maxConcurrency"] = concurrency;
        Assert.Equal(concurrency, SpecReader.ReadValid(spec.ToJsonString()).Verification.MaxConcurrency);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(129)]
    public void Read_VerificationMaxConcurrencyOutOfRange_SaysWhatIsAllowed(int concurrency)
    {
        var errors = ErrorsAfter("tutorial", s => s["verification"]!["maxConcurrency"] = concurrency);
        AssertError(errors, "verification.maxConcurrency", "from 1 to 128");
    }

    [Fact]
    public void Read_BrokerNameWithSpace_SaysWhereWhatAndWhatIsAllowed()
    {
        var errors = ErrorsAfter("tutorial", s => s["brokers"]![1]!["name"] = "My Broker");
        Assert.Contains(errors, e => e.ToString() == "brokers[1].name: \"My Broker\" contains a space; use 1-50 letters, digits, '-' or '_'");
    }

    [Fact]
    public void Read_PollingWithExpectedTimesLingerAndRate_KeepsThem()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["polling"] = JsonNode.Parse("""{"intervalSeconds": 20, "timeoutMinutes": 90, "expectedCreationSeconds": 1200, "expectedRebootSeconds": 420, "lingerSeconds": 5, "maxRequestsPerSecond": 8, "expectedDeletionSeconds": 240}""");
        var read = SpecReader.Read(spec.ToJsonString());
        Assert.Equal(new PollingSpec(20, 90, 1200, 420, 5, 8, 240), read.Spec?.Polling);
    }

    [Fact]
    public void Read_PollingWithoutTheNewFields_UsesTheAmazonMqDefaults()
    {
        var read = SpecReader.Read(Repo.Example("tutorial"));
        Assert.Equal(new PollingSpec(30, 60, 900, 300, 0, 5, 300), read.Spec?.Polling);
    }

    [Fact]
    public void Read_LingerLongerThanTheCheckFunctionAllows_SaysTheRange()
    {
        var errors = ErrorsAfter("tutorial", s => s["polling"]!["lingerSeconds"] = 30);
        AssertError(errors, "polling.lingerSeconds", "from 0 to 20");
    }

    [Fact]
    public void Read_SeveralProblems_ReportsEveryOneAtOnce()
    {
        var errors = ErrorsAfter("tutorial", s =>
        {
            s["networkName"] = "bad name!";
            s["brokers"]![0]!["name"] = "";
            s["polling"]!["intervalSeconds"] = 0;
            s["verification"]!["timeoutSeconds"] = "soon";
            s["colour"] = "blue";
        });
        AssertError(errors, "networkName", "contains a space");
        AssertError(errors, "brokers[0].name", "is empty");
        AssertError(errors, "polling.intervalSeconds", "from 1 to 3600");
        AssertError(errors, "verification.timeoutSeconds", "whole number");
        AssertError(errors, "colour", "unknown field");
    }

    [Fact]
    public void Read_UnknownTopology_ListsTheKnownOnes()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "ring" }""", "A", "B"));
        AssertError(errors, "topology.type", "\"ring\" is not a topology; use one of source-sink, hub-and-spoke, mesh, concentrator, tree, custom");
    }

    [Fact]
    public void Read_TopologyNamesAnUnknownBroker_NamesTheBrokersThereAre()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "hub-and-spoke", "hub": "Center" }""", "A", "B"));
        AssertError(errors, "topology.hub", "\"Center\" is not a broker of this spec; brokers are: A, B");
    }

    [Fact]
    public void Read_DuplicateBrokerNames_PointsAtTheFirst()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "mesh" }""", "A", "B", "A"));
        AssertError(errors, "brokers[2].name", "already the name of brokers[0]");
    }

    [Fact]
    public void Read_TreeWithCycle_ReportsTheCycleOnce()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "tree", "parents": { "B": "C", "C": "D", "D": "B" } }""", "A", "B", "C", "D"));
        Assert.Single(errors, e => e.Message.StartsWith("cycle ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("B -> C -> D -> B", StringComparison.Ordinal) || e.Message.Contains("C -> D -> B -> C", StringComparison.Ordinal) || e.Message.Contains("D -> B -> C -> D", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_TreeWithTwoRoots_NamesBoth()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "tree", "parents": { "B": "A" } }""", "A", "B", "C"));
        AssertError(errors, "topology.parents", "2 roots (A, C)");
    }

    [Fact]
    public void Read_TreeWhereEveryBrokerHasAParent_ReportsNoRoot()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "tree", "parents": { "A": "B", "B": "A" } }""", "A", "B"));
        AssertError(errors, "topology.parents", "no root");
    }

    [Fact]
    public void Read_BrokerLeftOutOfTheTopology_IsReportedUnconnected()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "source-sink", "sources": ["A"], "sinks": ["B"] }""", "A", "B", "C"));
        AssertError(errors, "brokers[2]", "\"C\" is not connected by the source-sink topology");
    }

    [Fact]
    public void Read_BrokerOwningMoreThanTwentyConnectors_IsRejected()
    {
        var sinks = Enumerable.Range(1, 21).Select(i => $"S{i}").ToArray();
        var json = Repo.SpecJson($$"""{ "type": "source-sink", "sources": ["Src"], "sinks": [{{string.Join(",", sinks.Select(s => $"\"{s}\""))}}] }""", ["Src", .. sinks]);
        AssertError(Errors(json), "brokers[0]", "would own 21 network connectors; Amazon MQ allows at most 20");
    }

    [Fact]
    public void Read_DuplexMeshOfFortyOneBrokers_FitsTheConnectorLimit()
    {
        var names = Enumerable.Range(1, 41).Select(i => $"M{i}").ToArray();
        Assert.True(SpecReader.Read(Repo.SpecJson("""{ "type": "mesh" }""", names)).IsValid);
        var tooMany = Enumerable.Range(1, 42).Select(i => $"M{i}").ToArray();
        Assert.Contains(Errors(Repo.SpecJson("""{ "type": "mesh" }""", tooMany)), e => e.Message.Contains("would own 21", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ActiveStandbyWithOneSubnet_IsRejected()
    {
        var errors = ErrorsAfter("active-standby", s => s["brokers"]![1]!["subnetIds"] = new JsonArray("subnet-a"));
        AssertError(errors, "brokers[1].subnetIds", "1 subnet(s) for ACTIVE_STANDBY_MULTI_AZ; it takes exactly 2");
    }

    [Fact]
    public void Read_SingleInstanceWithTwoDefaultSubnets_IsRejected()
    {
        var errors = ErrorsAfter("tutorial", s => s["brokerDefaults"]!["subnetIds"] = new JsonArray("subnet-a", "subnet-b"));
        AssertError(errors, "brokers[0] (subnetIds from brokerDefaults)", "2 subnet(s) for SINGLE_INSTANCE; it takes exactly 1");
    }

    [Fact]
    public void Read_UnknownConnectorAttribute_ListsTheAllowedOnes()
    {
        var errors = ErrorsAfter("tutorial", s => s["connectorOptions"]!["maxReconnects"] = 3);
        AssertError(errors, "connectorOptions.maxReconnects", "not a networkConnector attribute Amazon MQ allows; allowed: advisoryAckPercentage");
    }

    [Theory]
    [InlineData("uri")]
    [InlineData("name")]
    [InlineData("userName")]
    public void Read_ConnectorOptionThePlannerOwns_IsRejected(string attribute)
    {
        var errors = ErrorsAfter("tutorial", s => s["connectorOptions"]![attribute] = "x");
        AssertError(errors, $"connectorOptions.{attribute}", "set by the planner");
    }

    [Fact]
    public void Read_ConnectorOptionOfTheWrongType_SaysTheType()
    {
        var errors = ErrorsAfter("tutorial", s => s["connectorOptions"]!["duplex"] = "yes");
        AssertError(errors, "connectorOptions.duplex", "use true or false");
    }

    [Theory]
    [InlineData("user")]
    [InlineData("connectorOptions")]
    [InlineData("brokerDefaults")]
    public void Read_PasswordAnywhere_IsRejectedWithWhereItBelongs(string parent)
    {
        var errors = ErrorsAfter("tutorial", s => s[parent]!["password"] = "hunter2");
        AssertError(errors, $"{parent}.password", "a password never goes in the spec");
        Assert.DoesNotContain(errors, e => e.ToString().Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_PasswordInsideABroker_IsRejected()
    {
        var errors = ErrorsAfter("tutorial", s => s["brokers"]![0]!["adminPassword"] = "x");
        AssertError(errors, "brokers[0].adminPassword", "a password never goes in the spec");
    }

    [Fact]
    public void Read_SourceAlsoSink_IsRejected()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "source-sink", "sources": ["A"], "sinks": ["A", "B"] }""", "A", "B"));
        AssertError(errors, "topology.sinks", "\"A\" also listed in topology.sources");
    }

    [Fact]
    public void Read_CustomConnectorToItselfAndRepeated_AreRejected()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "custom", "connectors": [ {"from":"A","to":"B"}, {"from":"A","to":"A"}, {"from":"A","to":"B"} ] }""", "A", "B"));
        AssertError(errors, "topology.connectors[1]", "connects \"A\" to itself");
        AssertError(errors, "topology.connectors[2]", "repeats topology.connectors[0]");
    }

    [Fact]
    public void Read_AllBrokersConcentrators_IsRejected()
    {
        var errors = Errors(Repo.SpecJson("""{ "type": "concentrator", "concentrators": ["A", "B"] }""", "A", "B"));
        AssertError(errors, "topology.concentrators", "every broker is a concentrator");
    }

    [Fact]
    public void Read_NotJson_SaysSo()
    {
        AssertError(Errors("{ \"networkName\": "), "$", "not valid JSON");
    }

    [Fact]
    public void Read_OneBroker_NeedsAtLeastTwo()
    {
        AssertError(Errors(Repo.SpecJson("""{ "type": "mesh" }""", "A")), "brokers", "at least two");
    }

    [Fact]
    public void Read_NonActiveMqEngineVersion_IsRejected()
    {
        var errors = ErrorsAfter("tutorial", s => s["brokerDefaults"]!["engineVersion"] = "3.13");
        AssertError(errors, "brokerDefaults.engineVersion", "ActiveMQ 5.x");
    }

    [Fact]
    public void ReadValid_InvalidSpec_ThrowsWithEveryError()
    {
        var e = Assert.Throws<InvalidSpecException>(() => SpecReader.ReadValid(Repo.SpecJson("""{ "type": "ring" }""", "A")));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("topology.type", e.Message, StringComparison.Ordinal);
    }
}
