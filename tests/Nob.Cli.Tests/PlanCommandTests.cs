using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Cli;
using Nob.Testing;

namespace Nob.Cli.Tests;

public sealed class PlanCommandTests : IDisposable
{
    readonly string temp = Directory.CreateTempSubdirectory("nob-cli-tests").FullName;

    static string Example(string name) => Repository.PathOf("examples", name + ".json");

    static async Task<(int Exit, string Out, string Err)> Nob(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await NobCommand.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public async Task Plan_Tutorial_PrintsConnectorPairsAndConfigurationAndExitsZero()
    {
        var (exit, output, errors) = await Nob("plan", Example("tutorial"));
        Assert.Equal(0, exit);
        Assert.Equal("", errors);
        Assert.Contains("MyBroker1 <==> MyBroker2", output, StringComparison.Ordinal);
        Assert.Contains("nob.tutorial.MyBroker1.to.MyBroker2", output, StringComparison.Ordinal);
        Assert.Contains("MyBroker2 -> MyBroker1", output, StringComparison.Ordinal);
        Assert.Contains("flowchart LR", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Json_GivesEachBrokersConnectorsAndParsableConfiguration()
    {
        var (exit, output, _) = await Nob("plan", Example("hub-and-spoke"), "--json");
        Assert.Equal(0, exit);
        var plan = JsonNode.Parse(output)!;
        Assert.Equal("hub-and-spoke", (string?)plan["networkName"]);
        Assert.Equal(2, (int?)plan["networkTTL"]);
        var brokers = plan["brokers"]!.AsArray();
        Assert.Equal(4, brokers.Count);
        foreach (var broker in brokers)
        {
            var connectors = broker!["connectors"]!.AsArray();
            Assert.Equal((string?)broker["name"] == "Hub" ? 0 : 1, connectors.Count);
            var xml = XDocument.Parse((string)broker["configurationXml"]!);
            var written = xml.Descendants(XName.Get("networkConnector", "http://activemq.apache.org/schema/core")).Select(e => (string?)e.Attribute("name"));
            Assert.Equal(connectors.Select(c => (string?)c!["name"]), written);
        }
        Assert.Equal(12, plan["connectedPairs"]!.AsArray().Count);
    }

    [Fact]
    public async Task Plan_InvalidSpec_ExitsTwoWithEveryErrorOnStderr()
    {
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(Example("tutorial")))!;
        spec["brokers"]![1]!["name"] = "My Broker";
        spec["topology"]!["type"] = "ring";
        var path = Path.Combine(temp, "bad.json");
        await File.WriteAllTextAsync(path, spec.ToJsonString());

        var (exit, output, errors) = await Nob("plan", path);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("brokers[1].name: \"My Broker\" contains a space", errors, StringComparison.Ordinal);
        Assert.Contains("topology.type: \"ring\" is not a topology", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ThreeThousandBrokerHubWithBadOptions_ExitsTwoWithEveryErrorAndPlansNothing()
    {
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(Example("hub-and-spoke")))!;
        spec["topology"] = new JsonObject { ["type"] = "hub-and-spoke", ["hub"] = "B1" };
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, 3000).Select(i => (JsonNode)new JsonObject { ["name"] = $"B{i}" })]);
        spec["connectorOptions"] = new JsonObject { ["networkTTL"] = -5, ["brokerURL"] = "tcp://b.example:61616" };
        var path = Path.Combine(temp, "hub3000.json");
        await File.WriteAllTextAsync(path, spec.ToJsonString());

        var (exit, output, errors) = await Nob("plan", path);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("3 problem(s)", errors, StringComparison.Ordinal);
        Assert.Contains("  brokers: 3000 brokers; a network has at most 41 ", errors, StringComparison.Ordinal);
        Assert.Contains("  connectorOptions.networkTTL: -5 is not allowed; use a whole number from 1 to 41 (hops)", errors, StringComparison.Ordinal);
        Assert.Contains("  connectorOptions.brokerURL: \"tcp://b.example:61616\" is not allowed; use an ssl:// or nio+ssl:// URI", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_WithCurrentXml_ShowsOnlyTheChangedLines()
    {
        var first = await Nob("plan", Example("tutorial"), "--json");
        var current = (string)JsonNode.Parse(first.Out)!["brokers"]![0]!["configurationXml"]!;
        var path = Path.Combine(temp, "current.xml");
        await File.WriteAllTextAsync(path, current.Replace("networkTTL=\"1\"", "networkTTL=\"7\"", StringComparison.Ordinal));

        var (exit, output, _) = await Nob("plan", Example("tutorial"), "--current", $"MyBroker1={path}");
        Assert.Equal(0, exit);
        Assert.Contains("updated nob.tutorial.MyBroker1.to.MyBroker2", output, StringComparison.Ordinal);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("  - ", StringComparison.Ordinal) && l.Contains("networkTTL=\"7\"", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.StartsWith("  + ", StringComparison.Ordinal) && l.Contains("networkTTL=\"1\"", StringComparison.Ordinal));

        await File.WriteAllTextAsync(path, current);
        var unchanged = await Nob("plan", Example("tutorial"), "--current", $"MyBroker1={path}");
        Assert.Contains("Configuration of MyBroker1: no change", unchanged.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_WithEndpoints_UsesThemInConnectorUris()
    {
        var path = Path.Combine(temp, "endpoints.json");
        await File.WriteAllTextAsync(path, """{"MyBroker1": ["ssl://10.0.0.1:61617"], "MyBroker2": ["ssl://b-2-1.mq.eu-west-1.amazonaws.com:61617"]}""");
        var (exit, output, _) = await Nob("plan", Example("tutorial"), "--endpoints", path, "--json");
        Assert.Equal(0, exit);
        Assert.Equal("static:(ssl://b-2-1.mq.eu-west-1.amazonaws.com:61617)", (string?)JsonNode.Parse(output)!["brokers"]![0]!["connectors"]![0]!["uri"]);
    }

    [Theory]
    [InlineData("launch")]
    [InlineData("plan")]
    [InlineData("plan", "--bogus")]
    public async Task Run_BadUsage_ExitsTwoWithUsage(params string[] args)
    {
        var (exit, _, errors) = await Nob(args);
        Assert.Equal(2, exit);
        Assert.Contains("usage: nob", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MissingSpecFile_ExitsTwoAsBadInput()
    {
        var (exit, _, errors) = await Nob("plan", Path.Combine(temp, "missing.json"));
        Assert.Equal(2, exit);
        Assert.Contains("missing.json: no such spec file", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_CurrentXmlThatAmazonMqWouldStrip_ExitsOneNamingTheProblem()
    {
        var path = Path.Combine(temp, "current.xml");
        await File.WriteAllTextAsync(path, """
            <broker xmlns="http://activemq.apache.org/schema/core">
              <networkConnectors><networkConnector name="x" uri="static:(ssl://h:61617)" password="p"/></networkConnectors>
            </broker>
            """);
        var (exit, _, errors) = await Nob("plan", Example("tutorial"), "--current", $"MyBroker1={path}");
        Assert.Equal(1, exit);
        Assert.Contains("password attribute is not allowed", errors, StringComparison.Ordinal);
    }
}
