using Nob.LocalBrokers;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// The ActiveMQ JVM(s) behind one Amazon MQ broker: one <see cref="LocalBroker"/> for SINGLE_INSTANCE, an
/// <see cref="ActiveStandbyPair"/> sharing one KahaDB for ACTIVE_STANDBY_MULTI_AZ. Made afresh from the current
/// revision and users at each start (reboot); the folder, ports and message store stay.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private readonly LocalBroker? _single;
    private readonly ActiveStandbyPair? _pair;

    private BrokerProcess(LocalBroker? single, ActiveStandbyPair? pair)
    {
        _single = single;
        _pair = pair;
    }

    /// <summary>Writes the runtime configuration(s); nothing runs yet. Throws <see cref="InvalidBrokerConfigurationException"/>.</summary>
    public static BrokerProcess Prepare(
        ActiveMqInstallation installation, TlsMaterial tls, LocalBrokerOptions options, string folder, string brokerName,
        string configurationXml, IReadOnlyList<BrokerUser> users, IReadOnlyList<InstanceRecord> instances, bool activeStandby)
    {
        BrokerRuntimeSettings Settings(string directory, InstanceRecord instance, string? kahaDb) => new()
        {
            BrokerName = brokerName,
            DataDirectory = Path.Combine(directory, "data"),
            KahaDbDirectory = kahaDb,
            OpenWirePort = instance.OpenWirePort,
            StompPort = instance.StompPort,
            Tls = tls,
            Users = users,
        };

        if (!activeStandby)
        {
            return new BrokerProcess(new LocalBroker(installation, folder, configurationXml, Settings(folder, instances[0], null), options), null);
        }

        var kahaDb = Path.Combine(folder, "shared-kahadb");
        var first = Path.Combine(folder, "instance-1");
        var second = Path.Combine(folder, "instance-2");
        return new BrokerProcess(null, new ActiveStandbyPair(
            new LocalBroker(installation, first, configurationXml, Settings(first, instances[0], kahaDb), options),
            new LocalBroker(installation, second, configurationXml, Settings(second, instances[1], kahaDb), options),
            options));
    }

    /// <summary>Starts the JVM(s) and returns once the (active) transport connectors accept connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken) =>
        _pair is not null ? _pair.StartAsync(cancellationToken) : _single!.StartAsync(cancellationToken);

    /// <summary>The last lines of each instance's log.</summary>
    public string LogTail(int lines = 30) =>
        _pair is not null
            ? $"instance 1:\n{_pair.First.LogTail(lines)}\ninstance 2:\n{_pair.Second.LogTail(lines)}"
            : _single!.LogTail(lines);

    /// <summary>Stops the JVM(s); never leaves one behind.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync().ConfigureAwait(false);
        }

        if (_single is not null)
        {
            await _single.DisposeAsync().ConfigureAwait(false);
        }
    }
}
