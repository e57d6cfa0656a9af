using System.Xml.Linq;
using static Nob.LocalBrokers.Tests.TestConfigurations;

namespace Nob.LocalBrokers.Tests;

/// <summary>The Amazon MQ configuration → activemq.xml transformation, checked on the parsed result (no JVM).</summary>
public sealed class AmazonMqRuntimeConfigurationTests
{
    private static readonly XNamespace Beans = AmazonMqRuntimeConfiguration.Beans;
    private static readonly XNamespace Xsi = AmazonMqRuntimeConfiguration.Xsi;

    private static readonly TlsMaterial Tls = new("/tmp/nob/tls/keystore.p12", "/tmp/nob/tls/truststore.p12", "/tmp/nob/tls/cert.pem", "store-secret");

    private static BrokerRuntimeSettings Settings(IReadOnlyList<BrokerUser>? users = null) => new()
    {
        BrokerName = "MyBroker1",
        DataDirectory = "/tmp/nob/MyBroker1/data",
        OpenWirePort = 41617,
        StompPort = 41614,
        Tls = Tls,
        Users = users ?? Users,
    };

    /// <summary>The <c>&lt;broker&gt;</c> element of the runtime configuration built from <paramref name="user"/>'s.</summary>
    private static XElement BuiltBroker(XDocument user, BrokerRuntimeSettings settings) => Broker(AmazonMqRuntimeConfiguration.Build(user, settings));

    private static XElement Broker(XDocument runtime) => runtime.Root!.Element(BrokerXml + "broker")!;

