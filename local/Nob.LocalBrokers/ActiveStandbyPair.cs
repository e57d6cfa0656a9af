namespace Nob.LocalBrokers;

/// <summary>
/// An ACTIVE_STANDBY_MULTI_AZ broker the way ActiveMQ runs it: two JVMs with the same broker name sharing one KahaDB
/// directory (shared-file master/slave). Whichever holds KahaDB's lock is active and opens its ports; the other blocks
/// on the lock and takes over when the active one dies.
/// </summary>
public sealed class ActiveStandbyPair : IAsyncDisposable
{
    /// <summary>What ActiveMQ's SharedFileLocker logs while an instance waits for the lock.</summary>
    public const string StandbyLogMarker = "This broker is now in slave mode waiting a lock to be acquired";

    public ActiveStandbyPair(LocalBroker first, LocalBroker second, LocalBrokerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Name != second.Name)
        {
            throw new ArgumentException($"both instances of an active/standby broker share one broker name, got {first.Name} and {second.Name}");
        }
        if (first.Settings.EffectiveKahaDbDirectory != second.Settings.EffectiveKahaDbDirectory)
        {
            throw new ArgumentException("both instances of an active/standby broker must share one KahaDB directory");
        }
        First = first;
        Second = second;
        Options = options ?? LocalBrokerOptions.Default;
    }

    public LocalBrokerOptions Options { get; }

    public string Name => First.Name;

    /// <summary>Instance 1 (Amazon MQ's "-1" endpoint).</summary>
    public LocalBroker First { get; }

    /// <summary>Instance 2 (Amazon MQ's "-2" endpoint).</summary>
    public LocalBroker Second { get; }

    public IReadOnlyList<LocalBroker> Instances => [First, Second];

    /// <summary>Both OpenWire endpoints, instance 1 first.</summary>
    public IReadOnlyList<string> OpenWireUris => [First.OpenWireUri, Second.OpenWireUri];

    /// <summary>The network connector URI Amazon MQ documents for an active/standby target.</summary>
    public string MasterSlaveUri => $"masterslave:({First.OpenWireUri},{Second.OpenWireUri})";

    /// <summary>The client URI that follows the active instance.</summary>
    public string FailoverUri => $"failover:({First.OpenWireUri},{Second.OpenWireUri})?randomize=false";

    /// <summary>Starts instance 1 as the active one, then instance 2, and waits until instance 2 waits on the lock.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await First.StartAsync(cancellationToken).ConfigureAwait(false);
        await LaunchStandbyAsync(Second, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instance whose OpenWire port accepts connections, or null when neither does.</summary>
    public async Task<LocalBroker?> FindActiveAsync(CancellationToken cancellationToken = default)
    {
        foreach (var instance in Instances)
        {
            if (await instance.IsAcceptingConnectionsAsync(cancellationToken).ConfigureAwait(false))
            {
                return instance;
            }
        }
        return null;
    }

    /// <summary>Waits until one instance is active and returns it.</summary>
    public async Task<LocalBroker> WaitForActiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Options.TimeProvider;
        var started = clock.GetTimestamp();
        while (true)
        {
            if (await FindActiveAsync(cancellationToken).ConfigureAwait(false) is { } active)
            {
                return active;
            }
            if (clock.GetElapsedTime(started) >= timeout)
            {
                throw new BrokerStartException(
                    $"neither instance of {Name} became active within {timeout.TotalSeconds:0} s.{Environment.NewLine}" +
                    $"{First.LogPath}:{Environment.NewLine}{First.LogTail(20)}{Environment.NewLine}{Second.LogPath}:{Environment.NewLine}{Second.LogTail(20)}");
            }
            await Task.Delay(Options.ProbeInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fails over: stops the active instance (killed abruptly when <paramref name="kill"/>, like a host failure), waits
    /// until the standby has taken over, then (when <paramref name="restartStoppedAsStandby"/>) brings the stopped one back
    /// as the new standby, as Amazon MQ does. Returns the new active instance.
    /// </summary>
    public async Task<LocalBroker> FailOverAsync(bool kill = false, bool restartStoppedAsStandby = true, CancellationToken cancellationToken = default)
    {
        var active = await FindActiveAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"no instance of {Name} is active, so there is nothing to fail over");
        var standby = active == First ? Second : First;
        if (!standby.IsRunning)
        {
            throw new InvalidOperationException($"the standby instance of {Name} ({standby.OpenWireUri}) is not running");
        }
        if (kill)
        {
            await active.KillAsync().ConfigureAwait(false);
        }
        else
        {
            await active.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        await standby.WaitUntilStartedAsync(Options.StartTimeout, cancellationToken).ConfigureAwait(false);
        if (restartStoppedAsStandby)
        {
            await LaunchStandbyAsync(active, cancellationToken).ConfigureAwait(false);
        }
        return standby;
    }

    /// <summary>A new configuration revision for both instances; it takes effect at the next <see cref="RebootAsync"/>.</summary>
    public void ApplyConfiguration(string userConfigurationXml)
    {
        First.ApplyConfiguration(userConfigurationXml);
        Second.ApplyConfiguration(userConfigurationXml);
    }

    /// <summary>Reboots the pair like Amazon MQ: both instances go down, then instance 1 comes back active and instance 2 standby.</summary>
    public async Task RebootAsync(CancellationToken cancellationToken = default)
    {
        await StopBothAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopBothAsync(CancellationToken.None).ConfigureAwait(false);
        await First.DisposeAsync().ConfigureAwait(false);
        await Second.DisposeAsync().ConfigureAwait(false);
    }

    private async Task StopBothAsync(CancellationToken cancellationToken)
    {
        // Standby first, so that it does not take over (and start) while the active one shuts down.
        var active = await FindActiveAsync(cancellationToken).ConfigureAwait(false);
        var order = active == First ? new[] { Second, First } : [First, Second];
        foreach (var instance in order)
        {
            await instance.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LaunchStandbyAsync(LocalBroker instance, CancellationToken cancellationToken)
    {
        await instance.LaunchAsync(cancellationToken).ConfigureAwait(false);
        var clock = Options.TimeProvider;
        var started = clock.GetTimestamp();
        while (true)
        {
            if (instance.HasLoggedSinceLaunch(StandbyLogMarker))
            {
                return;
            }
            if (await instance.IsAcceptingConnectionsAsync(cancellationToken).ConfigureAwait(false))
            {
                return; // the lock was free: it is active, not standby
            }
            if (!instance.IsRunning)
            {
                throw new BrokerStartException($"standby instance {instance} exited. Last lines of {instance.LogPath}:{Environment.NewLine}{instance.LogTail(40)}");
            }
            if (clock.GetElapsedTime(started) >= Options.StartTimeout)
            {
                throw new BrokerStartException(
                    $"{instance} did not report waiting for the KahaDB lock within {Options.StartTimeout.TotalSeconds:0} s. Last lines of {instance.LogPath}:" +
                    $"{Environment.NewLine}{instance.LogTail(40)}");
            }
            await Task.Delay(Options.ProbeInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
