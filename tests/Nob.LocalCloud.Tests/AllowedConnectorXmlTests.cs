using System.Xml.Linq;
using Nob.Aws.Mq.Model;
using Nob.Core.Configuration;
using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.LocalCloud.Mq;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// nob's connector rules (Core) and the local endpoint's allowed-XML table are written apart from Amazon MQ's
/// documentation; these tests hold each against the other, and the local sanitizer against Amazon MQ's warnings.
/// </summary>
[Collection(CloudCollection.Name)]
public sealed class AllowedConnectorXmlTests(CloudFixture fixture)
{
    private static readonly XNamespace Core = "http://activemq.apache.org/schema/core";

    [Fact]
    public void ConnectorAttributes_CoreRulesAndLocalTable_SameNamesAndValueKinds()
    {
        var core = NetworkConnectorRules.Attributes.Select(a => $"{a.Key}: {a.Value}").Order(StringComparer.Ordinal);
        var local = AllowedConnectorXml.ConnectorAttributes.Select(a => $"{a.Key}: {AsCoreKind(a.Value)}").Order(StringComparer.Ordinal);

        Assert.Equal(core, local);
    }

    [Fact]
    public void ConnectorChildren_CoreRulesAndLocalTable_SameCollectionsAndDestinations()
    {
        Assert.Equal(NetworkConnectorRules.ChildCollections.Order(StringComparer.Ordinal), AllowedConnectorXml.ConnectorCollections.Order(StringComparer.Ordinal));
        Assert.Equal(
            NetworkConnectorRules.Destinations.SelectMany(d => d.Value.Select(a => $"{d.Key}@{a}")).Order(StringComparer.Ordinal),
            AllowedConnectorXml.CollectionDestinations.SelectMany(d => d.Value.Select(a => $"{d.Key}@{a}")).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A connector with every attribute nob writes (managed ones and every connectorOption), next to a user's connector
    /// with every collection and destination nob's check lets through: the local endpoint keeps all of it, no warning.
    /// </summary>
    [Fact]
    public void Sanitize_EverythingNobWrites_KeptWithoutWarnings()
    {
        var options = ConnectorOptionRules.Options.ToDictionary(o => o.Key, o => ValidValue(o.Key, o.Value), StringComparer.Ordinal);
        var connector = new PlannedConnector(ConnectorNaming.Name("agree", "A", "B"), "A", "B", "static:(ssl://127.0.0.1:61617)",
            Duplex: false, NetworkTtl: 2, ConsumerTtl: 1, UserName: "commonUser", options);
        var current = XDocument.Parse(AmazonMqDefaults.ConfigurationXml);
        current.Root!.Add(new XElement(Core + "networkConnectors",
            new XElement(Core + "networkConnector",
                new XAttribute("name", "users.own"),
                new XAttribute("uri", "static:(ssl://127.0.0.1:61618)"),
                NetworkConnectorRules.ChildCollections.Select(collection => new XElement(Core + collection,
                    NetworkConnectorRules.Destinations.Select(d => new XElement(Core + d.Key, d.Value.Select(a => new XAttribute(a, "Orders.>")))))))));

        var revision = ConnectorConfigurationWriter.Write("A", current.ToString(), "agree", [connector]);
        var (stored, warnings) = ConfigurationSanitizer.Sanitize(revision.Xml);

        var written = XDocument.Parse(revision.Xml).Descendants(Core + "networkConnector").Single(c => (string?)c.Attribute("name") == connector.Name);
        Assert.Equal(NetworkConnectorRules.Attributes.Keys.Order(StringComparer.Ordinal), written.Attributes().Select(a => a.Name.LocalName).Order(StringComparer.Ordinal));
        Assert.Empty(warnings);
        Assert.True(XmlSemantics.Equivalent(revision.Xml, stored));
    }

    /// <summary>What Amazon MQ removes from a connector, removed by UpdateConfiguration with its warnings, the rest stored as given.</summary>
    [Fact]
    public async Task UpdateConfiguration_DisallowedConnectorXml_StrippedWithAmazonMqWarnings()
    {
        var mq = fixture.Mq;
        var created = await mq.CreateConfigurationAsync(new() { Name = "allowed-xml", EngineType = "ACTIVEMQ", EngineVersion = "5.18" });
        var document = XDocument.Parse(AmazonMqDefaults.ConfigurationXml);
        document.Root!.Add(new XElement(Core + "networkConnectors",
            new XElement(Core + "networkConnector",
                new XAttribute("name", "nob.allowed.A.to.B"),
                new XAttribute("uri", "static:(ssl://127.0.0.1:61617)"),
                new XAttribute("userName", "commonUser"),
                new XAttribute("password", "never-stored"),
                new XAttribute("duplex", "yes"),
                new XAttribute("networkTTL", "2"),
                new XElement(Core + "excludedDestinations",
                    new XElement(Core + "queue", new XAttribute("physicalName", "Kept.>"), new XAttribute("dlq", "true")),
                    new XElement(Core + "tempQueue", new XAttribute("physicalName", "Gone"))),
                new XElement(Core + "bridge")),
            new XElement(Core + "forwardingBridge")));

        var update = await mq.UpdateConfigurationAsync(new() { ConfigurationId = created.Id!, Xml = document.ToString(), Description = "disallowed parts" });

        Assert.Equal(
            [
                $"{SanitizationWarningReasons.DisallowedAttributeRemoved} networkConnector password",
                $"{SanitizationWarningReasons.InvalidAttributeValueRemoved} networkConnector duplex",
                $"{SanitizationWarningReasons.DisallowedAttributeRemoved} queue dlq",
                $"{SanitizationWarningReasons.DisallowedElementRemoved} tempQueue ",
                $"{SanitizationWarningReasons.DisallowedElementRemoved} bridge ",
                $"{SanitizationWarningReasons.DisallowedElementRemoved} forwardingBridge ",
            ],
            update.Warnings.Select(w => $"{w.Reason} {w.ElementName} {w.AttributeName}"));
        var stored = await mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = created.Id!, ConfigurationRevision = update.LatestRevision!.Revision!.Value });
        var expected = XDocument.Parse(AmazonMqDefaults.ConfigurationXml);
        expected.Root!.Add(new XElement(Core + "networkConnectors",
            new XElement(Core + "networkConnector",
                new XAttribute("name", "nob.allowed.A.to.B"),
                new XAttribute("uri", "static:(ssl://127.0.0.1:61617)"),
                new XAttribute("userName", "commonUser"),
                new XAttribute("networkTTL", "2"),
                new XElement(Core + "excludedDestinations", new XElement(Core + "queue", new XAttribute("physicalName", "Kept.>"))))));
        Assert.True(XmlSemantics.Equivalent(expected.ToString(), stored.Xml!), stored.Xml);
    }

