using System.Xml.Linq;
using Nob.Core.Configuration;
using Nob.Core.Planning;

namespace Nob.Core.Tests;

public class ConnectorConfigurationWriterTests
{
    static readonly XNamespace Core = ConnectorConfigurationWriter.Core;

    static PlannedConnector Connector(string from, string to, string network = "net", IReadOnlyDictionary<string, string>? options = null) =>
        new(ConnectorNaming.Name(network, from, to), from, to, $"static:(ssl://{to.ToLowerInvariant()}.example:61617)", true, 2, 2, "user1",
            options ?? new Dictionary<string, string>());

    static XElement Root(string xml) => XDocument.Parse(xml).Root!;

    static List<XElement> Connectors(string xml) => Root(xml).Elements(Core + "networkConnectors").Elements(Core + "networkConnector").ToList();

    const string UserEdited = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <broker xmlns="http://activemq.apache.org/schema/core" schedulePeriodForDestinationPurge="10000">
          <destinationPolicy>
            <policyMap><policyEntries><policyEntry topic="&gt;" producerFlowControl="false"/></policyEntries></policyMap>
          </destinationPolicy>
          <networkConnectors>
            <networkConnector name="users-own" uri="static:(ssl://elsewhere.example:61617)" userName="other"/>
            <networkConnector name="nob.net.A.to.Old" uri="static:(ssl://old.example:61617)" userName="user1" duplex="true"/>
            <networkConnector name="nob.othernet.A.to.B" uri="static:(ssl://b.example:61617)" userName="user1"/>
          </networkConnectors>
          <plugins><timeStampingBrokerPlugin zeroExpirationOverride="86400000"/></plugins>
        </broker>
        """;

    [Fact]
    public void Write_AmazonMqDefault_AddsNetworkConnectorsInNameOrderAmongBrokerChildren()
    {
        var revision = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B")]);

        Assert.True(revision.Changed);
        Assert.Equal(["nob.net.A.to.B"], revision.AddedConnectors);
        var children = Root(revision.Xml).Elements().Select(e => e.Name.LocalName).ToList();
        Assert.Equal(children.Order(StringComparer.Ordinal), children);
        Assert.Contains("networkConnectors", children);
        var connector = Assert.Single(Connectors(revision.Xml));
        Assert.Equal("static:(ssl://b.example:61617)", (string?)connector.Attribute("uri"));
        Assert.Equal("user1", (string?)connector.Attribute("userName"));
        Assert.Equal("true", (string?)connector.Attribute("duplex"));
        Assert.Equal("2", (string?)connector.Attribute("networkTTL"));
        Assert.Null(connector.Attribute("password"));
    }

    [Fact]
    public void Write_ItsOwnOutput_ReportsNoChangeAndReturnsTheInputUntouched()
    {
        var first = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B")]);
        var second = ConnectorConfigurationWriter.Write("A", first.Xml, "net", [Connector("A", "B")]);
        Assert.False(second.Changed);
        Assert.Same(first.Xml, second.Xml);
        Assert.Empty(second.AddedConnectors);
        Assert.Empty(second.UpdatedConnectors);
    }

    [Fact]
    public void Write_CurrentRewrittenByAmazonMq_StillReportsNoChange()
    {
        var first = ConnectorConfigurationWriter.Write("A", UserEdited, "net", [Connector("A", "B")]);
        // Amazon MQ stores XML its own way: attributes reordered, quotes and escapes changed, comments and blank lines dropped.
        var stored = XDocument.Parse(first.Xml);
        foreach (var element in stored.Descendants())
        {
            var attributes = element.Attributes().Reverse().ToList();
            element.ReplaceAttributes(attributes);
        }
        stored.DescendantNodes().OfType<XComment>().ToList().ForEach(c => c.Remove());
        var rewritten = stored.ToString(SaveOptions.DisableFormatting).Replace("\"", "'", StringComparison.Ordinal);

        var second = ConnectorConfigurationWriter.Write("A", rewritten, "net", [Connector("A", "B")]);
        Assert.False(second.Changed);
    }

    [Fact]
    public void Write_UserEditedConfiguration_ReplacesOnlyThisNetworksConnectorsAndKeepsTheRest()
    {
        var revision = ConnectorConfigurationWriter.Write("A", UserEdited, "net", [Connector("A", "B")]);

        Assert.True(revision.Changed);
        Assert.Equal(["nob.net.A.to.Old"], revision.RemovedConnectors);
        Assert.Equal(["nob.net.A.to.B"], revision.AddedConnectors);
        var names = Connectors(revision.Xml).Select(c => (string?)c.Attribute("name")).ToList();
        // In place of the old one: the user's and the other network's connectors keep their order.
        Assert.Equal(["users-own", "nob.net.A.to.B", "nob.othernet.A.to.B"], names);
        var root = Root(revision.Xml);
        Assert.Equal("10000", (string?)root.Attribute("schedulePeriodForDestinationPurge"));
        Assert.Equal("false", (string?)root.Descendants(Core + "policyEntry").Single().Attribute("producerFlowControl"));
        Assert.Single(root.Descendants(Core + "timeStampingBrokerPlugin"));
    }

    static string Names(string xml) => string.Join(" ", Connectors(xml).Select(c => (string?)c.Attribute("name")));

    [Fact]
    public void Write_TwoNetworksSharingABroker_AThenBThenA_WritesNothingTheThirdTime()
    {
        IReadOnlyList<PlannedConnector> a = [Connector("A", "B", network: "neta"), Connector("A", "C", network: "neta")];
        IReadOnlyList<PlannedConnector> b = [Connector("A", "D", network: "netb")];

        var first = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "neta", a);
        var second = ConnectorConfigurationWriter.Write("A", first.Xml, "netb", b);
        Assert.True(second.Changed);
        Assert.Equal(["nob.netb.A.to.D"], second.AddedConnectors);
        Assert.Equal("nob.neta.A.to.B nob.neta.A.to.C nob.netb.A.to.D", Names(second.Xml));

        var third = ConnectorConfigurationWriter.Write("A", second.Xml, "neta", a);
        Assert.False(third.Changed);
        Assert.Same(second.Xml, third.Xml);
        Assert.Empty(third.AddedConnectors);
        Assert.Empty(third.RemovedConnectors);
        Assert.Empty(third.UpdatedConnectors);

        var fourth = ConnectorConfigurationWriter.Write("A", third.Xml, "netb", b);
        Assert.False(fourth.Changed);
        Assert.Same(third.Xml, fourth.Xml);
    }

    [Fact]
    public void Write_UserConnectorAppendedAfterOurs_IsNoChange()
    {
        var first = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B"), Connector("A", "C")]);
        var edited = XDocument.Parse(first.Xml);
        edited.Root!.Element(Core + "networkConnectors")!.Add(
            new XElement(Core + "networkConnector", new XAttribute("name", "users-own"), new XAttribute("uri", "static:(ssl://elsewhere.example:61617)")));
        var xml = edited.ToString();

        var second = ConnectorConfigurationWriter.Write("A", xml, "net", [Connector("A", "B"), Connector("A", "C")]);
        Assert.False(second.Changed);
        Assert.Same(xml, second.Xml);
        Assert.Empty(second.AddedConnectors);
        Assert.Empty(second.RemovedConnectors);
        Assert.Empty(second.UpdatedConnectors);
    }

    [Fact]
    public void Write_OurConnectorsInAnotherOrder_IsNoChange()
    {
        var first = ConnectorConfigurationWriter.Write("A", UserEdited, "net", [Connector("A", "B"), Connector("A", "C")]);
        var second = ConnectorConfigurationWriter.Write("A", first.Xml, "net", [Connector("A", "C"), Connector("A", "B")]);
        Assert.False(second.Changed);
        Assert.Same(first.Xml, second.Xml);
    }

    [Fact]
    public void Write_ActualChangeAmongOtherConnectors_ReplacesOursWhereTheFirstOfThemWas()
    {
        const string xml = """
            <broker xmlns="http://activemq.apache.org/schema/core">
              <networkConnectors>
                <networkConnector name="nob.othernet.A.to.X" uri="static:(ssl://x.example:61617)" userName="user1"/>
                <networkConnector name="nob.net.A.to.B" uri="static:(ssl://b.example:61617)" userName="user1" duplex="true" networkTTL="2" messageTTL="2" consumerTTL="2"/>
                <networkConnector name="users-own" uri="static:(ssl://elsewhere.example:61617)"/>
                <networkConnector name="nob.net.A.to.Old" uri="static:(ssl://old.example:61617)" userName="user1"/>
                <networkConnector name="nob.othernet.A.to.Y" uri="static:(ssl://y.example:61617)" userName="user1"/>
              </networkConnectors>
            </broker>
            """;
        var planned = new[] { Connector("A", "B") with { NetworkTtl = 3 }, Connector("A", "C") };

        var revision = ConnectorConfigurationWriter.Write("A", xml, "net", planned);

        Assert.True(revision.Changed);
        Assert.Equal(["nob.net.A.to.C"], revision.AddedConnectors);
        Assert.Equal(["nob.net.A.to.Old"], revision.RemovedConnectors);
        Assert.Equal(["nob.net.A.to.B"], revision.UpdatedConnectors);
        Assert.Equal("nob.othernet.A.to.X nob.net.A.to.B nob.net.A.to.C users-own nob.othernet.A.to.Y", Names(revision.Xml));
        Assert.Equal("3", (string?)Connectors(revision.Xml)[1].Attribute("networkTTL"));
        // Everything but our connectors is as it was.
        var others = Root(revision.Xml);
        others.Descendants(Core + "networkConnector").Where(c => ConnectorNaming.IsManaged((string?)c.Attribute("name"), "net")).Remove();
        var before = Root(xml);
        before.Descendants(Core + "networkConnector").Where(c => ConnectorNaming.IsManaged((string?)c.Attribute("name"), "net")).Remove();
        Assert.True(XmlSemantics.Equivalent(before, others));

        // And the result is converged: written again, nothing changes.
        var again = ConnectorConfigurationWriter.Write("A", revision.Xml, "net", planned);
        Assert.False(again.Changed);
    }

    [Fact]
    public void Write_ManagedConnectorGivenTwice_IsRewrittenOnceWithNothingAddedRemovedOrUpdated()
    {
        var first = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B")]);
        var doubled = XDocument.Parse(first.Xml);
        var ours = doubled.Root!.Descendants(Core + "networkConnector").Single();
        ours.AddAfterSelf(new XElement(ours));
        // The check refuses a name used twice, so the doubled XML cannot be written back; the writer repairs it.
        var second = ConnectorConfigurationWriter.Write("A", doubled.ToString(), "net", [Connector("A", "B")]);
        Assert.True(second.Changed);
        Assert.Empty(second.AddedConnectors);
        Assert.Empty(second.RemovedConnectors);
        Assert.Empty(second.UpdatedConnectors);
        Assert.Equal("nob.net.A.to.B", Names(second.Xml));
    }

    [Fact]
    public void Write_ChangedAttributeOfAManagedConnector_ReportsItUpdated()
    {
        var first = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B")]);
        var changed = Connector("A", "B") with { NetworkTtl = 3 };
        var second = ConnectorConfigurationWriter.Write("A", first.Xml, "net", [changed]);
        Assert.True(second.Changed);
        Assert.Equal(["nob.net.A.to.B"], second.UpdatedConnectors);
        Assert.Equal("3", (string?)Assert.Single(Connectors(second.Xml)).Attribute("networkTTL"));
    }

    [Fact]
    public void Write_NoConnectorsLeft_RemovesTheNetworkConnectorsElementItEmptied()
    {
        var first = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B")]);
        var second = ConnectorConfigurationWriter.Write("A", first.Xml, "net", []);
        Assert.True(second.Changed);
        Assert.Empty(Root(second.Xml).Elements(Core + "networkConnectors"));
        Assert.True(XmlSemantics.Equivalent(AmazonMqDefaults.ConfigurationXml, second.Xml));
    }

    [Fact]
    public void Write_NothingPlannedOnDefault_ReportsNoChange()
    {
        var revision = ConnectorConfigurationWriter.Write("B", AmazonMqDefaults.ConfigurationXml, "net", []);
        Assert.False(revision.Changed);
    }

    [Fact]
    public void Write_ValuesWithXmlSpecialCharacters_AreEscapedAndSurviveParsing()
    {
        var options = new Dictionary<string, string> { ["destinationFilter"] = "a<b>&\"c'" };
        var revision = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B", options: options)]);
        Assert.Equal("a<b>&\"c'", (string?)Assert.Single(Connectors(revision.Xml)).Attribute("destinationFilter"));
    }

    [Fact]
    public void Write_UserConnectorWithPassword_FailsInsteadOfLettingAmazonMqStripIt()
    {
        var xml = UserEdited.Replace("userName=\"other\"", "userName=\"other\" password=\"secret\"", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidConfigurationException>(() => ConnectorConfigurationWriter.Write("A", xml, "net", [Connector("A", "B")]));
        Assert.Contains(e.Problems, p => p.Contains("networkConnector \"users-own\": a password attribute is not allowed", StringComparison.Ordinal));
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_DisallowedAttributeAndChildElement_AreEachReported()
    {
        var xml = UserEdited.Replace("userName=\"other\"/>", "userName=\"other\" reconnectDelay=\"5\"><bridge/></networkConnector>", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidConfigurationException>(() => ConnectorConfigurationWriter.Write("A", xml, "net", [Connector("A", "B")]));
        Assert.Contains(e.Problems, p => p.Contains("attribute \"reconnectDelay\" is not allowed by Amazon MQ", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("<bridge> is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_AllowedDestinationCollections_AreKept()
    {
        var xml = UserEdited.Replace("userName=\"other\"/>", "userName=\"other\"><excludedDestinations><queue physicalName=\"local.&gt;\"/></excludedDestinations></networkConnector>", StringComparison.Ordinal);
        var revision = ConnectorConfigurationWriter.Write("A", xml, "net", [Connector("A", "B")]);
        Assert.Single(Root(revision.Xml).Descendants(Core + "excludedDestinations"));
    }

    [Fact]
    public void Write_MoreThanTwentyConnectorsInTotal_Fails()
    {
        var planned = Enumerable.Range(1, 19).Select(i => Connector("A", $"B{i}")).ToList();
        var e = Assert.Throws<InvalidConfigurationException>(() => ConnectorConfigurationWriter.Write("A", UserEdited, "net", planned));
        Assert.Contains(e.Problems, p => p.Contains("21 network connectors", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_ConnectorOfAnotherNetwork_IsRefused()
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B", network: "other")]));
        Assert.Contains(e.Problems, p => p.Contains("not named as a connector of network \"net\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<broker xmlns=\"http://activemq.apache.org/schema/core\">", "not well-formed")]
    [InlineData("<beans><broker/></beans>", "root element is <beans>")]
    [InlineData("<broker/>", "namespace \"\"")]
    [InlineData("<!DOCTYPE broker [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><broker xmlns=\"http://activemq.apache.org/schema/core\">&x;</broker>", "not well-formed")]
    public void Write_UnusableCurrentXml_FailsWithTheReason(string xml, string reason)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => ConnectorConfigurationWriter.Write("A", xml, "net", [Connector("A", "B")]));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal("A", e.BrokerName);
    }

    [Fact]
    public void Write_TwoNetworkConnectorsElements_AsksToMergeThem()
    {
        var xml = UserEdited.Replace("<plugins>", "<networkConnectors/><plugins>", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidConfigurationException>(() => ConnectorConfigurationWriter.Write("A", xml, "net", [Connector("A", "B")]));
        Assert.Contains("merge them", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokerConfigurations_EveryExample_WritesValidRevisionsHoldingExactlyThePlannedConnectors()
    {
        foreach (var example in Repo.ExampleNames())
        {
            var plan = Repo.Plan(example);
            var revisions = BrokerConfigurations.Next(plan, _ => null);
            foreach (var broker in plan.Brokers)
            {
                var written = ConfigurationReader.ManagedConnectors(broker.Name, revisions[broker.Name].Xml, plan.NetworkName);
                Assert.Equal(broker.Connectors.Select(c => c.Name), written.Select(c => c.Name));
                Assert.Equal(broker.Connectors.Count > 0, revisions[broker.Name].Changed);
            }
        }
    }

    static List<string> Comments(XDocument document) => document.DescendantNodes().OfType<XComment>().Select(c => c.Value).ToList();

    const string Commented = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <!-- before the broker: kept -->
        <?editor layout="wide"?>
        <broker xmlns="http://activemq.apache.org/schema/core">
          <!-- inside the broker: kept -->
          <networkConnectors>
            <!-- among the connectors: kept -->
            <networkConnector name="users-own" uri="static:(ssl://elsewhere.example:61617)" userName="other"/>
            <networkConnector name="nob.net.A.to.Old" uri="static:(ssl://old.example:61617)" userName="user1"><!-- in a replaced connector: goes with it --></networkConnector>
          </networkConnectors>
        </broker>
        <!-- after the broker: kept -->
        """;

