using System.Globalization;
using System.Xml.Linq;

namespace Nob.LocalBrokers;

/// <summary>
/// Turns a broker configuration as a user writes it for Amazon MQ (a bare <c>&lt;broker&gt;</c> document: no transport
/// connectors, no users, no SSL context, network connectors with <c>userName</c> but no <c>password</c>) into the Spring
/// <c>activemq.xml</c> an ActiveMQ process starts from, adding what Amazon MQ owns at runtime: TLS transport connectors,
/// the SSL context, the broker users, the KahaDB location, and each network connector's password.
/// </summary>
public static class AmazonMqRuntimeConfiguration
{
    public static readonly XNamespace Core = "http://activemq.apache.org/schema/core";
    public static readonly XNamespace Beans = "http://www.springframework.org/schema/beans";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private const string SchemaLocations =
        "http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd " +
        "http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd";

    /// <summary>Authentication plugins Amazon MQ reserves for itself.</summary>
    private static readonly HashSet<string> ReservedPlugins = new(StringComparer.Ordinal)
    {
        "simpleAuthenticationPlugin", "jaasAuthenticationPlugin", "jaasCertificateAuthenticationPlugin", "jaasDualAuthenticationPlugin",
    };

    /// <summary>Broker children Amazon MQ manages; a user configuration never contains them.</summary>
    private static readonly HashSet<string> ReservedBrokerChildren = new(StringComparer.Ordinal)
    {
        "transportConnectors", "sslContext", "managementContext",
    };

    public static XDocument Build(string userConfigurationXml, BrokerRuntimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(userConfigurationXml);
        XDocument document;
        try
        {
            document = XDocument.Parse(userConfigurationXml);
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidBrokerConfigurationException($"the broker configuration is not well-formed XML: {e.Message}", e);
        }
        return Build(document, settings);
    }

    public static XDocument Build(XDocument userConfiguration, BrokerRuntimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(userConfiguration);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);

        var source = userConfiguration.Root ?? throw new InvalidBrokerConfigurationException("the broker configuration is empty");
        if (source.Name != Core + "broker")
        {
            throw new InvalidBrokerConfigurationException(
                $"the root element must be <broker xmlns=\"{Core}\">, found <{source.Name.LocalName}> in namespace \"{source.Name.NamespaceName}\"");
        }
        var broker = new XElement(source); // never touch the caller's document
        RejectWhatAmazonMqOwns(broker);

        broker.SetAttributeValue("brokerName", settings.BrokerName);
        broker.SetAttributeValue("dataDirectory", settings.DataDirectory);
        broker.SetAttributeValue("useJmx", "false");

        ConfigurePersistence(broker, settings);
        AddUsers(broker, settings.Users);
        InsertInOrder(broker, SslContext(settings.Tls));
        InsertInOrder(broker, TransportConnectors(settings));
        InjectNetworkConnectorPasswords(broker, settings.Users);

