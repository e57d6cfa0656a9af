using System.Xml;
using System.Xml.Linq;
using Nob.LocalBrokers;
using Nob.LocalCloud.Http;

namespace Nob.LocalCloud.Mq;

/// <summary>One thing Amazon MQ removed from a configuration revision (UpdateConfiguration's <c>warnings</c>).</summary>
internal sealed record SanitizationWarning(string Reason, string ElementName, string? AttributeName);

/// <summary>
/// What Amazon MQ does to a revision it is given: removes what it does not allow and reports each removal as a warning
/// (DISALLOWED_ELEMENT_REMOVED, DISALLOWED_ATTRIBUTE_REMOVED, INVALID_ATTRIBUTE_VALUE_REMOVED). Inside
/// <c>&lt;networkConnectors&gt;</c> the rules are the endpoint's own <see cref="AllowedConnectorXml"/>; elsewhere, the parts Amazon MQ
/// owns (transport connectors, SSL context, management context, authentication plugins). A revision the broker could not
/// run at all (not XML, not a <c>&lt;broker&gt;</c>, a store other than KahaDB) is refused with 400.
/// </summary>
internal static class ConfigurationSanitizer
{
    public const string DisallowedElementRemoved = "DISALLOWED_ELEMENT_REMOVED";
    public const string DisallowedAttributeRemoved = "DISALLOWED_ATTRIBUTE_REMOVED";
    public const string InvalidAttributeValueRemoved = "INVALID_ATTRIBUTE_VALUE_REMOVED";

    private static readonly XNamespace Core = AmazonMqRuntimeConfiguration.Core;

    private static readonly HashSet<string> OwnedBrokerChildren = new(StringComparer.Ordinal) { "transportConnectors", "sslContext", "managementContext" };

    private static readonly HashSet<string> OwnedPlugins = new(StringComparer.Ordinal)
    {
        "simpleAuthenticationPlugin", "jaasAuthenticationPlugin", "jaasCertificateAuthenticationPlugin", "jaasDualAuthenticationPlugin",
    };

    public static (string Xml, IReadOnlyList<SanitizationWarning> Warnings) Sanitize(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            throw new ServiceError(400, "BadRequestException", $"The configuration is not well-formed XML: {e.Message}", "data");
        }

        var broker = document.Root!;
        if (broker.Name != Core + "broker")
        {
            throw new ServiceError(400, "BadRequestException",
                $"The root element of an ActiveMQ configuration must be <broker xmlns=\"{Core}\">; found <{broker.Name.LocalName}> in namespace \"{broker.Name.NamespaceName}\"", "data");
        }

        var warnings = new List<SanitizationWarning>();
        foreach (var child in broker.Elements().Where(e => OwnedBrokerChildren.Contains(e.Name.LocalName)).ToList())
        {
            Remove(child, warnings);
        }

        foreach (var plugin in broker.Elements(Core + "plugins").Elements().Where(e => OwnedPlugins.Contains(e.Name.LocalName)).ToList())
        {
            Remove(plugin, warnings);
        }

        foreach (var container in broker.Elements(Core + "networkConnectors").ToList())
        {
            SanitizeNetworkConnectors(container, warnings);
        }

        var result = warnings.Count == 0 ? xml : Serialize(document);
        EnsureRunnable(result);
        return (result, warnings);
    }

    private static void SanitizeNetworkConnectors(XElement container, List<SanitizationWarning> warnings)
    {
        foreach (var child in container.Elements().ToList())
        {
            if (child.Name != Core + "networkConnector")
            {
                Remove(child, warnings);
                continue;
            }

            foreach (var attribute in child.Attributes().Where(a => !a.IsNamespaceDeclaration).ToList())
            {
                if (attribute.Name.Namespace != XNamespace.None || !AllowedConnectorXml.ConnectorAttributes.TryGetValue(attribute.Name.LocalName, out var kind))
                {
                    warnings.Add(new(DisallowedAttributeRemoved, child.Name.LocalName, attribute.Name.LocalName));
                    attribute.Remove();
                }
                else if (!AllowedConnectorXml.IsOfKind(kind, attribute.Value))
                {
                    warnings.Add(new(InvalidAttributeValueRemoved, child.Name.LocalName, attribute.Name.LocalName));
                    attribute.Remove();
                }
            }

            foreach (var collection in child.Elements().ToList())
            {
                if (collection.Name.Namespace != Core || !AllowedConnectorXml.ConnectorCollections.Contains(collection.Name.LocalName))
                {
                    Remove(collection, warnings);
                    continue;
                }

                foreach (var destination in collection.Elements().ToList())
                {
                    if (destination.Name.Namespace != Core || !AllowedConnectorXml.CollectionDestinations.TryGetValue(destination.Name.LocalName, out var allowed))
                    {
                        Remove(destination, warnings);
                        continue;
                    }

                    foreach (var attribute in destination.Attributes().Where(a => !a.IsNamespaceDeclaration && !allowed.Contains(a.Name.LocalName)).ToList())
                    {
                        warnings.Add(new(DisallowedAttributeRemoved, destination.Name.LocalName, attribute.Name.LocalName));
                        attribute.Remove();
                    }
                }
            }
        }
    }

    private static void Remove(XElement element, List<SanitizationWarning> warnings)
    {
        warnings.Add(new(DisallowedElementRemoved, element.Name.LocalName, null));
        element.Remove();
    }

    private static string Serialize(XDocument document)
    {
        var declaration = document.Declaration is { } d ? d + "\n" : "";
        return declaration + document.Root!.ToString(SaveOptions.DisableFormatting) + "\n";
    }

    /// <summary>Refuses what no broker would start from (the same checks the broker runtime makes).</summary>
    private static void EnsureRunnable(string xml)
    {
        var probe = new BrokerRuntimeSettings
        {
            BrokerName = "probe",
            DataDirectory = "/nonexistent/probe",
            OpenWirePort = 61617,
            StompPort = 61614,
            Tls = new TlsMaterial("/nonexistent/keystore.p12", "/nonexistent/truststore.p12", "/nonexistent/certificate.pem", "probe"),
            Users = [new BrokerUser("probe", "probe-password")],
        };
        try
        {
            AmazonMqRuntimeConfiguration.Build(xml, probe);
        }
        catch (InvalidBrokerConfigurationException e)
        {
            throw new ServiceError(400, "BadRequestException", $"The configuration cannot be applied: {e.Message}", "data");
        }
    }
}
