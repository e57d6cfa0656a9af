using System.Globalization;
using System.Net.Security;
using Nob.Core.Verification;

namespace Nob.Stomp;

/// <summary>How <see cref="StompMessageProbe"/> connects.</summary>
public sealed record StompProbeOptions
{
    /// <summary>Custom server certificate validation (local brokers: <see cref="StompTls.TrustOnlyPemFile"/>); null: the system's.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>Per endpoint: TCP, TLS and CONNECTED. A standby instance that drops packets costs this much at most.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// <see cref="IMessageProbe"/> over STOMP 1.2 on TLS (Amazon MQ's <c>stomp+ssl://HOST:61614</c>). Connecting tries every
/// endpoint of the broker at once and keeps the first that lets the user in: of an active/standby broker, the active
/// instance (the standby refuses or does not answer). Queues are <c>/queue/NAME</c>; messages are persistent UTF-8 text
/// with an <c>expires</c> header. The password goes into the CONNECT frame and nowhere else.
/// </summary>
public sealed class StompMessageProbe(StompProbeOptions? options = null) : IMessageProbe
{
    private readonly StompProbeOptions _options = options ?? new StompProbeOptions();

    public async Task<IProbeConnection> ConnectAsync(ProbeTarget broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var endpoints = new List<StompEndpoint>();
        foreach (var endpoint in broker.StompEndpoints)
        {
            try
            {
                endpoints.Add(StompEndpoint.Parse(endpoint));
            }
            catch (FormatException e)
            {
                throw new MessageProbeException(broker.BrokerName, ProbeFailure.Other, $"broker {broker.BrokerName}: {e.Message}", e);
            }
        }
        if (endpoints.Count == 0)
        {
            throw new MessageProbeException(broker.BrokerName, ProbeFailure.Other, $"broker {broker.BrokerName} has no STOMP endpoint");
        }

        using var race = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = endpoints.Select(e => ConnectOneAsync(e, broker, race.Token)).ToList();
        Connection? winner = null;
        var failures = new List<Exception>();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            try
            {
                var connection = await done.ConfigureAwait(false);
                if (winner is null)
                {
                    winner = connection;
                    await race.CancelAsync().ConfigureAwait(false); // the other instance is the standby (or also answers: either will do)
                }
                else
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (race.IsCancellationRequested)
            {
                // Given up on because another endpoint answered, an authoritative refusal came, or the caller cancelled.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(e);
                if (e is StompErrorException { DuringConnect: true })
                {
                    await race.CancelAsync().ConfigureAwait(false); // the instance that answers refused the user: that is the answer
                }
            }
        }
        if (winner is not null)
        {
            return winner;
        }
        cancellationToken.ThrowIfCancellationRequested();

        var refusal = failures.OfType<StompErrorException>().FirstOrDefault(e => e.DuringConnect);
        if (refusal is not null)
        {
            throw new MessageProbeException(broker.BrokerName, ProbeFailure.AuthenticationFailed, $"broker {broker.BrokerName}: {refusal.Message}", refusal);
        }
        var failure = failures.All(e => e is StompConnectionException or StompTimeoutException) ? ProbeFailure.Unreachable : ProbeFailure.Other;
        throw new MessageProbeException(broker.BrokerName, failure,
            $"no STOMP endpoint of broker {broker.BrokerName} accepted a connection: {string.Join("; ", failures.Select(e => e.Message))}",
            failures.Count == 1 ? failures[0] : new AggregateException(failures));
    }

    private async Task<Connection> ConnectOneAsync(StompEndpoint endpoint, ProbeTarget broker, CancellationToken cancellationToken)
    {
        var client = await StompClient.ConnectAsync(
            new StompClientOptions
            {
                Host = endpoint.Host,
                Port = endpoint.Port,
                Login = broker.Username,
                Passcode = broker.Password.Reveal(),
                CertificateValidation = _options.CertificateValidation,
                ConnectTimeout = _options.ConnectTimeout,
                ReceiptTimeout = _options.ReceiptTimeout,
                TimeProvider = _options.TimeProvider,
            },
            cancellationToken).ConfigureAwait(false);
        return new Connection(client, broker.BrokerName, endpoint.ToString());
    }

    private static string Destination(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        if (!queue.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException($"queue name \"{queue}\" may only hold ASCII letters, digits, '.', '_' and '-'", nameof(queue));
        }
        return $"/queue/{queue}";
    }

    private static MessageProbeException Wrap(string brokerName, string doing, StompException e) => new(
        brokerName,
        e switch
        {
            StompErrorException => ProbeFailure.Refused,
            StompTimeoutException => ProbeFailure.TimedOut,
            _ => ProbeFailure.Other,
        },
        $"{doing} on broker {brokerName}: {e.Message}",
        e);

    // What the probe's callers see of a STOMP failure: which broker, what was being done, and the kind of failure.
    private static async Task<T> AsProbeFailures<T>(string brokerName, string doing, Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (StompException e)
        {
            throw Wrap(brokerName, doing, e);
        }
    }

    private static Task AsProbeFailures(string brokerName, string doing, Func<Task> operation)
        => AsProbeFailures(brokerName, doing, async () =>
        {
            await operation().ConfigureAwait(false);
            return true;
        });

    private sealed class Connection(StompClient client, string brokerName, string endpoint) : IProbeConnection
    {
        public string BrokerName { get; } = brokerName;

        public string Endpoint { get; } = endpoint;

        public bool IsOpen => client.IsConnected;

        public async Task<IProbeSubscription> SubscribeAsync(string queue, CancellationToken cancellationToken)
        {
            var destination = Destination(queue);
            var subscription = await AsProbeFailures(BrokerName, $"subscribing to {destination}",
                () => client.SubscribeAsync(destination, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new Subscription(subscription, BrokerName);
        }

        public async Task SendAsync(string queue, ProbeMessage message, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(message);
            var destination = Destination(queue);
            var headers = new List<KeyValuePair<string, string>> { new(StompHeaders.Persistent, "true") };
            if (message.ExpiresAt is { } expires)
            {
                headers.Add(new(StompHeaders.Expires, expires.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
            }
            await AsProbeFailures(BrokerName, $"sending to {destination}",
                () => client.SendTextAsync(destination, message.Body, headers, cancellationToken)).ConfigureAwait(false);
        }

        public Task CloseAsync(CancellationToken cancellationToken)
            => AsProbeFailures(BrokerName, "disconnecting", () => client.DisconnectAsync(cancellationToken));

        public ValueTask DisposeAsync() => client.DisposeAsync();

        public override string ToString() => $"{BrokerName} at {Endpoint}";
    }

    private sealed class Subscription(StompSubscription subscription, string brokerName) : IProbeSubscription
    {
        public async Task<ProbeMessage> ReceiveAsync(CancellationToken cancellationToken)
        {
            var message = await AsProbeFailures(brokerName, $"receiving from {subscription.Destination}",
                () => subscription.ReceiveAsync(cancellationToken)).ConfigureAwait(false);
            DateTimeOffset? expires = long.TryParse(message.Header(StompHeaders.Expires), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null;
            return new ProbeMessage(message.BodyText, expires);
        }

        public Task UnsubscribeAsync(CancellationToken cancellationToken)
            => AsProbeFailures(brokerName, $"unsubscribing from {subscription.Destination}", () => subscription.UnsubscribeAsync(cancellationToken));
    }
}
