using System.Xml.Linq;

namespace Nob.LocalBrokers.Tests;

/// <summary>Broker configurations as a user writes them for Amazon MQ.</summary>
internal static class TestConfigurations
{
    public static readonly XNamespace BrokerXml = AmazonMqRuntimeConfiguration.Core;

    public static readonly BrokerUser User = new("nobUser", "nob&Secret<Pass>42");

    public static IReadOnlyList<BrokerUser> Users => [User];

    /// <summary>Shaped like Amazon MQ's default configuration revision (children in alphabetical order).</summary>
    public static XDocument AmazonMqDefault() =>
        new(new XElement(BrokerXml + "broker",
            new XAttribute("schedulePeriodForDestinationPurge", "10000"),
            new XElement(BrokerXml + "destinationPolicy",
                new XElement(BrokerXml + "policyMap",
                    new XElement(BrokerXml + "policyEntries",
                        new XElement(BrokerXml + "policyEntry",
                            new XAttribute("topic", ">"),
                            new XElement(BrokerXml + "pendingMessageLimitStrategy",
                                new XElement(BrokerXml + "constantPendingMessageLimitStrategy", new XAttribute("limit", "3000")))),
                        new XElement(BrokerXml + "policyEntry",
                            new XAttribute("queue", ">"),
                            new XAttribute("gcInactiveDestinations", "true"),
                            new XAttribute("inactiveTimoutBeforeGC", "600000"))))),
            new XElement(BrokerXml + "plugins",
                new XComment(" The forcePersistencyModeBrokerPlugin and redeliveryPlugin can be configured here "))));

    /// <summary>The default configuration plus a &lt;networkConnectors&gt; section (placed alphabetically, before plugins).</summary>
    public static XDocument WithNetworkConnectors(params XElement[] connectors)
    {
        var document = AmazonMqDefault();
        document.Root!.Element(BrokerXml + "plugins")!.AddBeforeSelf(new XElement(BrokerXml + "networkConnectors", connectors));
        return document;
    }

    /// <summary>A connector as the tutorial writes it: userName only, never a password.</summary>
    public static XElement NetworkConnector(string name, string uri, bool duplex) =>
        new(BrokerXml + "networkConnector",
            new XAttribute("name", name),
            new XAttribute("userName", User.Username),
            new XAttribute("duplex", duplex ? "true" : "false"),
            new XAttribute("uri", uri));

    public static string Xml(this XDocument document) => document.ToString(SaveOptions.DisableFormatting);
}
