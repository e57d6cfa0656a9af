using System.Net.Security;
using Nob.Core.Configuration;
using Nob.LocalBrokers;

namespace Nob.Stomp.Tests.Brokers;

/// <summary>
/// Every real broker these tests need, started once and all at once (JVM start-up dominates the run):
/// <list type="bullet">
/// <item><see cref="Tutorial"/>: examples/tutorial.json, MyBroker1 owning a duplex connector to MyBroker2.</item>
/// <item><see cref="Unbridged"/>: the same network whose revisions were never applied (no connectors), plus
/// <see cref="Lone"/>, a broker with the same user that one test stops.</item>
/// <item><see cref="ActiveStandby"/>: examples/active-standby.json, MyBroker2 an active/standby pair that one test fails over.</item>
/// </list>
/// Set NOB_KEEP_TEST_BROKERS=1 to keep the folder (configurations, broker logs) after the run.
/// </summary>
public sealed class LocalNetworksFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"nob-stomp-tests-{Guid.NewGuid():N}");

    public LocalBrokerHost Host { get; private set; } = null!;

    public LocalNetwork Tutorial { get; private set; } = null!;

    public LocalNetwork Unbridged { get; private set; } = null!;

    public LocalBroker Lone { get; private set; } = null!;

    public LocalNetwork ActiveStandby { get; private set; } = null!;

    /// <summary>Trusts the local brokers' self-signed certificate, and only it.</summary>
    public RemoteCertificateValidationCallback Trust { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Eight JVMs start together on a small machine: give them time.
        Host = await LocalBrokerHost.CreateAsync(Root, options: new LocalBrokerOptions { StartTimeout = TimeSpan.FromMinutes(3) });
        Trust = StompTls.TrustOnlyPemFile(Host.Tls.CertificatePath);
        Tutorial = LocalNetwork.Prepare(Host, Nob.Testing.Repository.Example("tutorial"));
        Unbridged = LocalNetwork.Prepare(Host, Nob.Testing.Repository.Example("tutorial"), networkName: "unbridged", withConnectors: false);
        Lone = Host.CreateBroker("unbridged-Lone", AmazonMqDefaults.ConfigurationXml, [Unbridged.User]);
        ActiveStandby = LocalNetwork.Prepare(Host, Nob.Testing.Repository.Example("active-standby"));
        await Task.WhenAll(Tutorial.StartAsync(), Unbridged.StartAsync(), Lone.StartAsync(), ActiveStandby.StartAsync());
    }

    public StompMessageProbe Probe() => new(new StompProbeOptions { CertificateValidation = Trust });

    public StompClientOptions ClientOptions(LocalBroker broker, string username, string password)
    {
        var endpoint = StompEndpoint.Parse(broker.StompUri!);
        return new StompClientOptions
        {
            Host = endpoint.Host,
            Port = endpoint.Port,
            Login = username,
            Passcode = password,
            CertificateValidation = Trust,
        };
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
        if (Environment.GetEnvironmentVariable("NOB_KEEP_TEST_BROKERS") != "1" && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalNetworksCollection : ICollectionFixture<LocalNetworksFixture>
{
    public const string Name = "STOMP and bridge verification on real ActiveMQ brokers";
}