    private static string AsCoreKind(AllowedConnectorXml.ValueKind kind) => kind switch
    {
        AllowedConnectorXml.ValueKind.Boolean => nameof(NetworkConnectorRules.AttributeKind.Boolean),
        AllowedConnectorXml.ValueKind.WholeNumber => nameof(NetworkConnectorRules.AttributeKind.Integer),
        _ => nameof(NetworkConnectorRules.AttributeKind.Text),
    };

    /// <summary>A value nob's spec validation accepts for the option (the text ones match their rule's pattern).</summary>
    private static string ValidValue(string name, ConnectorOptionRules.Rule rule) => rule.Kind switch
    {
        NetworkConnectorRules.AttributeKind.Boolean => "true",
        NetworkConnectorRules.AttributeKind.Integer => rule.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => name switch
        {
            "bridgeFactory" => "org.apache.activemq.network.DefaultBridgeFactory",
            "brokerName" => "A",
            "brokerURL" or "localUri" => "ssl://127.0.0.1:61617",
            "clientIdToken" => "_",
            "destinationFilter" => "Queue.>",
            "objectName" => "org.apache.activemq:type=Broker,brokerName=A",
            _ => throw new ArgumentException($"no sample value for the text option {name}; add one", nameof(name)),
        },
    };
}
