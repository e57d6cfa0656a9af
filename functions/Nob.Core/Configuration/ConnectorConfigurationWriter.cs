using System.Xml;
using System.Xml.Linq;
using Nob.Core.Planning;

namespace Nob.Core.Configuration;

/// <summary>The next configuration revision of one broker, and what changed in its managed connectors.</summary>
public sealed record ConfigurationRevision(
    string Xml,
    bool Changed,
    IReadOnlyList<string> AddedConnectors,
    IReadOnlyList<string> RemovedConnectors,
    IReadOnlyList<string> UpdatedConnectors);

/// <summary>A configuration we cannot write: unreadable XML, or content Amazon MQ would strip. Lists every problem.</summary>
public sealed class InvalidConfigurationException(string brokerName, IReadOnlyList<string> problems)
    : Exception($"The configuration of broker \"{brokerName}\" cannot be written:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  " + p))}")
{
    public string BrokerName { get; } = brokerName;
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Writes a broker's managed network connectors into its current configuration: replaces only the connectors
/// of this network (named with <see cref="ConnectorNaming.ManagedPrefix"/>) in place of the first of them, keeps
/// everything else (the user's and other networks' connectors, in their order), and reports "no change" when this
/// network's connectors already are the planned ones, compared parsed (Amazon MQ reorders attributes and re-escapes
/// what it stores) and by name, not by position: a broker two networks share is not rewritten by either.
/// </summary>
public static class ConnectorConfigurationWriter
{
    public static readonly XNamespace Core = "http://activemq.apache.org/schema/core";

    public static ConfigurationRevision Write(string brokerName, string currentXml, string networkName, IReadOnlyList<PlannedConnector> connectors)
    {
        var problems = new List<string>();
        foreach (var c in connectors.Where(c => !ConnectorNaming.IsManaged(c.Name, networkName)))
            problems.Add($"connector \"{c.Name}\" is not named as a connector of network \"{networkName}\"");
        foreach (var dup in connectors.GroupBy(c => c.Name).Where(g => g.Count() > 1))
            problems.Add($"connector \"{dup.Key}\" is planned twice");
        if (problems.Count > 0) throw new InvalidConfigurationException(brokerName, problems);

        var current = ConfigurationXml.Parse(brokerName, currentXml);
        var next = new XDocument(current);
        var broker = next.Root!;

        var containers = broker.Elements(Core + "networkConnectors").ToList();
        if (containers.Count > 1)
            throw new InvalidConfigurationException(brokerName, [$"the configuration has {containers.Count} <networkConnectors> elements; merge them into one"]);
        var container = containers.SingleOrDefault();

        var existing = container?.Elements(Core + "networkConnector")
            .Where(e => ConnectorNaming.IsManaged((string?)e.Attribute("name"), networkName))
            .ToList() ?? [];
        var existingByName = existing.GroupBy(e => (string)e.Attribute("name")!).ToDictionary(g => g.Key, g => g.First());
        var planned = connectors.Select(ToElement).ToList();

        // This network's connectors already the planned ones (by name, parsed, wherever they sit among other
        // connectors): nothing to write. Another network's or the user's connectors after ours are not a change.
        var unchanged = existing.Count == planned.Count
            && existingByName.Count == existing.Count
            && planned.All(p => existingByName.TryGetValue((string)p.Attribute("name")!, out var old) && XmlSemantics.Equivalent(old, p));
        if (!unchanged)
        {
            if (existing.Count > 0)
            {
                // In place of the first of ours, so the other connectors keep their order.
                existing[0].AddBeforeSelf(planned);
                existing.ForEach(e => e.Remove());
            }
            else if (planned.Count > 0)
            {
                if (container is null)
                {
                    container = new XElement(Core + "networkConnectors");
                    InsertInNameOrder(broker, container);
                }
                container.Add(planned);
            }
            // Emptied of connectors, the container goes; a comment in it is the user's and stays where it was.
            if (container is not null && !container.Elements().Any() && existing.Count > 0)
            {
                container.AddBeforeSelf(container.Nodes().Where(n => n is not XElement).ToList());
                container.Remove();
            }
        }

        if (container is not null) problems.AddRange(NetworkConnectorsCheck.Problems(container));
        if (problems.Count > 0) throw new InvalidConfigurationException(brokerName, problems);

        var plannedNames = connectors.Select(c => c.Name).ToList();
        var added = plannedNames.Where(n => !existingByName.ContainsKey(n)).ToList();
        var removed = existingByName.Keys.Where(n => !plannedNames.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var updated = planned
            .Where(p => existingByName.TryGetValue((string)p.Attribute("name")!, out var old) && !XmlSemantics.Equivalent(old, p))
            .Select(p => (string)p.Attribute("name")!)
            .ToList();

        var changed = !unchanged && !XmlSemantics.Equivalent(current.Root!, broker);
        return new ConfigurationRevision(changed ? ConfigurationXml.Serialize(next) : currentXml, changed, added, removed, updated);
    }

    static XElement ToElement(PlannedConnector connector) =>
        // XAttribute escapes every value; nothing is concatenated into markup.
        new(Core + "networkConnector", connector.Attributes().Select(a => new XAttribute(a.Key, a.Value)));

    /// <summary>
    /// Places a new child of &lt;broker&gt; among its element siblings in name order: older ActiveMQ schemas require
    /// the children of &lt;broker&gt; to be alphabetical, and newer ones accept any order.
    /// </summary>
    static void InsertInNameOrder(XElement broker, XElement child)
    {
        var after = broker.Elements().LastOrDefault(e => string.CompareOrdinal(e.Name.LocalName, child.Name.LocalName) < 0);
        if (after is not null) after.AddAfterSelf(child);
        else broker.AddFirst(child);
    }
}

/// <summary>Parsing and writing broker configuration XML safely (no DTDs, no external entities).</summary>
public static class ConfigurationXml
{
    /// <summary>Parses a broker configuration: well-formed XML whose root is Amazon MQ's &lt;broker&gt; element.</summary>
    public static XDocument Parse(string brokerName, string xml)
    {
        var document = ParseAny(brokerName, xml);
        if (document.Root is null || document.Root.Name != ConnectorConfigurationWriter.Core + "broker")
        {
            throw new InvalidConfigurationException(brokerName,
                [$"the root element is <{document.Root?.Name.LocalName}> in namespace \"{document.Root?.Name.NamespaceName}\"; an Amazon MQ configuration is a <broker xmlns=\"{ConnectorConfigurationWriter.Core.NamespaceName}\"> element"]);
        }
        return document;
    }

    /// <summary>Parses any XML without DTDs or external entities (XXE-safe), dropping insignificant whitespace.</summary>
    public static XDocument ParseAny(string brokerName, string xml)
    {
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new InvalidConfigurationException(brokerName, [$"the current configuration is not well-formed XML: {e.Message}"]);
        }
    }

    /// <summary>The declaration, then every top-level node: comments and processing instructions around &lt;broker&gt; are the user's too.</summary>
    public static string Serialize(XDocument document)
    {
        var declaration = document.Declaration ?? new XDeclaration("1.0", "UTF-8", "yes");
        return declaration + Environment.NewLine + string.Concat(document.Nodes().Select(n => n.ToString(SaveOptions.None) + Environment.NewLine));
    }
}

/// <summary>Checks a &lt;networkConnectors&gt; element against what Amazon MQ allows, so nothing is stripped silently.</summary>
public static class NetworkConnectorsCheck
{
    public static IReadOnlyList<string> Problems(XElement networkConnectors)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var core = ConnectorConfigurationWriter.Core;
        var count = 0;
        foreach (var connector in networkConnectors.Elements())
        {
            if (connector.Name != core + "networkConnector")
            {
                problems.Add($"<{connector.Name.LocalName}> is not allowed inside <networkConnectors>; only <networkConnector>");
                continue;
            }
            count++;
            var name = (string?)connector.Attribute("name") ?? "(unnamed)";
            var where = $"networkConnector \"{name}\"";
            if (!names.Add(name)) problems.Add($"{where}: the name is used twice; connector names are unique per broker");
            foreach (var attribute in connector.Attributes().Where(a => !a.IsNamespaceDeclaration))
            {
                var attributeName = attribute.Name.LocalName;
                if (attributeName.Equals("password", StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{where}: a password attribute is not allowed; Amazon MQ supplies the password of the user named in userName");
                else if (attribute.Name.Namespace != XNamespace.None || !NetworkConnectorRules.Attributes.TryGetValue(attributeName, out var kind))
                    problems.Add($"{where}: attribute \"{attributeName}\" is not allowed by Amazon MQ");
                else if (!NetworkConnectorRules.IsValidValue(kind, attribute.Value))
                    problems.Add($"{where}: attribute \"{attributeName}\" is \"{attribute.Value}\"; use {NetworkConnectorRules.Describe(kind)}");
            }
            if (connector.Attribute("uri") is null) problems.Add($"{where}: the uri attribute is required");
            foreach (var collection in connector.Elements())
            {
                if (collection.Name.Namespace != core || !NetworkConnectorRules.ChildCollections.Contains(collection.Name.LocalName))
                {
                    problems.Add($"{where}: <{collection.Name.LocalName}> is not allowed; use {string.Join(", ", NetworkConnectorRules.ChildCollections.Order(StringComparer.Ordinal))}");
                    continue;
                }
                foreach (var destination in collection.Elements())
                {
                    if (destination.Name.Namespace != core || !NetworkConnectorRules.Destinations.TryGetValue(destination.Name.LocalName, out var allowed))
                    {
                        problems.Add($"{where}: <{destination.Name.LocalName}> is not allowed in <{collection.Name.LocalName}>; use <queue> or <topic>");
                        continue;
                    }
                    foreach (var a in destination.Attributes().Where(a => !a.IsNamespaceDeclaration && !allowed.Contains(a.Name.LocalName)))
                        problems.Add($"{where}: attribute \"{a.Name.LocalName}\" of <{destination.Name.LocalName}> is not allowed; use {string.Join(", ", allowed)}");
                }
            }
        }
        if (count > NetworkConnectorRules.MaxConnectorsPerBroker)
            problems.Add($"{count} network connectors; Amazon MQ allows at most {NetworkConnectorRules.MaxConnectorsPerBroker} per broker");
        return problems;
    }
}
