using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Nob.Stomp;

/// <summary>
/// A STOMP 1.2 client over TLS. <see cref="ConnectAsync"/> opens TCP, TLS and the STOMP session (accept-version 1.2,
/// heart-beat 0,0); then one background loop reads frames and hands MESSAGE frames to their subscription and RECEIPT
/// frames to the operation waiting for them. SEND, SUBSCRIBE, UNSUBSCRIBE and DISCONNECT each ask for a receipt and
/// return when the server has confirmed them. An ERROR frame (after which the server closes the connection) fails every
/// pending and later operation with a <see cref="StompErrorException"/>. Thread-safe; async only.
/// </summary>
public sealed class StompClient : IAsyncDisposable
{
    public const string ProtocolVersion = "1.2";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly StompClientOptions _options;
    private readonly SslStream _stream;
    private readonly StompFrameReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, TaskCompletionSource> _receipts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StompSubscription> _subscriptions = new(StringComparer.Ordinal);
    private Task _readLoop = Task.CompletedTask;
    private Exception? _fault;
    private bool _disconnecting;
    private int _closed;
    private int _nextId;

    private StompClient(StompClientOptions options, SslStream stream)
    {
        _options = options;
        _stream = stream;
        _reader = new StompFrameReader(stream, options.Limits);
        Endpoint = $"{StompEndpoint.Scheme}://{options.Host}:{options.Port}";
    }

    /// <summary><c>stomp+ssl://HOST:PORT</c> of the server.</summary>
    public string Endpoint { get; }

    public string? Login => _options.Login;

    /// <summary>The CONNECTED frame's <c>server</c> header (e.g. <c>ActiveMQ/5.17.6</c>).</summary>
    public string? ServerName { get; private set; }

    /// <summary>The CONNECTED frame's <c>session</c> header.</summary>
    public string? SessionId { get; private set; }

