using System.Text;
using System.Xml.Linq;

namespace Nob.Core.Configuration;

/// <summary>
/// Meaning-level XML comparison: element and attribute names with namespaces, attribute values regardless of order,
/// trimmed text; comments, processing instructions, whitespace and namespace prefixes do not count.
/// </summary>
public static class XmlSemantics
{
    public static bool Equivalent(XElement a, XElement b) => Canonical(a) == Canonical(b);

    public static bool Equivalent(string a, string b) =>
        Equivalent(ConfigurationXml.ParseAny("(comparison)", a).Root!, ConfigurationXml.ParseAny("(comparison)", b).Root!);

    public static string Canonical(XElement element)
    {
        var builder = new StringBuilder();
        Write(element, builder);
        return builder.ToString();
    }

    static void Write(XElement element, StringBuilder builder)
    {
        builder.Append('<').Append(element.Name.ToString());
        foreach (var attribute in element.Attributes().Where(a => !a.IsNamespaceDeclaration).OrderBy(a => a.Name.ToString(), StringComparer.Ordinal))
        {
            builder.Append(' ').Append(attribute.Name.ToString()).Append('=').Append(Quote(attribute.Value));
        }
        builder.Append('>');
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XElement child:
                    Write(child, builder);
                    break;
                case XText text when !string.IsNullOrWhiteSpace(text.Value):
                    builder.Append(Quote(text.Value.Trim()));
                    break;
            }
        }
        builder.Append("</>");
    }

    static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value, CoreJsonContext.Default.String);
}

/// <summary>A network connector as found in a configuration: its name and attributes.</summary>
public sealed record ExistingConnector(string Name, IReadOnlyDictionary<string, string> Attributes);

public static class ConfigurationReader
{
    /// <summary>The connectors of <paramref name="networkName"/> that a configuration holds (for drift checks and reports).</summary>
    public static IReadOnlyList<ExistingConnector> ManagedConnectors(string brokerName, string xml, string networkName) =>
        AllConnectors(brokerName, xml).Where(c => Planning.ConnectorNaming.IsManaged(c.Name, networkName)).ToList();

    public static IReadOnlyList<ExistingConnector> AllConnectors(string brokerName, string xml) =>
        ConfigurationXml.Parse(brokerName, xml).Root!
            .Elements(ConnectorConfigurationWriter.Core + "networkConnectors")
            .Elements(ConnectorConfigurationWriter.Core + "networkConnector")
            .Select(e => new ExistingConnector(
                (string?)e.Attribute("name") ?? "",
                e.Attributes().Where(a => !a.IsNamespaceDeclaration).ToDictionary(a => a.Name.LocalName, a => a.Value, StringComparer.Ordinal)))
            .ToList();
}
