using System.Globalization;
using System.Threading.Channels;

namespace Nob.Stomp;

/// <summary>
/// An active subscription (ack auto): messages queue here as the server sends them. When the connection ends, messages
/// already received can still be read; after them <see cref="ReceiveAsync(CancellationToken)"/> throws the reason.
/// </summary>
public sealed class StompSubscription
{
    private readonly StompClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<StompMessage> _messages = Channel.CreateUnbounded<StompMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private Exception? _ended;

    internal StompSubscription(StompClient client, string id, string destination, TimeProvider timeProvider)
    {
        _client = client;
        Id = id;
        Destination = destination;
        _timeProvider = timeProvider;
    }

    /// <summary>The subscription's <c>id</c> header.</summary>
    public string Id { get; }

    public string Destination { get; }

    /// <summary>The next message; waits for it.</summary>
    public async Task<StompMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _messages.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            var ended = Volatile.Read(ref _ended);
            throw ended as StompException ?? new StompConnectionException(ended?.Message ?? $"the subscription to {Destination} has ended", ended);
        }
    }

    /// <summary>The next message within <paramref name="timeout"/>, else <see cref="StompTimeoutException"/>.</summary>
    public async Task<StompMessage> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            return await ReceiveAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StompTimeoutException(
                $"no message on {Destination} from {_client.Endpoint} within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", e);
        }
    }

    /// <summary>Sends UNSUBSCRIBE and waits for its RECEIPT.</summary>
    public Task UnsubscribeAsync(CancellationToken cancellationToken = default) => _client.UnsubscribeAsync(this, cancellationToken);

    internal void Deliver(StompMessage message) => _messages.Writer.TryWrite(message);

    internal void Complete(Exception reason)
    {
        Interlocked.CompareExchange(ref _ended, reason, null);
        _messages.Writer.TryComplete();
    }

    public override string ToString() => $"subscription {Id} to {Destination} on {_client.Endpoint}";
}

/// <summary>A MESSAGE frame as a subscription hands it out.</summary>
public sealed class StompMessage(StompFrame frame)
{
    public StompFrame Frame { get; } = frame ?? throw new ArgumentNullException(nameof(frame));

    public string? Destination => Frame.Header(StompHeaders.Destination);

    public string? MessageId => Frame.Header(StompHeaders.MessageId);

    public ReadOnlyMemory<byte> Body => Frame.Body;

    /// <summary>The body as UTF-8 text (<see cref="StompProtocolException"/> if it is not).</summary>
    public string BodyText => Frame.BodyText;

    public string? Header(string name) => Frame.Header(name);

    public override string ToString() => Frame.ToString();
}