    /// <summary>Whether the connection can still be used (not closed, no ERROR, not lost).</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _fault is null;
            }
        }
    }

    /// <summary>Connects to the server and completes the STOMP 1.2 handshake, all within <see cref="StompClientOptions.ConnectTimeout"/>.</summary>
    public static async Task<StompClient> ConnectAsync(StompClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ReceiptTimeout, TimeSpan.Zero, nameof(options));

        var where = $"{StompEndpoint.Scheme}://{options.Host}:{options.Port}";
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var stage = "TCP connect";
        Socket? socket = null;
        SslStream? stream = null;
        StompClient? client = null;
        try
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new DnsEndPoint(options.Host, options.Port), linked.Token).ConfigureAwait(false);
            stage = "TLS handshake";
            stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            socket = null; // the stream owns it now
            await stream.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = options.Host,
                    RemoteCertificateValidationCallback = options.CertificateValidation,
                },
                linked.Token).ConfigureAwait(false);
            stage = "STOMP CONNECT";
            client = new StompClient(options, stream);
            stream = null; // the client owns it now
            await client.HandshakeAsync(linked.Token).ConfigureAwait(false);
            client._readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
            return client;
        }
        catch (Exception e)
        {
            socket?.Dispose();
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            if (client is not null)
            {
                await client.CloseAsync().ConfigureAwait(false);
            }
            throw e switch
            {
                OperationCanceledException when timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested =>
                    new StompTimeoutException($"{where} did not complete the {stage} within {Seconds(options.ConnectTimeout)} (connect timeout)", e),
                SocketException s => new StompConnectionException($"could not connect to {where}: {s.SocketErrorCode} ({s.Message})", e),
                AuthenticationException => new StompConnectionException($"TLS handshake with {where} failed: {e.Message}", e),
                IOException or ObjectDisposedException => new StompConnectionException($"the connection to {where} failed during the {stage}: {e.Message}", e),
                _ => e,
            };
        }
    }

    /// <summary>Sends <paramref name="body"/> (with its content-length) to <paramref name="destination"/>; returns once the server has sent the RECEIPT.</summary>
    public Task SendAsync(
        string destination, ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var all = new List<KeyValuePair<string, string>>
        {
            new(StompHeaders.Destination, destination),
            new(StompHeaders.ContentLength, body.Length.ToString(CultureInfo.InvariantCulture)),
        };
        StompRequestHeaders.AddCallerHeaders(all, headers, StompHeaders.Destination, StompHeaders.ContentLength, StompHeaders.Receipt, "transaction");
        return RequestAsync(StompCommands.Send, all, body, $"SEND to {destination}", cancellationToken);
    }

    /// <summary>Sends UTF-8 text (<c>content-type: text/plain;charset=utf-8</c> unless the headers give one).</summary>
    public Task SendTextAsync(
        string destination, string text, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var given = headers?.ToList() ?? [];
        if (!given.Any(h => string.Equals(h.Key, StompHeaders.ContentType, StringComparison.Ordinal)))
        {
            given.Add(new(StompHeaders.ContentType, "text/plain;charset=utf-8"));
        }
        return SendAsync(destination, Utf8.GetBytes(text), given, cancellationToken);
    }

    /// <summary>Subscribes (ack auto) to <paramref name="destination"/>; the subscription is active at the server when this returns.</summary>
    public async Task<StompSubscription> SubscribeAsync(
        string destination, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var id = $"sub-{Interlocked.Increment(ref _nextId)}";
        var subscription = new StompSubscription(this, id, destination, _options.TimeProvider);
        var all = new List<KeyValuePair<string, string>>
        {
            new(StompHeaders.Id, id),
            new(StompHeaders.Destination, destination),
            new(StompHeaders.Ack, "auto"),
        };
        StompRequestHeaders.AddCallerHeaders(all, headers, StompHeaders.Id, StompHeaders.Destination, StompHeaders.Ack, StompHeaders.Receipt);
        lock (_gate)
        {
            ThrowIfFaulted();
            _subscriptions.Add(id, subscription); // before SUBSCRIBE: a MESSAGE may follow the RECEIPT at once
        }
        try
        {
            await RequestAsync(StompCommands.Subscribe, all, default, $"SUBSCRIBE to {destination}", cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch (Exception e)
        {
            Forget(subscription, e);
            throw;
        }
    }

    /// <summary>Sends DISCONNECT, waits for its RECEIPT (so everything sent before is processed), and closes the connection.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        bool healthy;
        lock (_gate)
        {
            healthy = _fault is null && !_disconnecting;
            _disconnecting = true;
        }
        try
        {
            if (healthy)
            {
                await RequestAsync(StompCommands.Disconnect, [], default, "DISCONNECT", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disconnects politely when the connection is healthy (bounded by the receipt timeout, at most 5 s), then closes it. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _closed) == 0 && IsConnected)
        {
            var limit = _options.ReceiptTimeout < TimeSpan.FromSeconds(5) ? _options.ReceiptTimeout : TimeSpan.FromSeconds(5);
            using var polite = new CancellationTokenSource(limit, _options.TimeProvider);
            try
            {
                await DisconnectAsync(polite.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StompException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Best effort: the connection is closed below anyway.
            }
        }
        await CloseAsync().ConfigureAwait(false);
    }

    public override string ToString() => _options.ToString();

    internal async Task UnsubscribeAsync(StompSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            await RequestAsync(StompCommands.Unsubscribe, [new(StompHeaders.Id, subscription.Id)], default,
                $"UNSUBSCRIBE from {subscription.Destination}", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Forget(subscription, new InvalidOperationException($"the subscription to {subscription.Destination} on {Endpoint} was unsubscribed"));
        }
    }

    private void Forget(StompSubscription subscription, Exception reason)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription.Id);
        }
        subscription.Complete(reason);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(StompHandshake.ConnectFrame(_options, Endpoint), cancellationToken).ConfigureAwait(false);
        var answer = await _reader.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        var connected = StompHandshake.Connected(answer, Endpoint, error => ErrorFrom(error, duringConnect: true));
        ServerName = connected.Header(StompHeaders.Server);
        SessionId = connected.Header(StompHeaders.Session);
    }

    private async Task RequestAsync(
        string command, List<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body, string what, CancellationToken cancellationToken)
    {
        var receipt = $"rcpt-{Interlocked.Increment(ref _nextId)}";
        headers.Add(new(StompHeaders.Receipt, receipt));
        var frame = new StompFrame(command, headers, body);
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfFaulted();
            _receipts.Add(receipt, confirmed);
        }
        try
        {
            await WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await confirmed.Task.WaitAsync(_options.ReceiptTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new StompTimeoutException($"{Endpoint} sent no RECEIPT for {what} within {Seconds(_options.ReceiptTimeout)} (receipt timeout)", e);
        }
        finally
        {
            lock (_gate)
            {
                _receipts.Remove(receipt);
            }
        }
    }

    /// <summary>
    /// Writes one frame. A caller's cancellation abandons its wait for the write lock or for the write, never the write
    /// itself: a frame cut off half-way would end the connection for everyone sharing it (bridge verification shares one
    /// per broker), so a started write runs to its end and only closing the client stops it.
    /// </summary>
    private async Task WriteAsync(StompFrame frame, CancellationToken cancellationToken)
    {
        var octets = StompFrameEncoder.Encode(frame);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task write;
        try
        {
            lock (_gate)
            {
                // The handshake writes before the read loop runs; after a fault nothing more goes out.
                ThrowIfFaulted();
            }
            write = WriteLockedAsync(octets, frame.Command);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
        if (!write.IsCompleted)
        {
            // Observed here too, so that a write nobody waits for any more does not fault unobserved.
            _ = write.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        await write.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The write itself, holding the write lock (released when it ends); stopped only by closing the client.</summary>
    private async Task WriteLockedAsync(byte[] octets, string command)
    {
        try
        {
            var closing = _closing.Token;
            await _stream.WriteAsync(octets, closing).ConfigureAwait(false);
            await _stream.FlushAsync(closing).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            throw Fault(new StompConnectionException(e is OperationCanceledException
                ? $"the connection to {Endpoint} is closed"
                : $"writing a {command} frame to {Endpoint} failed: {e.Message}", e));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await _reader.ReadFrameAsync(_closing.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    Fault(new StompConnectionException(Volatile.Read(ref _disconnecting)
                        ? $"the connection to {Endpoint} is closed"
                        : $"{Endpoint} closed the connection"));
                    return;
                }
                switch (frame.Command)
                {
                    case StompCommands.Message:
                        // None registered: a message that crossed our UNSUBSCRIBE.
                        Registered(_subscriptions, RequiredHeader(frame, StompHeaders.Subscription))?.Deliver(new StompMessage(frame));
                        break;
                    case StompCommands.Receipt:
                        Registered(_receipts, RequiredHeader(frame, StompHeaders.ReceiptId))?.TrySetResult();
                        break;
                    case StompCommands.Error:
                        Fault(ErrorFrom(frame, duringConnect: false));
                        return;
                    default:
                        throw new StompProtocolException($"{Endpoint} sent a {frame.Command} frame, which a server does not send after CONNECTED");
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            Fault(new StompConnectionException($"the connection to {Endpoint} is closed"));
        }
        catch (StompException e)
        {
            Fault(e);
        }
        catch (Exception e)
        {
            // IOException, ObjectDisposedException when closed under it, or anything unforeseen: the loop always ends in a fault,
            // so nothing waits forever on a connection nobody reads.
            Fault(new StompConnectionException(_closing.IsCancellationRequested
                ? $"the connection to {Endpoint} is closed"
                : $"lost the connection to {Endpoint}: {e.Message}", e));
        }
    }

    private string RequiredHeader(StompFrame frame, string header)
        => frame.Header(header) ?? throw new StompProtocolException($"{Endpoint} sent a {frame.Command} frame without a {header} header");

    /// <summary>What waits under <paramref name="id"/> (a subscription, a receipt), if anything still does.</summary>
    private T? Registered<T>(Dictionary<string, T> registry, string id)
        where T : class
    {
        lock (_gate)
        {
            return registry.TryGetValue(id, out var waiting) ? waiting : null;
        }
    }

    /// <summary>Marks the connection unusable (the first reason wins) and fails everything waiting on it.</summary>
    private Exception Fault(Exception reason)
    {
        List<TaskCompletionSource> receipts;
        List<StompSubscription> subscriptions;
        lock (_gate)
        {
            if (_fault is not null)
            {
                return _fault;
            }
            _fault = reason;
            receipts = [.. _receipts.Values];
            subscriptions = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }
        foreach (var receipt in receipts)
        {
            receipt.TrySetException(reason);
        }
        foreach (var subscription in subscriptions)
        {
            subscription.Complete(reason);
        }
        return reason;
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } fault)
        {
            throw fault is StompException ? fault : new StompConnectionException($"the connection to {Endpoint} is closed", fault);
        }
    }

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        Fault(new StompConnectionException($"the connection to {Endpoint} is closed"));
        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The loop reports through Fault; nothing left to tell.
        }
        _closing.Dispose();
    }

    private StompErrorException ErrorFrom(StompFrame error, bool duringConnect) =>
        StompErrorFrames.ToException(error, Endpoint, _options.Login, _options.Passcode, duringConnect);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
