namespace Nob.LocalBrokers;

/// <summary>
/// A folder of local brokers that share one ActiveMQ installation, one TLS identity and one CLI: creates single-instance
/// brokers and active/standby pairs the way Amazon MQ would run them, and stops every one of them when disposed.
/// </summary>
public sealed class LocalBrokerHost : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);
    private bool _disposed;

    private LocalBrokerHost(string rootDirectory, ActiveMqInstallation installation, TlsMaterial tls, LocalBrokerOptions options)
    {
        RootDirectory = rootDirectory;
        Installation = installation;
        Tls = tls;
        Options = options;
        Cli = new ActiveMqCli(installation, tls, Path.Combine(rootDirectory, "cli"));
    }

    public string RootDirectory { get; }

    public ActiveMqInstallation Installation { get; }

    public TlsMaterial Tls { get; }

    public LocalBrokerOptions Options { get; }

    /// <summary>The ActiveMQ producer/consumer CLI, trusting these brokers.</summary>
    public ActiveMqCli Cli { get; }

    /// <summary>
    /// A host in <paramref name="rootDirectory"/>. TLS material comes from <paramref name="tlsDirectory"/> (created there once
    /// and reused; default: rootDirectory/tls).
    /// </summary>
    public static async Task<LocalBrokerHost> CreateAsync(
        string rootDirectory,
        string? tlsDirectory = null,
        LocalBrokerOptions? options = null,
        ActiveMqInstallation? installation = null,
        CancellationToken cancellationToken = default)
    {
        rootDirectory = PrivateFiles.CreateFolder(Path.GetFullPath(rootDirectory));
        installation ??= ActiveMqInstallation.Locate();
        var tls = await TlsMaterial.CreateOrLoadAsync(installation, tlsDirectory ?? Path.Combine(rootDirectory, "tls"), cancellationToken)
            .ConfigureAwait(false);
        return new LocalBrokerHost(rootDirectory, installation, tls, options ?? LocalBrokerOptions.Default);
    }

    /// <summary>
    /// Prepares (does not start) a single-instance broker from a configuration as written for Amazon MQ. Ports not given
    /// are allocated; STOMP is opened too unless <paramref name="withStomp"/> is false.
    /// </summary>
    public LocalBroker CreateBroker(
        string brokerName, string configurationXml, IReadOnlyList<BrokerUser> users, int? openWirePort = null, bool withStomp = true)
    {
        var folder = ClaimFolder(brokerName);
        var settings = Settings(brokerName, folder, users, openWirePort, withStomp, kahaDb: null);
        return Own(new LocalBroker(Installation, folder, configurationXml, settings, Options));
    }

    /// <summary>Prepares (does not start) an active/standby pair: two instances sharing one KahaDB directory.</summary>
    public ActiveStandbyPair CreateActiveStandbyPair(
        string brokerName, string configurationXml, IReadOnlyList<BrokerUser> users,
        int? firstOpenWirePort = null, int? secondOpenWirePort = null, bool withStomp = true)
    {
        var folder = ClaimFolder(brokerName);
        var kahaDb = Path.Combine(folder, "shared-kahadb");
        var first = new LocalBroker(Installation, Path.Combine(folder, "instance-1"), configurationXml,
            Settings(brokerName, Path.Combine(folder, "instance-1"), users, firstOpenWirePort, withStomp, kahaDb), Options);
        var second = new LocalBroker(Installation, Path.Combine(folder, "instance-2"), configurationXml,
            Settings(brokerName, Path.Combine(folder, "instance-2"), users, secondOpenWirePort, withStomp, kahaDb), Options);
        return Own(new ActiveStandbyPair(first, second, Options));
    }

    /// <summary>Stops every broker this host created (in parallel).</summary>
    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            owned = [.. _owned];
        }
        await Task.WhenAll(owned.Select(o => o.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private BrokerRuntimeSettings Settings(string brokerName, string folder, IReadOnlyList<BrokerUser> users, int? openWirePort, bool withStomp, string? kahaDb) =>
        new()
        {
            BrokerName = brokerName,
            DataDirectory = Path.Combine(folder, "data"),
            KahaDbDirectory = kahaDb,
            OpenWirePort = openWirePort ?? FreePorts.Allocate(),
            StompPort = withStomp ? FreePorts.Allocate() : null,
            Tls = Tls,
            Users = users,
        };

    private string ClaimFolder(string brokerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(brokerName);
        var safe = string.Concat(brokerName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var candidate = safe;
            for (var n = 2; !_folders.Add(candidate) || Directory.Exists(Path.Combine(RootDirectory, candidate)); n++)
            {
                candidate = $"{safe}-{n}";
            }
            return Path.Combine(RootDirectory, candidate);
        }
    }

    private T Own<T>(T item) where T : IAsyncDisposable
    {
        lock (_gate)
        {
            _owned.Add(item);
        }
        return item;
    }
}
