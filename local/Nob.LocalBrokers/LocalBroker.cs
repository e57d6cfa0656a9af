using System.Diagnostics;
using System.Xml.Linq;

namespace Nob.LocalBrokers;

/// <summary>How local broker JVMs are run.</summary>
public sealed record LocalBrokerOptions
{
    /// <summary>The JVM's -Xmx.</summary>
    public string MaxHeap { get; init; } = "96m";

    /// <summary>
    /// How long a broker may take to accept connections on its ports and report its start complete. Generous: a broker
    /// that fails to start exits at once (and is reported then); only a slow one waits this long, and a 21-broker mesh
    /// rebooting at once on 2 CPUs took 33 s to report its start in the bench, a 41-broker mesh (20 connectors each) on a
    /// loaded 2-CPU machine over 120 s.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How long a graceful stop (SIGTERM) may take before the process tree is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the OpenWire port is probed while starting.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public static LocalBrokerOptions Default { get; } = new();
}

/// <summary>A broker start that did not end with the broker accepting connections.</summary>
public sealed class BrokerStartException(string message) : Exception(message);

/// <summary>
/// One ActiveMQ broker JVM on 127.0.0.1, in its own folder: <c>conf/activemq.xml</c> (the runtime configuration),
/// <c>data/</c>, <c>broker.log</c> (the JVM's output). The JVM runs in the foreground under a small shell wrapper that
/// kills it when this process goes away, so brokers never outlive the tests that started them.
/// </summary>
public sealed class LocalBroker : IAsyncDisposable
{
    private readonly ActiveMqInstallation _installation;
    private readonly LocalBrokerOptions _options;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private Process? _process;
    private long _logOffsetOfThisStart;
    private int _starts;
    private bool _disposed;

    /// <summary>
    /// Prepares a broker in <paramref name="directory"/> from a configuration as written for Amazon MQ; nothing runs yet.
    /// The runtime configuration is written to conf/activemq.xml right away.
    /// </summary>
    public LocalBroker(
        ActiveMqInstallation installation,
        string directory,
        string userConfigurationXml,
        BrokerRuntimeSettings settings,
        LocalBrokerOptions? options = null)
        : this(installation, directory, AmazonMqRuntimeConfiguration.Build(userConfigurationXml, settings), settings, options)
    {
    }

    /// <summary>Prepares a broker from an already built runtime configuration (a Spring <c>&lt;beans&gt;</c> document).</summary>
    public LocalBroker(
        ActiveMqInstallation installation,
        string directory,
        XDocument runtimeConfiguration,
        BrokerRuntimeSettings settings,
        LocalBrokerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(runtimeConfiguration);
        ArgumentNullException.ThrowIfNull(settings);
        _installation = installation;
        _options = options ?? LocalBrokerOptions.Default;
        Settings = settings;
        Directory = Path.GetFullPath(directory);
        var conf = PrivateFiles.CreateFolder(Path.Combine(Directory, "conf"));
        PrivateFiles.CreateFolder(Path.Combine(Directory, "data"));
        ConfigurationPath = Path.Combine(conf, "activemq.xml");
        // It holds the users' and the keystore's passwords: 0600 from the moment it exists.
        PrivateFiles.Write(ConfigurationPath, runtimeConfiguration.Save);
        EmbeddedFiles.WriteTo(conf, "log4j.properties");
        EmbeddedFiles.WriteTo(conf, "log4j2.properties");
        WrapperPath = EmbeddedFiles.WriteTo(conf, "run-broker.sh", executable: true);
        LogPath = Path.Combine(Directory, "broker.log");
        PidPath = Path.Combine(Directory, "broker.pid");
    }

    public BrokerRuntimeSettings Settings { get; }

    public string Name => Settings.BrokerName;

    public string Directory { get; }

    public string ConfigurationPath { get; }

    /// <summary>Everything the JVM printed, across restarts (each start appends a marker line).</summary>
    public string LogPath { get; }

    private string PidPath { get; }

    private string WrapperPath { get; }

    public int OpenWirePort => Settings.OpenWirePort;

    /// <summary><c>ssl://127.0.0.1:PORT</c>, the broker's OpenWire endpoint as Amazon MQ lists it.</summary>
    public string OpenWireUri => Settings.OpenWireUri;

    public string? StompUri => Settings.StompUri;

    /// <summary>Whether the broker's JVM (or its wrapper) is alive; a standby is running without accepting connections.</summary>
    public bool IsRunning => _process is { } p && !HasExited(p);