        return new XDocument(
            new XDeclaration("1.0", "UTF-8", null),
            new XElement(Beans + "beans",
                new XAttribute("xmlns", Beans.NamespaceName),
                new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
                new XAttribute(Xsi + "schemaLocation", SchemaLocations),
                broker));
    }

    private static void Validate(BrokerRuntimeSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.BrokerName))
        {
            throw new ArgumentException("BrokerName is required", nameof(settings));
        }
        if (settings.OpenWirePort is <= 0 or > 65535)
        {
            throw new ArgumentException($"OpenWirePort {settings.OpenWirePort} is not a TCP port", nameof(settings));
        }
        if (settings.StompPort is { } stomp && (stomp is <= 0 or > 65535 || stomp == settings.OpenWirePort))
        {
            throw new ArgumentException($"StompPort {stomp} is not a free TCP port distinct from OpenWire's", nameof(settings));
        }
        if (settings.Users.Count == 0)
        {
            throw new ArgumentException("Amazon MQ brokers always have at least one user", nameof(settings));
        }
        var duplicate = settings.Users.GroupBy(u => u.Username, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"user \"{duplicate.Key}\" is listed twice", nameof(settings));
        }
    }

    private static void RejectWhatAmazonMqOwns(XElement broker)
    {
        foreach (var child in broker.Elements())
        {
            if (ReservedBrokerChildren.Contains(child.Name.LocalName))
            {
                throw new InvalidBrokerConfigurationException(
                    $"<{child.Name.LocalName}> is managed by Amazon MQ and cannot appear in a broker configuration");
            }
        }
        foreach (var plugin in broker.Elements(Core + "plugins").Elements())
        {
            if (ReservedPlugins.Contains(plugin.Name.LocalName))
            {
                throw new InvalidBrokerConfigurationException(
                    $"<plugins><{plugin.Name.LocalName}> is managed by Amazon MQ (broker users are not part of the configuration)");
            }
        }
        foreach (var connector in broker.Descendants(Core + "networkConnector"))
        {
            if (connector.Attribute("password") is not null)
            {
                throw new InvalidBrokerConfigurationException(
                    $"networkConnector \"{(string?)connector.Attribute("name") ?? "bridge"}\" has a password attribute; " +
                    "Amazon MQ forbids it and injects the password of the user named by userName");
            }
        }
    }

    private static void ConfigurePersistence(XElement broker, BrokerRuntimeSettings settings)
    {
        var adapters = broker.Elements(Core + "persistenceAdapter").ToList();
        if (adapters.Count > 1)
        {
            throw new InvalidBrokerConfigurationException("<persistenceAdapter> appears more than once");
        }
        var adapter = adapters.SingleOrDefault();
        if (adapter is null)
        {
            adapter = new XElement(Core + "persistenceAdapter");
            InsertInOrder(broker, adapter);
        }
        var stores = adapter.Elements().ToList();
        if (stores.Count > 1 || stores.Any(s => s.Name != Core + "kahaDB"))
        {
            throw new InvalidBrokerConfigurationException(
                "Amazon MQ only allows <persistenceAdapter><kahaDB/></persistenceAdapter>, found " +
                string.Join(", ", stores.Select(s => $"<{s.Name.LocalName}>")));
        }
        var kahaDb = stores.SingleOrDefault();
        if (kahaDb is null)
        {
            kahaDb = new XElement(Core + "kahaDB");
            adapter.Add(kahaDb);
        }
        kahaDb.SetAttributeValue("directory", settings.EffectiveKahaDbDirectory);
        if (kahaDb.Element(Core + "locker") is null)
        {
            kahaDb.Add(new XElement(Core + "locker",
                new XElement(Core + "shared-file-locker",
                    new XAttribute("lockAcquireSleepInterval",
                        ((long)settings.LockAcquireInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)))));
        }
    }

    private static void AddUsers(XElement broker, IReadOnlyList<BrokerUser> users)
    {
        var plugins = broker.Element(Core + "plugins");
        if (plugins is null)
        {
            plugins = new XElement(Core + "plugins");
            InsertInOrder(broker, plugins);
        }
        // Authentication comes first so that every other plugin sees an authenticated connection.
        plugins.AddFirst(new XElement(Core + "simpleAuthenticationPlugin",
            new XAttribute("anonymousAccessAllowed", "false"),
            new XElement(Core + "users",
                users.Select(u => new XElement(Core + "authenticationUser",
                    new XAttribute("username", u.Username),
                    new XAttribute("password", u.Password),
                    new XAttribute("groups", string.Join(",", u.Groups)))))));
    }

    private static XElement SslContext(TlsMaterial tls) =>
        new(Core + "sslContext",
            new XElement(Core + "sslContext",
                new XAttribute("keyStore", new Uri(tls.KeyStorePath).AbsoluteUri),
                new XAttribute("keyStorePassword", tls.StorePassword),
                new XAttribute("keyStoreType", TlsMaterial.StoreType),
                new XAttribute("trustStore", new Uri(tls.TrustStorePath).AbsoluteUri),
                new XAttribute("trustStorePassword", tls.StorePassword),
                new XAttribute("trustStoreType", TlsMaterial.StoreType)));

    private static XElement TransportConnectors(BrokerRuntimeSettings settings)
    {
        var connectors = new XElement(Core + "transportConnectors",
            new XElement(Core + "transportConnector",
                new XAttribute("name", "openwire"),
                new XAttribute("uri", $"{settings.OpenWireUri}?maximumConnections=1000&wireFormat.maxFrameSize=104857600")));
        if (settings.StompUri is { } stomp)
        {
            connectors.Add(new XElement(Core + "transportConnector",
                new XAttribute("name", "stomp+ssl"),
                new XAttribute("uri", $"{stomp}?maximumConnections=1000&wireFormat.maxFrameSize=104857600")));
        }
        return connectors;
    }

    private static void InjectNetworkConnectorPasswords(XElement broker, IReadOnlyList<BrokerUser> users)
    {
        var byName = users.ToDictionary(u => u.Username, StringComparer.Ordinal);
        foreach (var connector in broker.Elements(Core + "networkConnectors").Elements(Core + "networkConnector"))
        {
            if ((string?)connector.Attribute("userName") is { } userName && byName.TryGetValue(userName, out var user))
            {
                connector.SetAttributeValue("password", user.Password);
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="child"/> before the first sibling whose name sorts after it. ActiveMQ 5.17's schema accepts the
    /// broker's children in any order, but older schemas (and Amazon MQ's documentation) use alphabetical order, so an
    /// alphabetical input stays alphabetical.
    /// </summary>
    private static void InsertInOrder(XElement broker, XElement child)
    {
        var next = broker.Elements().FirstOrDefault(e => string.CompareOrdinal(e.Name.LocalName, child.Name.LocalName) > 0);
        if (next is null)
        {
            broker.Add(child);
        }
        else
        {
            next.AddBeforeSelf(child);
        }
    }
}

/// <summary>A broker configuration Amazon MQ would not run as given.</summary>
public sealed class InvalidBrokerConfigurationException : Exception
{
    public InvalidBrokerConfigurationException(string message)
        : base(message)
    {
    }

    public InvalidBrokerConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
