namespace Nob.LocalCloud;

/// <summary>
/// Faults the endpoint injects on demand, for tests of retries and failure handling. Set them through
/// <see cref="LocalCloudOptions.Faults"/>, <see cref="LocalCloudFaults.Set"/>, or the admin endpoint
/// (<c>PUT /_localcloud/faults</c> with this record as JSON; <c>GET</c> reads it, <c>DELETE</c> clears it).
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Share (0–1) of signed AWS requests answered with HTTP 429 in the protocol's throttling format.</summary>
    public double ThrottleShare { get; init; }

    /// <summary>Share (0–1) of signed AWS requests answered with HTTP 500 in the protocol's internal-error format.</summary>
    public double ServerErrorShare { get; init; }

    /// <summary>The next N signed requests are throttled (counted down as they are answered; checked before the shares).</summary>
    public int ThrottleNext { get; init; }

    /// <summary>The next N signed requests get a 500 (counted down; after <see cref="ThrottleNext"/>).</summary>
    public int ServerErrorNext { get; init; }

    /// <summary>Signing names the request faults apply to (<c>mq</c>, <c>ec2</c>, <c>ssm</c>); empty: all.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Brokers (by name) whose creation ends in CREATION_FAILED instead of starting.</summary>
    public IReadOnlyList<string> FailCreationOf { get; init; } = [];

    /// <summary>Extra time a broker spends in CREATION_IN_PROGRESS before its processes start.</summary>
    public TimeSpan StartDelay { get; init; }

    /// <summary>Extra time a broker spends in REBOOT_IN_PROGRESS while its processes are down.</summary>
    public TimeSpan RebootDelay { get; init; }

    /// <summary>Seed of the random draws for the shares (null: unseeded).</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// Brokers (by name) whose configuration a console user edits just before the endpoint processes the next UpdateBroker
    /// of the broker (once each; the name is then taken off this list): a new revision, the newest one plus the queue
    /// <c>localcloud.console-edit</c> in <c>&lt;destinations&gt;</c>. A concurrent writer racing a build's revision write.
    /// </summary>
    public IReadOnlyList<string> ConcurrentEditBeforeUpdateBrokerOf { get; init; } = [];

    /// <summary>SSM parameter names that GetParameter answers ParameterNotFound for, as if deleted (writes still land).</summary>
    public IReadOnlyList<string> MissingParameters { get; init; } = [];

    /// <summary>With <see cref="FailCreationOf"/>: only the first N creations of each such broker fail, later ones start
    /// (0: every creation fails). Counted from when the settings are set.</summary>
    public int FailCreationCount { get; init; }

    public static FaultSettings None { get; } = new();
}

/// <summary>What a request gets instead of its answer.</summary>
internal enum InjectedFault
{
    None,
    Throttle,
    ServerError,
}

/// <summary>The faults in force, and how many were injected so far. Thread-safe.</summary>
public sealed class LocalCloudFaults
{
    private readonly object _gate = new();
    private FaultSettings _settings = FaultSettings.None;
    private Random _random = new();
    private int _throttled;
    private int _serverErrors;
    private readonly Dictionary<string, int> _failedCreations = new(StringComparer.Ordinal);

    internal LocalCloudFaults(FaultSettings? initial) => Set(initial ?? FaultSettings.None);

    /// <summary>The settings in force (<see cref="FaultSettings.ThrottleNext"/> and <see cref="FaultSettings.ServerErrorNext"/> as counted down so far).</summary>
    public FaultSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    /// <summary>How many requests were throttled so far.</summary>
    public int Throttled
    {
        get
        {
            lock (_gate)
            {
                return _throttled;
            }
        }
    }

    /// <summary>How many requests got an injected 500 so far.</summary>
    public int ServerErrors
    {
        get
        {
            lock (_gate)
            {
                return _serverErrors;
            }
        }
    }

    /// <summary>Replaces the settings in force.</summary>
    public void Set(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ThrottleShare is < 0 or > 1 || settings.ServerErrorShare is < 0 or > 1)
        {
            throw new ArgumentException("ThrottleShare and ServerErrorShare are shares between 0 and 1", nameof(settings));
        }

        if (settings.ThrottleNext < 0 || settings.ServerErrorNext < 0 || settings.StartDelay < TimeSpan.Zero || settings.RebootDelay < TimeSpan.Zero
            || settings.FailCreationCount < 0)
        {
            throw new ArgumentException("counts and delays cannot be negative", nameof(settings));
        }

        lock (_gate)
        {
            _settings = settings with
            {
                Services = [.. settings.Services], FailCreationOf = [.. settings.FailCreationOf],
                ConcurrentEditBeforeUpdateBrokerOf = [.. settings.ConcurrentEditBeforeUpdateBrokerOf],
            };
            _random = settings.Seed is { } seed ? new Random(seed) : new Random();
            _failedCreations.Clear();
        }
    }

    /// <summary>Changes the settings in force from what they are now.</summary>
    public void Update(Func<FaultSettings, FaultSettings> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var seed = _settings.Seed;
            var next = change(_settings);
            var random = _random;
            Set(next);
            if (next.Seed == seed)
            {
                _random = random; // keep the sequence going
            }
        }
    }

    /// <summary>No faults.</summary>
    public void Reset() => Set(FaultSettings.None);

    internal InjectedFault Draw(string service)
    {
        lock (_gate)
        {
            var s = _settings;
            if (s.Services.Count > 0 && !s.Services.Contains(service, StringComparer.OrdinalIgnoreCase))
            {
                return InjectedFault.None;
            }

            if (s.ThrottleNext > 0)
            {
                _settings = s with { ThrottleNext = s.ThrottleNext - 1 };
                _throttled++;
                return InjectedFault.Throttle;
            }

            if (s.ServerErrorNext > 0)
            {
                _settings = s with { ServerErrorNext = s.ServerErrorNext - 1 };
                _serverErrors++;
                return InjectedFault.ServerError;
            }

            if (s.ThrottleShare > 0 && _random.NextDouble() < s.ThrottleShare)
            {
                _throttled++;
                return InjectedFault.Throttle;
            }

            if (s.ServerErrorShare > 0 && _random.NextDouble() < s.ServerErrorShare)
            {
                _serverErrors++;
                return InjectedFault.ServerError;
            }

            return InjectedFault.None;
        }
    }

    internal bool FailsCreation(string brokerName)
    {
        lock (_gate)
        {
            if (!_settings.FailCreationOf.Contains(brokerName, StringComparer.Ordinal))
            {
                return false;
            }

            var failed = _failedCreations.GetValueOrDefault(brokerName);
            if (_settings.FailCreationCount > 0 && failed >= _settings.FailCreationCount)
            {
                return false;
            }

            _failedCreations[brokerName] = failed + 1;
            return true;
        }
    }

    /// <summary>True once per listed broker (<see cref="FaultSettings.ConcurrentEditBeforeUpdateBrokerOf"/>): the edit is due now.</summary>
    internal bool TakeConcurrentEdit(string brokerName)
    {
        lock (_gate)
        {
            var names = _settings.ConcurrentEditBeforeUpdateBrokerOf;
            if (!names.Contains(brokerName, StringComparer.Ordinal))
            {
                return false;
            }

            _settings = _settings with { ConcurrentEditBeforeUpdateBrokerOf = [.. names.Where(n => n != brokerName)] };
            return true;
        }
    }

    internal TimeSpan StartDelay => Current.StartDelay;

    internal TimeSpan RebootDelay => Current.RebootDelay;

    internal bool IsMissingParameter(string name) => Current.MissingParameters.Contains(name, StringComparer.Ordinal);
}
