using Nob.Core.Workflow;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Configuration;
using Nob.Core.Planning;
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
        Assert.Equal(new VerificationSpec(true, 30, 41), spec.Verification); // every receiver of the largest network at once
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

    [Theory]
    [InlineData("networkName", "tutorial\n")]
    [InlineData("networkName", "tuto\u0001rial")]
    public void Read_NameWithAControlCharacter_IsRejectedWithoutEchoingIt(string field, string value)
    {
        var errors = ErrorsAfter("tutorial", s => s[field] = value);
        AssertError(errors, field, "contains the control character U+00");
        Assert.DoesNotContain(errors, e => e.ToString().Any(char.IsControl));
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
        AssertError(Errors(Repo.SpecJson("""{ "type": "mesh" }""", tooMany)), "brokers", "42 brokers; a network has at most 41 (the largest mesh within Amazon MQ's 20 network connectors per broker");
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

/// <summary>Connector option values: type, range and characters are checked before anything is created.</summary>
public class SpecReaderConnectorOptionTests
{
    static IReadOnlyList<SpecError> ErrorsWith(string attribute, JsonNode? value)
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        spec["connectorOptions"]![attribute] = value;
        var result = SpecReader.Read(spec.ToJsonString());
        Assert.Null(result.Spec);
        return result.Errors;
    }

    static void AssertError(IReadOnlyList<SpecError> errors, string path, string messagePart) =>
        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(messagePart, StringComparison.Ordinal)),
            $"expected an error at {path} containing \"{messagePart}\"; got:\n{string.Join("\n", errors)}");

    [Fact]
    public void Read_ControlCharacterInDestinationFilter_NamesItsCodePointWithoutEchoingIt()
    {
        var errors = ErrorsWith("destinationFilter", "Queue.\u0001orders.>");
        AssertError(errors, "connectorOptions.destinationFilter", "control or non-XML character U+0001 at position 7");
        Assert.DoesNotContain(errors, e => e.ToString().Contains('\u0001', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("destinationFilter", "Queue.orders.>\n")]
    [InlineData("brokerName", "b1\u007f")]
    [InlineData("clientIdToken", "_\u0085")]
    [InlineData("objectName", "a:b=\ufffec")]
    public void Read_TextOptionWithACharacterXmlOrATerminalCannotCarry_IsRejected(string attribute, string value) =>
        AssertError(ErrorsWith(attribute, value), $"connectorOptions.{attribute}", "control or non-XML character");

    [Theory]
    [InlineData("networkTTL", -5)]
    [InlineData("networkTTL", -1)]
    [InlineData("networkTTL", 0)]
    [InlineData("consumerTTL", 0)]
    [InlineData("messageTTL", -1)]
    [InlineData("messageTTL", 42)]
    public void Read_TtlBelowOneOrPastTheBrokerBound_SaysTheRange(string attribute, int value) =>
        AssertError(ErrorsWith(attribute, value), $"connectorOptions.{attribute}", "use a whole number from 1 to 41 (hops)");

    [Theory]
    [InlineData("prefetchSize", 0, "from 1 to 32767")]
    [InlineData("advisoryPrefetchSize", -1, "from 0 to 32767")]
    [InlineData("advisoryAckPercentage", 101, "from 1 to 100")]
    [InlineData("consumerPriorityBase", 128, "from -86 to 127")]
    [InlineData("gcSweepTime", 0, "from 1000 to 86400000")]
    public void Read_IntegerOptionOutOfActiveMqsRange_SaysTheRange(string attribute, int value, string range) =>
        AssertError(ErrorsWith(attribute, value), $"connectorOptions.{attribute}", range);

    [Theory]
    [InlineData("localUri", "tcp://localhost:61616")]
    [InlineData("localUri", "vm://localhost")]
    [InlineData("localUri", "nio://localhost:61616")]
    [InlineData("brokerURL", "tcp://b.example:61616")]
    [InlineData("brokerURL", "failover:(ssl://b.example:61617)")]
    [InlineData("brokerURL", "ssl://b.example:61617 tcp://c.example:61616")]
    public void Read_UriOptionThatIsNotTls_IsRefused(string attribute, string value) =>
        AssertError(ErrorsWith(attribute, value), $"connectorOptions.{attribute}", "an ssl:// or nio+ssl:// URI");

    [Fact]
    public void Read_TextOptionLongerThanItsBound_SaysTheLength() =>
        AssertError(ErrorsWith("destinationFilter", new string('a', 1001)), "connectorOptions.destinationFilter", "is 1001 characters long");

    [Fact]
    public void Read_TextOptionWithMarkup_IsRejected() =>
        AssertError(ErrorsWith("objectName", "a:b=<c/>"), "connectorOptions.objectName", "\"a:b=<c/>\" is not allowed; use a JMX object name");

    [Fact]
    public void Read_SeveralBadOptions_ReportsEveryOne()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        spec["connectorOptions"] = JsonNode.Parse("""{"networkTTL": -5, "localUri": "tcp://x:1", "destinationFilter": "a\u0002", "prefetchSize": 0}""");
        var errors = SpecReader.Read(spec.ToJsonString()).Errors;
        Assert.Equal(["connectorOptions.destinationFilter", "connectorOptions.localUri", "connectorOptions.networkTTL", "connectorOptions.prefetchSize"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rules_CoverEveryAttributeAmazonMqAllowsExceptThePlannersOwn()
    {
        var settable = NetworkConnectorRules.Attributes.Keys.Where(k => !NetworkConnectorRules.Managed.Contains(k));
        Assert.Equal(settable.Order(StringComparer.Ordinal), ConnectorOptionRules.Options.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, rule) in ConnectorOptionRules.Options) Assert.True(NetworkConnectorRules.Attributes[name] == rule.Kind, $"{name}: kind differs from Amazon MQ's");
    }

    /// <summary>A value of every allowed attribute at the edge of its range: validation accepts it and the writer writes it.</summary>
    [Fact]
    public void Read_EveryOptionAtTheEdgeOfItsRule_IsAcceptedAndWritten()
    {
        var options = new JsonObject
        {
            ["advisoryAckPercentage"] = 100, ["advisoryPrefetchSize"] = 0, ["consumerPriorityBase"] = -86, ["consumerTTL"] = 41, ["messageTTL"] = 1,
            ["networkTTL"] = 41, ["gcSweepTime"] = 86_400_000, ["prefetchSize"] = 32767, ["duplex"] = false, ["useCompression"] = true,
            ["bridgeFactory"] = "org.apache.activemq.network.DefaultBridgeFactory", ["brokerName"] = "b1.example:x",
            ["brokerURL"] = "nio+ssl://b-1.mq.us-east-1.amazonaws.com:61617?verifyHostName=true", ["clientIdToken"] = "__",
            ["destinationFilter"] = "Queue.orders.>,Topic.prices.*", ["localUri"] = "ssl://localhost:61617",
            ["objectName"] = "org.apache.activemq:type=Broker,brokerName=b1",
        };
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        spec["connectorOptions"] = options;
        var read = SpecReader.Read(spec.ToJsonString());
        Assert.True(read.IsValid, string.Join("\n", read.Errors));

        var plan = NetworkPlanner.Plan(read.Spec!, PlaceholderEndpoints.For(read.Spec!));
        var revision = ConnectorConfigurationWriter.Write("MyBroker1", AmazonMqDefaults.ConfigurationXml, "tutorial", plan.Broker("MyBroker1").Connectors);
        var connector = XDocument.Parse(revision.Xml).Descendants(ConnectorConfigurationWriter.Core + "networkConnector").Single();
        Assert.Equal("Queue.orders.>,Topic.prices.*", (string?)connector.Attribute("destinationFilter"));
        Assert.Equal("ssl://localhost:61617", (string?)connector.Attribute("localUri"));
    }
}

/// <summary>How much one spec may ask for: brokers per network and bytes of JSON.</summary>
public class SpecReaderBoundsTests
{
    static string HubSpec(int brokers) =>
        Repo.SpecJson("""{ "type": "hub-and-spoke", "hub": "B1" }""", [.. Enumerable.Range(1, brokers).Select(i => $"B{i}")]);

    [Fact]
    public void Read_ThreeThousandBrokerHub_IsRefusedNamingTheBound()
    {
        var result = SpecReader.Read(HubSpec(3000));

        Assert.Null(result.Spec);
        var error = Assert.Single(result.Errors);
        Assert.Equal("brokers", error.Path);
        Assert.StartsWith("3000 brokers; a network has at most 41 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TooManyBrokers_StillReportsTheOtherFieldsProblems()
    {
        var spec = JsonNode.Parse(HubSpec(42))!.AsObject();
        spec["networkName"] = "bad name";
        spec["connectorOptions"] = new JsonObject { ["networkTTL"] = -5 };
        var errors = SpecReader.Read(spec.ToJsonString()).Errors;
        Assert.Equal(["brokers", "connectorOptions.networkTTL", "networkName"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_FortyOneBrokerHub_IsValid() => Assert.True(SpecReader.Read(HubSpec(41)).IsValid);

    [Fact]
    public void Read_SpecLargerThanTheInputBound_IsRefusedBeforeParsing()
    {
        // Not even JSON: the size is checked first.
        var errors = SpecReader.Read(new string(' ', SpecReader.MaxSpecBytes) + "{").Errors;
        var error = Assert.Single(errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("at most 65536 (64 KiB)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SpecAtTheInputBoundInUtf8Bytes_IsRead()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!.AsObject();
        var relaxed = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        spec.Remove("description");
        var bare = System.Text.Encoding.UTF8.GetByteCount(spec.ToJsonString(relaxed));
        // 'é' takes two UTF-8 bytes: the bound counts bytes, not characters.
        var fill = SpecReader.MaxSpecBytes - bare - "\"description\":\"\",".Length;
        spec["description"] = new string('é', fill / 2) + new string('e', fill % 2);
        var json = spec.ToJsonString(relaxed);
        Assert.Equal(SpecReader.MaxSpecBytes, System.Text.Encoding.UTF8.GetByteCount(json));
        Assert.True(SpecReader.Read(json).IsValid);

        var oneMore = json.Replace("\"description\":\"", "\"description\":\"e", StringComparison.Ordinal);
        Assert.Contains("the spec is 65537 bytes", Assert.Single(SpecReader.Read(oneMore).Errors).Message, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData(6, true)]
    [InlineData(50, false)]
    public void Read_LargestMeshByBrokerNameLength_IsRefusedOnlyWhenItsStateWouldPassTheBudget(int nameLength, bool valid)
    {
        var spec = JsonNode.Parse(Repo.Example("mesh"))!;
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, SpecReader.MaxBrokersPerNetwork).Select(i => (JsonNode)new JsonObject { ["name"] = $"M{i}".PadRight(nameLength, 'x') })]);
        var result = SpecReader.Read(spec.ToJsonString());
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("brokers", error.Path);
            Assert.Contains($"the budget is {StateBudget.BudgetBytes / 1024} KiB", error.Message, StringComparison.Ordinal);
            Assert.Contains("shorter broker names or fewer brokers", error.Message, StringComparison.Ordinal);
        }
    }
}
