using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Channels;
using Nob.Core.Verification;

namespace Nob.StateMachine.Tests;

/// <summary>Wraps a port implementation so that concurrent Map iterations call it one at a time (the fakes are not thread-safe).</summary>
public class Synchronized<T> : DispatchProxy where T : class
{
    T? inner;
    Lock? gate;

    public static T Wrap(T inner, Lock gate)
    {
        var proxy = Create<T, Synchronized<T>>();
        var s = (Synchronized<T>)(object)proxy;
        s.inner = inner;
        s.gate = gate;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        lock (gate!)
        {
            try
            {
                return targetMethod!.Invoke(inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}

/// <summary>A message probe where every broker reaches every other: what is sent to a queue on any broker arrives there.</summary>
public sealed class LoopbackMessageProbe : IMessageProbe
{
    readonly ConcurrentDictionary<string, Channel<ProbeMessage>> queues = new(StringComparer.Ordinal);

    public Task<IProbeConnection> ConnectAsync(ProbeTarget broker, CancellationToken cancellationToken) =>
        Task.FromResult<IProbeConnection>(new Connection(this, broker.BrokerName, broker.StompEndpoints.FirstOrDefault() ?? ""));

    Channel<ProbeMessage> Queue(string name) => queues.GetOrAdd(name, _ => Channel.CreateUnbounded<ProbeMessage>());

    sealed class Connection(LoopbackMessageProbe network, string brokerName, string endpoint) : IProbeConnection
    {
        public string BrokerName => brokerName;
        public string Endpoint => endpoint;
        public bool IsOpen => true;
        public Task<IProbeSubscription> SubscribeAsync(string queue, CancellationToken cancellationToken) => Task.FromResult<IProbeSubscription>(new Subscription(network.Queue(queue)));
        public async Task SendAsync(string queue, ProbeMessage message, CancellationToken cancellationToken) => await network.Queue(queue).Writer.WriteAsync(message, cancellationToken);
        public Task CloseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    sealed class Subscription(Channel<ProbeMessage> queue) : IProbeSubscription
    {
        public async Task<ProbeMessage> ReceiveAsync(CancellationToken cancellationToken) => await queue.Reader.ReadAsync(cancellationToken);
        public Task UnsubscribeAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
