using System.Collections.Concurrent;
using System.Threading.Channels;
using Nob.Core.Verification;

namespace Nob.Testing;

/// <summary>A broker as <see cref="FakeMessageProbe"/> sees it.</summary>
public sealed class FakeProbeBroker(string password)
{
    public string Password { get; set; } = password;

    public bool Running { get; set; } = true;

    /// <summary>Which of the broker's endpoints answers (1 for the second instance of an active/standby pair).</summary>
    public int ActiveInstance { get; set; }

    /// <summary>A connection attempt never completes (packets dropped): it waits until cancelled.</summary>
    public bool Silent { get; set; }

    /// <summary>Each connection to the broker is lost right after this many sends over it succeeded (null: never).</summary>
    public int? LoseConnectionAfterSends { get; set; }
}

/// <summary>
/// The fake of the <see cref="IMessageProbe"/> port: an in-memory network for <see cref="BridgeVerifier"/>. Brokers listed
/// in <see cref="Brokers"/> run or not, with a password each; a broker not listed runs and lets any password in. Messages go
/// over the (sender, receiver) <see cref="Routes"/>, or over every pair when <see cref="EveryPairConnected"/>, except from
/// <see cref="Isolated"/> senders. With a manual clock, sending advances it by <see cref="DeliveryDelay"/>; then the
/// message reaches at once the subscribers of its queue on receivers the route reaches. Everything it is asked to do is
/// logged in order.
/// </summary>
public sealed class FakeMessageProbe(ManualClock? clock = null) : IMessageProbe
{
    private readonly ManualClock? clock = clock;
    private readonly object _gate = new();
    private readonly List<FakeSubscription> _subscriptions = [];
    private int _openConnections;

    public Dictionary<string, FakeProbeBroker> Brokers { get; } = new(StringComparer.Ordinal);

    public HashSet<(string Sender, string Receiver)> Routes { get; } = [];

    /// <summary>Every broker reaches every other (a network whose connectors all work), whatever <see cref="Routes"/> says.</summary>
    public bool EveryPairConnected { get; set; }

    /// <summary>Senders whose messages go nowhere.</summary>
    public HashSet<string> Isolated { get; } = new(StringComparer.Ordinal);

    /// <summary>Every password a connection was asked with.</summary>
    public ConcurrentBag<string> PasswordsSeen { get; } = [];

    /// <summary>A network where every message arrives: every broker reaches every other.</summary>
    public static FakeMessageProbe Connected() => new() { EveryPairConnected = true };

    public TimeSpan DeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(40);

    public ConcurrentQueue<string> Log { get; } = new();

    public List<(string Broker, string Queue, ProbeMessage Message)> Sent { get; } = [];

    /// <summary>Bodies to put in front of the real message on every subscription (someone else's messages).</summary>
    public List<string> Strays { get; } = [];

    public bool FailUnsubscribe { get; set; }