    /// <summary>The JVM's process id while it runs.</summary>
    public int? JavaProcessId => IsRunning && File.Exists(PidPath) && int.TryParse(File.ReadAllText(PidPath).Trim(), out var pid) ? pid : null;

    /// <summary>
    /// The line ActiveMQ logs when a start is complete ("Apache ActiveMQ 5.17.2 (NAME, ID) started"): after its transport
    /// connectors opened their ports and its network connectors started, which in a large mesh takes seconds more.
    /// </summary>
    public const string StartedLogMarker = ") started | org.apache.activemq.broker.BrokerService";

    /// <summary>Starts the JVM and waits until its ports accept TCP connections and ActiveMQ reports the start complete.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
        await WaitUntilStartedAsync(_options.StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the JVM without waiting (a standby blocks on the KahaDB lock and never opens its ports until it gets it).</summary>
    public async Task LaunchAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsRunning)
            {
                throw new InvalidOperationException($"broker {Name} ({Directory}) is already running");
            }
            _process?.Dispose();
            _process = null;
            await StopLeftoverJavaAsync(cancellationToken).ConfigureAwait(false);
            _starts++;
            await using (var log = PrivateFiles.OpenAppend(LogPath))
            {
                await log.WriteAsync(System.Text.Encoding.UTF8.GetBytes(
                    $"==== nob: start #{_starts} of {Name} at {_options.TimeProvider.GetUtcNow():O} ({OpenWireUri}) ===={Environment.NewLine}"), cancellationToken).ConfigureAwait(false);
            }
            _logOffsetOfThisStart = new FileInfo(LogPath).Length;
            File.Delete(PidPath);