    [Fact]
    public void Write_CommentsAndProcessingInstructionsOutsideTheManagedConnectors_AreKept()
    {
        var revision = ConnectorConfigurationWriter.Write("A", Commented, "net", [Connector("A", "B")]);

        Assert.True(revision.Changed);
        var written = XDocument.Parse(revision.Xml);
        Assert.Equal([" before the broker: kept ", " inside the broker: kept ", " among the connectors: kept ", " after the broker: kept "], Comments(written));
        var instruction = Assert.Single(written.Nodes().OfType<XProcessingInstruction>());
        Assert.Equal(("editor", "layout=\"wide\""), (instruction.Target, instruction.Data));
        Assert.Equal(["XComment", "XProcessingInstruction", "XElement", "XComment"], written.Nodes().Select(n => n.GetType().Name));
    }

    [Fact]
    public void Write_LastManagedConnectorRemoved_KeepsTheCommentsOfTheEmptiedContainer()
    {
        const string OnlyOurs = """
            <broker xmlns="http://activemq.apache.org/schema/core">
              <networkConnectors>
                <!-- the user's note -->
                <networkConnector name="nob.net.A.to.Old" uri="static:(ssl://old.example:61617)" userName="user1"/>
              </networkConnectors>
            </broker>
            """;

        var revision = ConnectorConfigurationWriter.Write("A", OnlyOurs, "net", []);

        var written = XDocument.Parse(revision.Xml);
        Assert.Empty(written.Root!.Elements());
        Assert.Equal([" the user's note "], Comments(written));
    }

    [Fact]
    public void Write_AmazonMqDefault_KeepsEveryCommentOfIt()
    {
        var revision = ConnectorConfigurationWriter.Write("A", AmazonMqDefaults.ConfigurationXml, "net", [Connector("A", "B")]);

        var before = Comments(XDocument.Parse(AmazonMqDefaults.ConfigurationXml));
        Assert.True(before.Count >= 4, "the default revision should carry Amazon MQ's comments");
        Assert.Equal(before, Comments(XDocument.Parse(revision.Xml)));
    }
}
