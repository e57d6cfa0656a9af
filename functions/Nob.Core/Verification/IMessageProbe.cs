using Nob.Core.Workflow;

namespace Nob.Core.Verification;

// The port bridge verification needs: connect to a broker as the common user, subscribe to a queue there, send to a queue
// there. The STOMP adapter (functions/Nob.Stomp, StompMessageProbe) implements it; tests fake it.

/// <summary>A broker as the probe reaches it: its STOMP TLS endpoints (two for an active/standby broker) and the common user.</summary>
public sealed record ProbeTarget(string BrokerName, IReadOnlyList<string> StompEndpoints, string Username, Secret Password)
{
    public override string ToString() => $"{BrokerName} ({string.Join(", ", StompEndpoints)}) as \"{Username}\"";
}

/// <summary>A test message: its text, and when the broker may drop it if nobody consumed it.</summary>
public sealed record ProbeMessage(string Body, DateTimeOffset? ExpiresAt);

public interface IMessageProbe
{
    /// <summary>
    /// Connects to whichever of the broker's endpoints answers (of an active/standby broker, the active instance; the
    /// standby refuses or does not answer). Throws <see cref="MessageProbeException"/> when no endpoint lets the user in.
    /// </summary>
    Task<IProbeConnection> ConnectAsync(ProbeTarget broker, CancellationToken cancellationToken);
}

/// <summary>One connection to one broker instance.</summary>
public interface IProbeConnection : IAsyncDisposable
{
    string BrokerName { get; }

    /// <summary>The endpoint that answered.</summary>
    string Endpoint { get; }

    /// <summary>False once the connection is lost, closed, or ended by the broker (an ERROR frame): nothing more can go over it.</summary>
    bool IsOpen { get; }

    /// <summary>Subscribes to a queue; the subscription is active at the broker when this returns.</summary>
    Task<IProbeSubscription> SubscribeAsync(string queue, CancellationToken cancellationToken);

    /// <summary>Sends one message to a queue; returns once the broker has confirmed it.</summary>
    Task SendAsync(string queue, ProbeMessage message, CancellationToken cancellationToken);

    /// <summary>Disconnects politely.</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}

public interface IProbeSubscription
{
    /// <summary>The next message on the queue; waits for it.</summary>
    Task<ProbeMessage> ReceiveAsync(CancellationToken cancellationToken);

    Task UnsubscribeAsync(CancellationToken cancellationToken);
}

/// <summary>What kind of answer (or silence) a probe got from a broker.</summary>
public enum ProbeFailure
{
    /// <summary>No endpoint accepted a connection or completed TLS (not running, rebooting, or not reachable).</summary>
    Unreachable,

    /// <summary>The broker refused the user's login (user missing, or another password).</summary>
    AuthenticationFailed,

    /// <summary>The broker refused an operation after login (e.g. not authorized for the queue).</summary>
    Refused,

    /// <summary>The broker did not answer in time.</summary>
    TimedOut,

    /// <summary>Anything else (a protocol violation, a connection lost half-way).</summary>
    Other,
}

/// <summary>A probe operation failed; the message names the broker and the user, never the password.</summary>
public sealed class MessageProbeException(string brokerName, ProbeFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string BrokerName { get; } = brokerName;

    public ProbeFailure Failure { get; } = failure;
}
