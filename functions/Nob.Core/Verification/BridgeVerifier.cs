using System.Globalization;
using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Verification;

/// <summary>How bridge verification runs.</summary>
public sealed record BridgeVerificationOptions
{
    /// <summary>Per receiver, everything: connecting, subscribing, each sender's connecting and sending, and every message's arrival (spec: verification.timeoutSeconds).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(SpecReader.DefaultVerificationTimeoutSeconds);

    /// <summary>How many receivers are checked at once, each with all its pairs (spec: verification.maxConcurrency).</summary>
    public int MaxConcurrency { get; init; } = SpecReader.DefaultVerificationMaxConcurrency;

    /// <summary>How long unsubscribing and disconnecting may take after a pair's check; cleanup never changes the verdict.</summary>
    public TimeSpan CleanupTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Makes the unique part of each queue name and message.</summary>
    public Func<Guid> NewId { get; init; } = Guid.NewGuid;

    public static BridgeVerificationOptions For(VerificationSpec verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return new BridgeVerificationOptions { Timeout = TimeSpan.FromSeconds(verification.TimeoutSeconds), MaxConcurrency = verification.MaxConcurrency };
    }
}

/// <summary>
/// Proves with real messages that the network carries what the plan promises (Amazon MQ has no API that says a bridge
/// works; its tutorial ends with a producer on one broker and a consumer on another). For every receiver of a connected
/// pair, in parallel up to <see cref="BridgeVerificationOptions.MaxConcurrency"/>: subscribe on it to a queue of this run's
/// own (<c>nob.verify.NETWORK.RECEIVER.ID</c>), send one message on each of its senders (the body names the pair; it
/// expires when the check gives up, so leftovers vanish), require each on the receiver within the timeout, measure the
/// latency from SEND to delivery, unsubscribe. A run opens one connection per broker and its pairs share it: a broker of
/// a 21-broker mesh is in 40 pairs, and a TLS handshake and login cost the broker more than the message does.
/// </summary>
public sealed class BridgeVerifier
{
    public const string QueuePrefix = "nob.verify";

    private readonly IMessageProbe _probe;
    private readonly BridgeVerificationOptions _options;