            var info = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true, // the wrapper's watchdog: closing it (or our death) stops the JVM
                WorkingDirectory = Directory,
            };
            info.ArgumentList.Add(WrapperPath);
            info.ArgumentList.Add(LogPath);
            info.ArgumentList.Add(PidPath);
            info.ArgumentList.Add(_installation.JavaExecutable);
            foreach (var argument in JvmArguments.For(_installation, Directory, _options.MaxHeap, "log4j"))
            {
                info.ArgumentList.Add(argument);
            }
            info.ArgumentList.Add("start");
            info.ArgumentList.Add(ConfigurationUri);
            _process = Process.Start(info) ?? throw new BrokerStartException($"could not start /bin/sh for broker {Name}");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Waits until the broker's ports (OpenWire, and STOMP if any) accept TCP connections and ActiveMQ has logged that this
    /// start is complete (<see cref="StartedLogMarker"/>; its network connectors are started by then: a broker that only
    /// opened its ports would be "running" with its bridges still coming up). Throws with the log's last lines if the JVM
    /// dies or time runs out.
    /// </summary>
    public async Task WaitUntilStartedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = _options.TimeProvider;
        var started = clock.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is null || HasExited(_process))
            {
                throw new BrokerStartException(
                    $"broker {Name} exited before accepting connections on {OpenWireUri}" +
                    (_process is { } p && HasExited(p) ? $" (exit code {p.ExitCode})" : "") + $". Last lines of {LogPath}:{Environment.NewLine}{LogTail(40)}");
            }
            if (await AllPortsAcceptAsync(cancellationToken).ConfigureAwait(false) && HasReportedThisStart())
            {
                return;
            }
            if (clock.GetElapsedTime(started) >= timeout)
            {
                throw new BrokerStartException(
                    $"broker {Name} did not accept connections on {OpenWireUri} and report its start complete within {timeout.TotalSeconds:0} s. Last lines of {LogPath}:" +
                    $"{Environment.NewLine}{LogTail(40)}");
            }
            await Task.Delay(_options.ProbeInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the log has <see cref="StartedLogMarker"/> since the latest launch.</summary>
    public bool HasReportedThisStart() => HasLoggedSinceLaunch(StartedLogMarker);

    /// <summary>Whether the JVM has logged <paramref name="text"/> since the latest launch (earlier starts' lines do not count).</summary>
    public bool HasLoggedSinceLaunch(string text)
    {
        if (!File.Exists(LogPath))
        {
            return false;
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(_logOffsetOfThisStart, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Contains(text, StringComparison.Ordinal);
    }

    private async Task<bool> AllPortsAcceptAsync(CancellationToken cancellationToken)
    {
        // OpenWire opens first; STOMP a moment later.
        return await FreePorts.IsAcceptingAsync(OpenWirePort, cancellationToken).ConfigureAwait(false)
            && (Settings.StompPort is not { } stomp || await FreePorts.IsAcceptingAsync(stomp, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether the OpenWire port accepts TCP connections right now (the active instance of a pair does, the standby does not).</summary>
    public Task<bool> IsAcceptingConnectionsAsync(CancellationToken cancellationToken = default) =>
        IsRunning ? FreePorts.IsAcceptingAsync(OpenWirePort, cancellationToken) : Task.FromResult(false);

    /// <summary>Stops the broker: SIGTERM (ActiveMQ's graceful shutdown), then kills the whole process tree after the stop timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(graceful: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills the broker at once (SIGKILL to the tree), like a host failure.</summary>
    public async Task KillAsync()
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await StopCoreAsync(graceful: false, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops, then starts again with the same folder, configuration, ports and data (like an Amazon MQ reboot).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the broker's configuration with a new revision (as written for Amazon MQ). As on Amazon MQ, a running broker
    /// keeps its current configuration: the new one takes effect at the next start or <see cref="RestartAsync"/> (reboot).
    /// </summary>
    public void ApplyConfiguration(string userConfigurationXml)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var runtime = AmazonMqRuntimeConfiguration.Build(userConfigurationXml, Settings);
        PrivateFiles.Write(ConfigurationPath, runtime.Save);
    }

    /// <summary>The last <paramref name="lines"/> lines of the broker's log.</summary>
    public string LogTail(int lines = 40)
    {
        var text = ReadLog();
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines - 1))).TrimEnd();
    }

    /// <summary>The whole log (readable while the broker writes it).</summary>
    public string ReadLog()
    {
        if (!File.Exists(LogPath))
        {
            return "";
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            await StopCoreAsync(graceful: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopCoreAsync(bool graceful, CancellationToken cancellationToken)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }
        try
        {
            if (!HasExited(process))
            {
                if (graceful)
                {
                    // End of file on the wrapper's stdin: its watchdog sends SIGTERM to the JVM.
                    try
                    {
                        process.StandardInput.Close();
                    }
                    catch (IOException)
                    {
                        // The wrapper is gone already.
                    }
                    using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    grace.CancelAfter(_options.StopTimeout);
                    try
                    {
                        await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Took too long (or the caller gave up): kill below.
                    }
                }
                if (!HasExited(process))
                {
                    // SIGKILL the JVM first, while its wrapper is alive to reap it; the wrapper then exits by itself.
                    KillJava();
                    using var reap = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    try
                    {
                        await process.WaitForExitAsync(reap.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        ProcessRunner.KillTree(process);
                        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>
    /// A JVM of this broker that an earlier owner started and never stopped: its owner (the local endpoint) was killed
    /// with SIGKILL, and the wrapper's watchdog is only now stopping it, holding the ports and the message store. It is
    /// stopped before this start (SIGTERM, then SIGKILL after the stop timeout) rather than adopted: this owner holds no
    /// pipe to its wrapper, so it could never stop it gracefully, nor know when it exits. Identified by the pid file and
    /// its command line, which names this broker's own configuration file: a reused pid is never signalled.
    /// </summary>
    private async Task StopLeftoverJavaAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(PidPath) || !int.TryParse(File.ReadAllText(PidPath).Trim(), out var pid)
            || ProcessIdentity.Of(pid) is not { } leftover || !leftover.CommandLine.Contains(ConfigurationUri, StringComparison.Ordinal))
        {
            return;
        }

        leftover.TrySignal(ProcessIdentity.SigTerm);
        if (!await leftover.WaitForExitAsync(_options.StopTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false))
        {
            leftover.TrySignal(ProcessIdentity.SigKill);
            await leftover.WaitForExitAsync(TimeSpan.FromSeconds(10), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The configuration as the JVM's command line names it (<c>xbean:file:…/conf/activemq.xml</c>).</summary>
    private string ConfigurationUri => $"xbean:{new Uri(ConfigurationPath).AbsoluteUri}";

    private void KillJava()
    {
        if (!File.Exists(PidPath) || !int.TryParse(File.ReadAllText(PidPath).Trim(), out var pid))
        {
            return;
        }
        try
        {
            using var java = Process.GetProcessById(pid);
            if (java.ProcessName == "java") // not a reused id
            {
                java.Kill();
            }
        }
        catch (ArgumentException)
        {
            // Not running.
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    public override string ToString() => $"{Name} ({OpenWireUri})";
}