    [Fact]
    public void Build_DefaultConfiguration_WrapsBrokerInSpringBeansWithSchemaLocations()
    {
        var runtime = AmazonMqRuntimeConfiguration.Build(AmazonMqDefault(), Settings());

        Assert.Equal(Beans + "beans", runtime.Root!.Name);
        var locations = ((string)runtime.Root.Attribute(Xsi + "schemaLocation")!).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, locations.Length);
        Assert.Equal(Beans.NamespaceName, locations[0]);
        Assert.Equal(BrokerXml.NamespaceName, locations[2]);
        Assert.EndsWith("activemq-core.xsd", locations[3], StringComparison.Ordinal);
        Assert.Single(runtime.Root.Elements());
        Assert.NotNull(runtime.Root.Element(BrokerXml + "broker"));
    }

    [Fact]
    public void Build_DefaultConfiguration_SetsBrokerNameDataDirectoryAndTurnsJmxOff()
    {
        var broker = BuiltBroker(AmazonMqDefault(), Settings());

        Assert.Equal("MyBroker1", (string?)broker.Attribute("brokerName"));
        Assert.Equal("/tmp/nob/MyBroker1/data", (string?)broker.Attribute("dataDirectory"));
        Assert.Equal("false", (string?)broker.Attribute("useJmx"));
        Assert.Equal("10000", (string?)broker.Attribute("schedulePeriodForDestinationPurge"));
    }

    [Fact]
    public void Build_DefaultConfiguration_AddsTlsOpenWireAndStompConnectorsOnGivenPorts()
    {
        var connectors = BuiltBroker(AmazonMqDefault(), Settings())
            .Element(BrokerXml + "transportConnectors")!.Elements(BrokerXml + "transportConnector").ToList();

        Assert.Equal(2, connectors.Count);
        var openWire = new Uri((string)connectors[0].Attribute("uri")!);
        Assert.Equal(("ssl", "127.0.0.1", 41617), (openWire.Scheme, openWire.Host, openWire.Port));
        var stomp = new Uri((string)connectors[1].Attribute("uri")!);
        Assert.Equal(("stomp+ssl", "127.0.0.1", 41614), (stomp.Scheme, stomp.Host, stomp.Port));
    }

    [Fact]
    public void Build_NoStompPort_AddsOnlyOpenWire()
    {
        var connectors = BuiltBroker(AmazonMqDefault(), Settings() with { StompPort = null })
            .Element(BrokerXml + "transportConnectors")!.Elements().ToList();

        var only = Assert.Single(connectors);
        Assert.StartsWith("ssl://127.0.0.1:41617", (string)only.Attribute("uri")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DefaultConfiguration_AddsSslContextWithKeyStoreAndTrustStore()
    {
        var ssl = BuiltBroker(AmazonMqDefault(), Settings())
            .Element(BrokerXml + "sslContext")!.Element(BrokerXml + "sslContext")!;

        Assert.Equal(new Uri("/tmp/nob/tls/keystore.p12"), new Uri((string)ssl.Attribute("keyStore")!));
        Assert.Equal(new Uri("/tmp/nob/tls/truststore.p12"), new Uri((string)ssl.Attribute("trustStore")!));
        Assert.Equal("store-secret", (string?)ssl.Attribute("keyStorePassword"));
        Assert.Equal("store-secret", (string?)ssl.Attribute("trustStorePassword"));
        Assert.Equal("PKCS12", (string?)ssl.Attribute("keyStoreType"));
        Assert.Equal("PKCS12", (string?)ssl.Attribute("trustStoreType"));
    }

    [Fact]
    public void Build_TwoUsers_AddsSimpleAuthenticationWithEveryUserAndNoAnonymousAccess()
    {
        var users = new[] { new BrokerUser("alice", "a-password-1"), new BrokerUser("bob", "b-password-2", ["readers"]) };

        var plugins = BuiltBroker(AmazonMqDefault(), Settings(users)).Elements(BrokerXml + "plugins").ToList();

        var plugin = Assert.Single(plugins).Element(BrokerXml + "simpleAuthenticationPlugin")!;
        Assert.Equal("false", (string?)plugin.Attribute("anonymousAccessAllowed"));
        var entries = plugin.Element(BrokerXml + "users")!.Elements(BrokerXml + "authenticationUser")
            .Select(u => ((string?)u.Attribute("username"), (string?)u.Attribute("password"), (string?)u.Attribute("groups")))
            .ToList();
        Assert.Equal([("alice", "a-password-1", "admin,users"), ("bob", "b-password-2", "readers")], entries);
    }

    [Fact]
    public void Build_ExistingPlugins_KeepsThemAndPutsAuthenticationFirst()
    {
        var user = AmazonMqDefault();
        user.Root!.Element(BrokerXml + "plugins")!.Add(new XElement(BrokerXml + "forcePersistencyModeBrokerPlugin", new XAttribute("persistenceFlag", "true")));

        var plugins = BuiltBroker(user, Settings()).Element(BrokerXml + "plugins")!.Elements().ToList();

        Assert.Equal(["simpleAuthenticationPlugin", "forcePersistencyModeBrokerPlugin"], plugins.Select(p => p.Name.LocalName));
    }

    [Fact]
    public void Build_NetworkConnectorWithBrokerUserName_GetsThatUsersPassword()
    {
        var user = WithNetworkConnectors(
            NetworkConnector("connector_1_to_2", "static:(ssl://127.0.0.1:41700)", duplex: true),
            NetworkConnector("connector_1_to_3", "masterslave:(ssl://127.0.0.1:41701,ssl://127.0.0.1:41702)", duplex: false));

        var connectors = BuiltBroker(user, Settings())
            .Element(BrokerXml + "networkConnectors")!.Elements(BrokerXml + "networkConnector").ToList();

        Assert.Equal(2, connectors.Count);
        Assert.All(connectors, c => Assert.Equal(User.Password, (string?)c.Attribute("password")));
        Assert.All(connectors, c => Assert.Equal(User.Username, (string?)c.Attribute("userName")));
        Assert.Equal("static:(ssl://127.0.0.1:41700)", (string?)connectors[0].Attribute("uri"));
        Assert.Equal("true", (string?)connectors[0].Attribute("duplex"));
    }

    [Fact]
    public void Build_NetworkConnectorWithUnknownUserName_GetsNoPassword()
    {
        var connector = NetworkConnector("c", "static:(ssl://127.0.0.1:41700)", duplex: true);
        connector.SetAttributeValue("userName", "someoneElse");

        var built = BuiltBroker(WithNetworkConnectors(connector), Settings())
            .Element(BrokerXml + "networkConnectors")!.Element(BrokerXml + "networkConnector")!;

        Assert.Null(built.Attribute("password"));
    }

    [Fact]
    public void Build_NetworkConnectorWithPassword_ThrowsInvalidBrokerConfiguration()
    {
        var connector = NetworkConnector("c", "static:(ssl://127.0.0.1:41700)", duplex: true);
        connector.SetAttributeValue("password", "written-by-hand");

        var error = Assert.Throws<InvalidBrokerConfigurationException>(() => AmazonMqRuntimeConfiguration.Build(WithNetworkConnectors(connector), Settings()));

        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("transportConnectors")]
    [InlineData("sslContext")]
    public void Build_ElementOwnedByAmazonMq_ThrowsInvalidBrokerConfiguration(string element)
    {
        var user = AmazonMqDefault();
        user.Root!.Add(new XElement(BrokerXml + element));

        var error = Assert.Throws<InvalidBrokerConfigurationException>(() => AmazonMqRuntimeConfiguration.Build(user, Settings()));

        Assert.Contains(element, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UsersInPlugins_ThrowsInvalidBrokerConfiguration()
    {
        var user = AmazonMqDefault();
        user.Root!.Element(BrokerXml + "plugins")!.Add(new XElement(BrokerXml + "simpleAuthenticationPlugin"));

        Assert.Throws<InvalidBrokerConfigurationException>(() => AmazonMqRuntimeConfiguration.Build(user, Settings()));
    }

    [Theory]
    [InlineData("<beans xmlns=\"http://www.springframework.org/schema/beans\"/>")]
    [InlineData("<broker/>")]
    [InlineData("<broker xmlns=\"http://activemq.apache.org/schema/core\">")]
    public void Build_NotAnAmazonMqBrokerDocument_ThrowsInvalidBrokerConfiguration(string xml)
    {
        Assert.Throws<InvalidBrokerConfigurationException>(() => AmazonMqRuntimeConfiguration.Build(xml, Settings()));
    }

    [Fact]
    public void Build_NoPersistenceAdapter_AddsKahaDbUnderDataDirectoryWithQuickLocker()
    {
        var kahaDb = BuiltBroker(AmazonMqDefault(), Settings())
            .Element(BrokerXml + "persistenceAdapter")!.Element(BrokerXml + "kahaDB")!;

        Assert.Equal(Path.Combine("/tmp/nob/MyBroker1/data", "kahadb"), (string?)kahaDb.Attribute("directory"));
        var locker = kahaDb.Element(BrokerXml + "locker")!.Element(BrokerXml + "shared-file-locker")!;
        Assert.Equal("1000", (string?)locker.Attribute("lockAcquireSleepInterval"));
    }

    [Fact]
    public void Build_UserKahaDbAndSharedDirectory_KeepsUserAttributesAndUsesSharedDirectory()
    {
        var user = AmazonMqDefault();
        user.Root!.Element(BrokerXml + "plugins")!.AddBeforeSelf(
            new XElement(BrokerXml + "persistenceAdapter",
                new XElement(BrokerXml + "kahaDB", new XAttribute("directory", "/somewhere/else"), new XAttribute("journalDiskSyncStrategy", "periodic"))));

        var kahaDb = BuiltBroker(user, Settings() with { KahaDbDirectory = "/tmp/nob/pair/shared" })
            .Elements(BrokerXml + "persistenceAdapter").Single().Element(BrokerXml + "kahaDB")!;

        Assert.Equal("/tmp/nob/pair/shared", (string?)kahaDb.Attribute("directory"));
        Assert.Equal("periodic", (string?)kahaDb.Attribute("journalDiskSyncStrategy"));
    }

    [Fact]
    public void Build_AlphabeticalUserConfiguration_KeepsChildrenAlphabetical()
    {
        var user = WithNetworkConnectors(NetworkConnector("c", "static:(ssl://127.0.0.1:41700)", duplex: true));

        var names = BuiltBroker(user, Settings()).Elements().Select(e => e.Name.LocalName).ToList();

        Assert.Equal(
            ["destinationPolicy", "networkConnectors", "persistenceAdapter", "plugins", "sslContext", "transportConnectors"],
            names);
    }

    [Fact]
    public void Build_DefaultConfiguration_KeepsUserElementsUnchanged()
    {
        var user = AmazonMqDefault();

        var broker = BuiltBroker(user, Settings());

        Assert.True(XNode.DeepEquals(user.Root!.Element(BrokerXml + "destinationPolicy"), broker.Element(BrokerXml + "destinationPolicy")));
    }

    [Fact]
    public void Build_AnyInput_LeavesCallersDocumentUntouched()
    {
        var user = WithNetworkConnectors(NetworkConnector("c", "static:(ssl://127.0.0.1:41700)", duplex: true));
        var before = new XDocument(user);

        AmazonMqRuntimeConfiguration.Build(user, Settings());

        Assert.True(XNode.DeepEquals(before, user));
    }

    [Fact]
    public void Build_PasswordWithXmlSpecialCharacters_RoundTripsThroughSerializedXml()
    {
        var user = WithNetworkConnectors(NetworkConnector("c", "static:(ssl://127.0.0.1:41700)", duplex: true));

        var reparsed = XDocument.Parse(AmazonMqRuntimeConfiguration.Build(user, Settings()).ToString());

        var connector = Broker(reparsed).Element(BrokerXml + "networkConnectors")!.Element(BrokerXml + "networkConnector")!;
        Assert.Equal("nob&Secret<Pass>42", (string?)connector.Attribute("password"));
    }

    [Fact]
    public void Build_DuplicateUserNames_ThrowsArgumentException()
    {
        var users = new[] { new BrokerUser("same", "password-1234"), new BrokerUser("same", "password-5678") };

        Assert.Throws<ArgumentException>(() => AmazonMqRuntimeConfiguration.Build(AmazonMqDefault(), Settings(users)));
    }
}