    public BridgeVerifier(IMessageProbe probe, BridgeVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        _probe = probe;
        _options = options ?? new BridgeVerificationOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Timeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.CleanupTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrency, 1, nameof(options));
    }

    /// <summary>The queue a run uses on one receiver: every sender of that receiver sends its message there.</summary>
    public static string QueueName(string networkName, string receiver, Guid id) =>
        $"{QueuePrefix}.{networkName}.{receiver}.{id:N}";

    /// <summary>Checks every pair and returns the report; throws <see cref="BridgeVerificationFailedException"/> when any pair failed.</summary>
    public async Task<BridgeVerificationReport> VerifyAsync(BridgeVerificationRequest request, CancellationToken cancellationToken)
    {
        var report = await CheckAsync(request, cancellationToken).ConfigureAwait(false);
        return report.Succeeded ? report : throw new BridgeVerificationFailedException(report);
    }

    /// <summary>
    /// Checks every pair and returns the report, failed pairs included; throws only for an invalid request or cancellation.
    /// Pairs are checked by receiver (up to <see cref="BridgeVerificationOptions.MaxConcurrency"/> receivers at once): one
    /// subscription per receiver takes every sender's message, so a new consumer's demand reaches the receiver's peers once
    /// per receiver rather than once per pair (in a 21-broker mesh, 21 consumers instead of 420).
    /// </summary>
    public async Task<BridgeVerificationReport> CheckAsync(BridgeVerificationRequest request, CancellationToken cancellationToken)
    {
        var targets = Targets(request);
        var clock = _options.TimeProvider;
        var started = clock.GetTimestamp();
        using var gate = new SemaphoreSlim(_options.MaxConcurrency);
        await using var connections = new ConnectionPool(_probe, _options);
        var results = new PairVerification[request.Pairs.Count];
        var receivers = request.Pairs.Select((pair, index) => (Pair: pair, Index: index)).GroupBy(p => p.Pair.Receiver, StringComparer.Ordinal);
        await Task.WhenAll(receivers.Select(async receiver =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var outcomes = await CheckReceiverAsync(request.NetworkName, targets[receiver.Key], [.. receiver.Select(r => r.Pair)], targets, connections, cancellationToken)
                    .ConfigureAwait(false);
                foreach (var (entry, outcome) in receiver.Zip(outcomes))
                {
                    results[entry.Index] = outcome;
                }
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return new BridgeVerificationReport(request.NetworkName, results, _options.Timeout, clock.GetElapsedTime(started));
    }

    private static Dictionary<string, ProbeTarget> Targets(BridgeVerificationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.NetworkName, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Username, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Password, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Pairs, nameof(request));
        ArgumentNullException.ThrowIfNull(request.StompEndpoints, nameof(request));
        var targets = new Dictionary<string, ProbeTarget>(StringComparer.Ordinal);
        foreach (var broker in request.Pairs.SelectMany(p => new[] { p.Sender, p.Receiver }).Distinct(StringComparer.Ordinal))
        {
            if (!request.StompEndpoints.TryGetValue(broker, out var endpoints))
            {
                throw new ArgumentException($"no STOMP endpoints given for broker \"{broker}\"", nameof(request));
            }
            if (endpoints.Count is < 1 or > 2 || endpoints.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException(
                    $"broker \"{broker}\" has {endpoints.Count} STOMP endpoint(s); a broker has one (single-instance) or two (active/standby)", nameof(request));
            }
            targets[broker] = new ProbeTarget(broker, endpoints, request.Username, request.Password);
        }
        return targets;
    }

    /// <summary>
    /// One receiver's pairs within one timeout: subscribe on the receiver to a queue of this run's own, have every sender
    /// send one message (its body names the pair; expiring when the check gives up, so leftovers vanish), and collect the
    /// messages as they arrive, measuring each from SEND to delivery; then unsubscribe.
    /// </summary>
    private async Task<IReadOnlyList<PairVerification>> CheckReceiverAsync(string networkName, ProbeTarget receiver, IReadOnlyList<ConnectedPair> pairs,
        IReadOnlyDictionary<string, ProbeTarget> targets, ConnectionPool connections, CancellationToken cancellationToken)
    {
        var clock = _options.TimeProvider;
        var id = _options.NewId();
        var queue = QueueName(networkName, receiver.BrokerName, id);
        using var deadline = new CancellationTokenSource(_options.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        bool TimedOutNow() => deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

        var stage = PairStage.ConnectReceiver;
        IProbeConnection? receiving = null;
        IProbeSubscription? subscription = null;
        try
        {
            receiving = await connections.ConnectAsync(receiver, token).ConfigureAwait(false);
            stage = PairStage.Subscribe;
            subscription = await receiving.SubscribeAsync(queue, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || TimedOutNow())
        {
            await UnsubscribeAsync(subscription).ConfigureAwait(false);
            var error = e is OperationCanceledException ? null : $"{Doing(stage, receiver.BrokerName)} failed: {e.Message}";
            return [.. pairs.Select(pair => Failed(pair, queue, stage,
                error ?? TimedOut(pair, stage, targets[pair.Sender], receiver), error is null ? TimeoutCauses(pair, stage) : Causes(e, receiver),
                null, receiving?.Endpoint))];
        }

        var progress = pairs.Select(pair => new PairProgress(pair, $"nob bridge verification {networkName} {pair.Sender} -> {pair.Receiver} {id:N}", clock)).ToList();
        var byBody = progress.ToDictionary(p => p.Body, StringComparer.Ordinal);
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unsettled = progress.Count;
        void Settle()
        {
            if (Interlocked.Decrement(ref unsettled) == 0)
            {
                settled.TrySetResult();
            }
        }

        // Sending and receiving stop together: at the deadline, at the caller's cancellation, or once every pair is settled.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);

        async Task SendAsync(PairProgress pair)
        {
            var sender = targets[pair.Pair.Sender];
            try
            {
                var sending = await connections.ConnectAsync(sender, stop.Token).ConfigureAwait(false);
                pair.Sending(sending.Endpoint);
                await sending.SendAsync(queue, new ProbeMessage(pair.Body, clock.GetUtcNow() + _options.Timeout), stop.Token).ConfigureAwait(false);
                pair.Sent();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (pair.Fail($"{Doing(pair.Stage, sender.BrokerName)} failed: {e.Message}", Causes(e, sender)))
                {
                    Settle();
                }
            }
            catch (OperationCanceledException)
            {
                // The receiver's deadline or the caller: decided below.
            }
        }

        async Task ReceiveAsync(CancellationToken stop)
        {
            while (true)
            {
                var message = await subscription.ReceiveAsync(stop).ConfigureAwait(false);
                // Not ours (the queue is this run's own, so this is someone else's doing): keep waiting for ours.
                if (byBody.TryGetValue(message.Body, out var pair) && pair.Arrive())
                {
                    Settle();
                }
            }
        }

        var receiveLoop = ReceiveAsync(stop.Token);
        var sends = Task.WhenAll(progress.Select(SendAsync));
        try
        {
            await Task.WhenAny(settled.Task, receiveLoop).ConfigureAwait(false);
            if (receiveLoop.IsFaulted && !settled.Task.IsCompleted)
            {
                // The subscription broke: every pair not yet delivered fails at receiving, with the receiver's error.
                var e = receiveLoop.Exception!.GetBaseException();
                foreach (var pair in progress)
                {
                    pair.Fail($"{Doing(PairStage.Receive, receiver.BrokerName)} failed: {e.Message}", Causes(e, receiver), PairStage.Receive);
                }
            }
            else if (!settled.Task.IsCompleted)
            {
                await settled.Task.WaitAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (TimedOutNow())
        {
            // Whatever has not arrived by now times out where it stands (below).
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Quietly(() => receiveLoop).ConfigureAwait(false);
            await Quietly(() => sends).ConfigureAwait(false);
            await UnsubscribeAsync(subscription).ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();

        return [.. progress.Select(p => p.Outcome(queue, receiving.Endpoint, out var failedAt) switch
        {
            { } done => done,
            null => Failed(p.Pair, queue, failedAt, TimedOut(p.Pair, failedAt, targets[p.Pair.Sender], receiver), TimeoutCauses(p.Pair, failedAt),
                p.SenderEndpoint, receiving.Endpoint),
        })];
    }

    /// <summary>Where one pair of a receiver's check stands; its sending task and the receiver's loop both update it.</summary>
    private sealed class PairProgress(ConnectedPair pair, string body, TimeProvider clock)
    {
        private readonly Lock _gate = new();
        private long? _sentAt;
        private TimeSpan? _latency;
        private (string Error, string Causes, PairStage Stage)? _failure;

        public ConnectedPair Pair { get; } = pair;
        public string Body { get; } = body;
        public PairStage Stage { get; private set; } = PairStage.ConnectSender;
        public string? SenderEndpoint { get; private set; }

        public void Sending(string endpoint)
        {
            lock (_gate)
            {
                (SenderEndpoint, _sentAt) = (endpoint, clock.GetTimestamp());
                Stage = PairStage.Send;
            }
        }

        public void Sent()
        {
            lock (_gate)
            {
                if (Stage == PairStage.Send) Stage = PairStage.Receive;
            }
        }

        /// <summary>True when this settles the pair (it had neither arrived nor failed).</summary>
        public bool Arrive()
        {
            lock (_gate)
            {
                if (_latency is not null || _failure is not null || _sentAt is not { } sentAt) return false;
                _latency = clock.GetElapsedTime(sentAt);
                return true;
            }
        }

        /// <summary>True when this settles the pair.</summary>
        public bool Fail(string error, string causes, PairStage? stage = null)
        {
            lock (_gate)
            {
                if (_latency is not null || _failure is not null) return false;
                _failure = (error, causes, stage ?? Stage);
                return true;
            }
        }

        /// <summary>The verdict if the pair has one; otherwise null and the stage it stopped at.</summary>
        public PairVerification? Outcome(string queue, string receiverEndpoint, out PairStage stoppedAt)
        {
            lock (_gate)
            {
                stoppedAt = Stage;
                if (_latency is { } latency)
                    return new PairVerification(Pair.Sender, Pair.Receiver, Pair.Path, queue, true, latency, null, null, null, SenderEndpoint, receiverEndpoint);
                if (_failure is { } f)
                    return new PairVerification(Pair.Sender, Pair.Receiver, Pair.Path, queue, false, null, f.Stage, f.Error, f.Causes, SenderEndpoint, receiverEndpoint);
                return null;
            }
        }
    }

    private static PairVerification Failed(
        ConnectedPair pair, string queue, PairStage stage, string error, string causes, string? senderEndpoint, string? receiverEndpoint) =>
        new(pair.Sender, pair.Receiver, pair.Path, queue, false, null, stage, error, causes, senderEndpoint, receiverEndpoint);

    private string TimedOut(ConnectedPair pair, PairStage stage, ProbeTarget sender, ProbeTarget receiver) => stage switch
    {
        PairStage.Receive =>
            $"the message sent on {pair.Sender} did not arrive on {pair.Receiver} within {Seconds(_options.Timeout)} (path {string.Join(" → ", pair.Path)}).",
        PairStage.ConnectReceiver or PairStage.Subscribe =>
            $"{Doing(stage, receiver.BrokerName)} did not finish within {Seconds(_options.Timeout)} ({string.Join(", ", receiver.StompEndpoints)}).",
        _ => $"{Doing(stage, sender.BrokerName)} did not finish within {Seconds(_options.Timeout)} ({string.Join(", ", sender.StompEndpoints)}).",
    };

    private static string TimeoutCauses(ConnectedPair pair, PairStage stage)
    {
        if (stage != PairStage.Receive)
        {
            var broker = stage is PairStage.ConnectReceiver or PairStage.Subscribe ? pair.Receiver : pair.Sender;
            return $"{broker} is not running or is rebooting; or the verifier cannot reach its STOMP port 61614 (packets dropped by a security group or network ACL).";
        }
        var hops = string.Join(", ", pair.Path.Zip(pair.Path.Skip(1), (a, b) => $"{a} ↔ {b}"));
        return $"a network connector on the path ({hops}) is missing, or its configuration revision is not applied yet (the broker that owns it " +
               "was not rebooted after the revision was set); the ingress rule for OpenWire port 61617 on a connector's target broker is missing " +
               "from its security group; the common user or its password differs between brokers (a connector logs in to its target as that user); " +
               "a broker on the path is not running.";
    }

    private static string Causes(Exception e, ProbeTarget broker) => e is MessageProbeException probe
        ? probe.Failure switch
        {
            ProbeFailure.Unreachable =>
                $"{broker.BrokerName} is not running or is rebooting; or the verifier cannot reach its STOMP port 61614 (security group, network ACL, routing).",
            ProbeFailure.AuthenticationFailed =>
                $"user \"{broker.Username}\" does not exist on {broker.BrokerName}, or its password there differs from the common password " +
                "(a pending user change applies only when the broker reboots).",
            ProbeFailure.Refused =>
                $"{broker.BrokerName}'s configuration does not allow user \"{broker.Username}\" to use queues named {QueuePrefix}.> (authorizationEntries).",
            ProbeFailure.TimedOut =>
                $"{broker.BrokerName} is overloaded, rebooting, or its STOMP port 61614 drops packets.",
            _ => $"{broker.BrokerName} or the connection to it misbehaved; retry, and check the broker's logs.",
        }
        : $"an unexpected error; check {broker.BrokerName}'s logs.";

    private static string Doing(PairStage stage, string broker) => stage switch
    {
        PairStage.ConnectReceiver or PairStage.ConnectSender => $"connecting to {broker}",
        PairStage.Subscribe => $"subscribing on {broker}",
        PairStage.Send => $"sending on {broker}",
        _ => $"receiving on {broker}",
    };

    /// <summary>Unsubscribes within the cleanup timeout; a failure here is not the bridge's.</summary>
    private async Task UnsubscribeAsync(IProbeSubscription? subscription)
    {
        if (subscription is null)
        {
            return;
        }
        using var limit = new CancellationTokenSource(_options.CleanupTimeout, _options.TimeProvider);
        await Quietly(() => subscription.UnsubscribeAsync(limit.Token)).ConfigureAwait(false);
    }

    /// <summary>
    /// One connection per broker for a whole run, opened by the first pair that needs it and shared by the rest (a
    /// connection's operations may run concurrently). A broker that cannot be connected to fails each of its pairs the
    /// same way, as separate connections would. A connection found lost is replaced once per broker: the operations that
    /// were on it when it broke fail, the pairs after them get a new one (a broker that keeps dropping connections is not
    /// reconnected to again and again). Connecting is bounded by a pair's timeout; disposing closes every connection.
    /// </summary>
    private sealed class ConnectionPool(IMessageProbe probe, BridgeVerificationOptions options) : IAsyncDisposable
    {
        private const int ReconnectsPerBroker = 1;

        private readonly Lock _gate = new();
        private readonly Dictionary<string, (Lazy<Task<IProbeConnection>> Connection, int Reconnects)> _current = new(StringComparer.Ordinal);
        private readonly List<Lazy<Task<IProbeConnection>>> _all = [];
        private readonly CancellationTokenSource _closing = new();

        public async Task<IProbeConnection> ConnectAsync(ProbeTarget broker, CancellationToken cancellationToken)
        {
            var pending = Current(broker, replacing: null);
            var connection = await pending.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (connection.IsOpen)
            {
                return connection;
            }
            // Lost since it was opened: reconnect (once per broker; whoever comes first replaces it for everyone).
            var replacement = Current(broker, replacing: pending);
            return replacement == pending ? connection : await replacement.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The broker's current connection; a new one instead of <paramref name="replacing"/> if that is still current and reconnects are left.</summary>
        private Lazy<Task<IProbeConnection>> Current(ProbeTarget broker, Lazy<Task<IProbeConnection>>? replacing)
        {
            lock (_gate)
            {
                var found = _current.TryGetValue(broker.BrokerName, out var entry);
                if (found && (replacing is null || entry.Connection != replacing || entry.Reconnects >= ReconnectsPerBroker))
                {
                    return entry.Connection;
                }
                var connection = new Lazy<Task<IProbeConnection>>(() => ConnectOnceAsync(broker));
                _current[broker.BrokerName] = (connection, found ? entry.Reconnects + 1 : 0);
                _all.Add(connection);
                return connection;
            }
        }

        private async Task<IProbeConnection> ConnectOnceAsync(ProbeTarget broker)
        {
            using var deadline = new CancellationTokenSource(options.Timeout, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token, deadline.Token);
            try
            {
                return await probe.ConnectAsync(broker, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // A failure of this broker for every pair that shares the connection, not a cancellation of theirs.
                throw new MessageProbeException(broker.BrokerName, ProbeFailure.TimedOut,
                    $"connecting to broker {broker.BrokerName} did not finish within {Seconds(options.Timeout)} ({string.Join(", ", broker.StompEndpoints)})");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _closing.CancelAsync().ConfigureAwait(false);
            using var limit = new CancellationTokenSource(options.CleanupTimeout, options.TimeProvider);
            List<Lazy<Task<IProbeConnection>>> all;
            lock (_gate)
            {
                all = [.. _all];
            }
            // All at once: a polite close waits for the broker's answer, and 41 of them in a row add up.
            await Task.WhenAll(all.Where(p => p.IsValueCreated).Select(async pending =>
            {
                IProbeConnection connection;
                try
                {
                    connection = await pending.Value.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return; // never connected: nothing to close
                }
                await Quietly(() => connection.CloseAsync(limit.Token)).ConfigureAwait(false);
                await Quietly(() => connection.DisposeAsync().AsTask()).ConfigureAwait(false);
            })).ConfigureAwait(false);
            _closing.Dispose();
        }
    }

    private static async Task Quietly(Func<Task> cleanup)
    {
        try
        {
            await cleanup().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The verdict is made; a connection that will not close cleanly is dropped.
        }
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