    public int MaxOpenConnections { get; private set; }

    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _openConnections;
            }
        }
    }

    /// <summary>Receivers currently waiting in ReceiveAsync.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Count(s => s.IsWaiting);
            }
        }
    }

    public Task<IProbeConnection> ConnectAsync(ProbeTarget broker, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PasswordsSeen.Add(broker.Password.Reveal());
        var state = Brokers.GetValueOrDefault(broker.BrokerName) ?? new FakeProbeBroker(broker.Password.Reveal());
        if (state.Silent)
        {
            Log.Enqueue($"connect {broker.BrokerName}: no answer");
            return Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<IProbeConnection>(
                _ => throw new OperationCanceledException(cancellationToken), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        if (!state.Running)
        {
            Log.Enqueue($"connect {broker.BrokerName}: refused");
            throw new MessageProbeException(broker.BrokerName, ProbeFailure.Unreachable,
                $"no STOMP endpoint of broker {broker.BrokerName} accepted a connection: {string.Join("; ", broker.StompEndpoints.Select(e => $"could not connect to {e}: ConnectionRefused"))}");
        }
        if (broker.Password.Reveal() != state.Password)
        {
            Log.Enqueue($"connect {broker.BrokerName}: bad password");
            throw new MessageProbeException(broker.BrokerName, ProbeFailure.AuthenticationFailed,
                $"broker {broker.BrokerName}: {broker.StompEndpoints[state.ActiveInstance]} refused the connection of user \"{broker.Username}\": User name [{broker.Username}] or password is invalid.");
        }
        var endpoint = broker.StompEndpoints.ElementAtOrDefault(state.ActiveInstance) ?? "";
        Log.Enqueue($"connect {broker.BrokerName} at {endpoint}");
        lock (_gate)
        {
            _openConnections++;
            MaxOpenConnections = Math.Max(MaxOpenConnections, _openConnections);
        }
        return Task.FromResult<IProbeConnection>(new FakeConnection(this, broker.BrokerName, endpoint, state.LoseConnectionAfterSends));
    }

    private sealed class FakeConnection(FakeMessageProbe probe, string brokerName, string endpoint, int? loseAfterSends) : IProbeConnection
    {
        private bool _closed;
        private int _sends;
        private volatile bool _lost;

        public string BrokerName { get; } = brokerName;

        public string Endpoint { get; } = endpoint;

        public bool IsOpen => !_lost && !Volatile.Read(ref _closed);

        private void ThrowIfLost()
        {
            if (_lost)
            {
                probe.Log.Enqueue($"lost {BrokerName}");
                throw new MessageProbeException(BrokerName, ProbeFailure.Other, $"{Endpoint}: the connection was lost");
            }
        }

        public Task<IProbeSubscription> SubscribeAsync(string queue, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfLost();
            probe.Log.Enqueue($"subscribe {BrokerName} {queue}");
            var subscription = new FakeSubscription(probe, BrokerName, queue);
            foreach (var stray in probe.Strays)
            {
                subscription.Deliver(new ProbeMessage(stray, null));
            }
            lock (probe._gate)
            {
                probe._subscriptions.Add(subscription);
            }
            return Task.FromResult<IProbeSubscription>(subscription);
        }

        public async Task SendAsync(string queue, ProbeMessage message, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfLost();
            probe.Log.Enqueue($"send {BrokerName} {queue}");
            if (Interlocked.Increment(ref _sends) == loseAfterSends)
            {
                _lost = true;
            }
            lock (probe._gate)
            {
                probe.Sent.Add((BrokerName, queue, message));
            }
            if (probe.clock is not null)
            {
                await Task.Yield(); // on the manual clock, let other pairs run in between
            }
            probe.Advance(probe.DeliveryDelay);
            List<FakeSubscription> targets;
            lock (probe._gate)
            {
                targets = [.. probe._subscriptions.Where(s => s.Queue == queue && probe.Carries(BrokerName, s.BrokerName))];
            }
            foreach (var target in targets)
            {
                target.Deliver(message);
            }
        }

        public Task CloseAsync(CancellationToken cancellationToken)
        {
            Close("close");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Close("dispose");
            return ValueTask.CompletedTask;
        }

        private void Close(string how)
        {
            lock (probe._gate)
            {
                if (_closed)
                {
                    return;
                }
                _closed = true;
                probe._openConnections--;
            }
            probe.Log.Enqueue($"{how} {BrokerName}");
        }
    }

    private bool Carries(string sender, string receiver) =>
        !Isolated.Contains(sender) && (EveryPairConnected || Routes.Contains((sender, receiver)));

    private void Advance(TimeSpan by)
    {
        if (by > TimeSpan.Zero)
        {
            clock?.Advance(by);
        }
    }

    private sealed class FakeSubscription(FakeMessageProbe probe, string brokerName, string queue) : IProbeSubscription
    {
        private readonly Channel<ProbeMessage> _messages = Channel.CreateUnbounded<ProbeMessage>();
        private int _waiting;

        public string BrokerName { get; } = brokerName;

        public string Queue { get; } = queue;

        public bool IsWaiting => Volatile.Read(ref _waiting) > 0;

        public void Deliver(ProbeMessage message) => _messages.Writer.TryWrite(message);

        public async Task<ProbeMessage> ReceiveAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                return await _messages.Reader.ReadAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        public Task UnsubscribeAsync(CancellationToken cancellationToken)
        {
            probe.Log.Enqueue($"unsubscribe {BrokerName} {Queue}");
            lock (probe._gate)
            {
                probe._subscriptions.Remove(this);
            }
            return probe.FailUnsubscribe ? Task.FromException(new MessageProbeException(BrokerName, ProbeFailure.Other, "connection lost")) : Task.CompletedTask;
        }
    }
}
