using System.Collections.Concurrent;
using System.Threading.Channels;
using Nob.Core.Verification;

namespace Nob.Testing;

/// <summary>
/// A network where every broker reaches every other, except senders listed in <see cref="Isolated"/>:
/// a message sent to a queue on any broker reaches that queue's subscriber on any broker.
/// </summary>
public sealed class InMemoryMessageProbe : IMessageProbe
{
    readonly ConcurrentDictionary<string, Channel<ProbeMessage>> queues = new(StringComparer.Ordinal);

    public HashSet<string> Isolated { get; } = new(StringComparer.Ordinal);
    public ConcurrentBag<string> PasswordsSeen { get; } = [];

    public Task<IProbeConnection> ConnectAsync(ProbeTarget broker, CancellationToken cancellationToken)
    {
        PasswordsSeen.Add(broker.Password.Reveal());
        return Task.FromResult<IProbeConnection>(new Connection(this, broker.BrokerName, broker.StompEndpoints[0]));
    }

    Channel<ProbeMessage> Queue(string name) => queues.GetOrAdd(name, _ => Channel.CreateUnbounded<ProbeMessage>());

    sealed class Connection(InMemoryMessageProbe network, string brokerName, string endpoint) : IProbeConnection
    {
        public string BrokerName => brokerName;
        public string Endpoint => endpoint;
        public bool IsOpen => true;

        public Task<IProbeSubscription> SubscribeAsync(string queue, CancellationToken cancellationToken) =>
            Task.FromResult<IProbeSubscription>(new Subscription(network.Queue(queue)));

        public async Task SendAsync(string queue, ProbeMessage message, CancellationToken cancellationToken)
        {
            if (!network.Isolated.Contains(brokerName)) await network.Queue(queue).Writer.WriteAsync(message, cancellationToken);
        }

        public Task CloseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    sealed class Subscription(Channel<ProbeMessage> queue) : IProbeSubscription
    {
        public async Task<ProbeMessage> ReceiveAsync(CancellationToken cancellationToken) => await queue.Reader.ReadAsync(cancellationToken);
        public Task UnsubscribeAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
