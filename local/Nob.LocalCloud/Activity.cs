namespace Nob.LocalCloud;

/// <summary>One broker state change as the endpoint made it (CREATION_IN_PROGRESS, RUNNING, REBOOT_IN_PROGRESS, …, or "DELETED").</summary>
public sealed record BrokerStateChange(DateTimeOffset Time, string BrokerName, string BrokerId, string State);

/// <summary>
/// What the endpoint did, for measurements (<c>nob bench</c>): signed requests per service and operation, and every broker
/// state change with its time. Read and cleared through <see cref="LocalCloud.Activity"/> or <c>GET|DELETE /_localcloud/activity</c>.
/// Thread-safe.
/// </summary>
public sealed class LocalCloudActivity
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, int>> _requests = new(StringComparer.Ordinal);
    private readonly List<BrokerStateChange> _states = [];

    /// <summary>Signed requests received (faulted ones included: they count against a rate limit too), per service, per operation.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, int>)new Dictionary<string, int>(s.Value, StringComparer.Ordinal), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Broker state changes in the order they happened.</summary>
    public IReadOnlyList<BrokerStateChange> BrokerStates
    {
        get
        {
            lock (_gate)
            {
                return [.. _states];
            }
        }
    }

    /// <summary>Forgets the counts and state changes so far.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _states.Clear();
        }
    }

    internal void CountRequest(string service, string operation)
    {
        lock (_gate)
        {
            if (!_requests.TryGetValue(service, out var operations))
            {
                _requests[service] = operations = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            operations[operation] = operations.GetValueOrDefault(operation) + 1;
        }
    }

    internal void RecordBrokerState(string name, string id, string state)
    {
        lock (_gate)
        {
            _states.Add(new BrokerStateChange(DateTimeOffset.UtcNow, name, id, state));
        }
    }
}
