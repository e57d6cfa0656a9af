namespace Nob.Stomp;

// Every failure of the client is a StompException. Messages name the server and the user, never a passcode: the
// client also masks its passcode in any text a server sends back.

/// <summary>Base of everything the STOMP client throws about the connection or the protocol.</summary>
public abstract class StompException : Exception
{
    protected StompException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The connection could not be made (DNS, TCP, TLS) or was lost.</summary>
public sealed class StompConnectionException(string message, Exception? inner = null) : StompException(message, inner);

/// <summary>The peer broke STOMP 1.2: a malformed frame, an unknown command, an undefined escape, a missing header.</summary>
public sealed class StompProtocolException(string message, Exception? inner = null) : StompException(message, inner);

/// <summary>The server did not answer in time (CONNECTED, a RECEIPT, or a message being waited for).</summary>
public sealed class StompTimeoutException(string message, Exception? inner = null) : StompException(message, inner);

/// <summary>
/// The server sent an ERROR frame: it refused the connection (typically a wrong user or password) or an operation. The
/// server closes the connection after it.
/// </summary>
public sealed class StompErrorException : StompException
{
    public StompErrorException(string message, string? serverMessage, string? details, string? receiptId, bool duringConnect)
        : base(message)
    {
        ServerMessage = serverMessage;
        Details = details;
        ReceiptId = receiptId;
        DuringConnect = duringConnect;
    }

    /// <summary>The ERROR frame's <c>message</c> header (passcode masked).</summary>
    public string? ServerMessage { get; }

    /// <summary>The ERROR frame's body as text, shortened (passcode masked).</summary>
    public string? Details { get; }

    /// <summary>The <c>receipt-id</c> of the ERROR frame, when it answers a frame that asked for a receipt.</summary>
    public string? ReceiptId { get; }

    /// <summary>Whether the server refused the CONNECT frame (a login failure, as far as STOMP can tell).</summary>
    public bool DuringConnect { get; }
}
