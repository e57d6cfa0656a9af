using System.Text;

namespace Nob.Stomp;

/// <summary>The commands of STOMP 1.2, client and server frames.</summary>
public static class StompCommands
{
    public const string Connect = "CONNECT";
    public const string Stomp = "STOMP";
    public const string Connected = "CONNECTED";
    public const string Send = "SEND";
    public const string Subscribe = "SUBSCRIBE";
    public const string Unsubscribe = "UNSUBSCRIBE";
    public const string Ack = "ACK";
    public const string Nack = "NACK";
    public const string Begin = "BEGIN";
    public const string Commit = "COMMIT";
    public const string Abort = "ABORT";
    public const string Disconnect = "DISCONNECT";
    public const string Message = "MESSAGE";
    public const string Receipt = "RECEIPT";
    public const string Error = "ERROR";

    private static readonly HashSet<string> All = new(StringComparer.Ordinal)
    {
        Connect, Stomp, Connected, Send, Subscribe, Unsubscribe, Ack, Nack, Begin, Commit, Abort, Disconnect, Message, Receipt, Error,
    };

    public static bool IsKnown(string command) => All.Contains(command);

    /// <summary>
    /// CONNECT, STOMP and CONNECTED frames carry their headers unescaped (STOMP 1.2 keeps them compatible with 1.0), so
    /// their header names and values cannot hold a line break, and a colon in a value is taken literally.
    /// </summary>
    public static bool HasRawHeaders(string command) => command is Connect or Stomp or Connected;
}

/// <summary>The header names this client reads or writes.</summary>
public static class StompHeaders
{
    public const string AcceptVersion = "accept-version";
    public const string Host = "host";
    public const string Login = "login";
    public const string Passcode = "passcode";
    public const string HeartBeat = "heart-beat";
    public const string Version = "version";
    public const string Session = "session";
    public const string Server = "server";
    public const string Destination = "destination";
    public const string ContentLength = "content-length";
    public const string ContentType = "content-type";
    public const string Receipt = "receipt";
    public const string ReceiptId = "receipt-id";
    public const string Id = "id";
    public const string Ack = "ack";
    public const string Subscription = "subscription";
    public const string MessageId = "message-id";
    public const string Message = "message";
    public const string Expires = "expires";
    public const string Persistent = "persistent";
}

/// <summary>
/// One STOMP frame: a command, headers in wire order (a repeated header is kept; its first occurrence counts, as STOMP 1.2
/// says), and a body. <see cref="ToString"/> never shows a <c>passcode</c> header's value.
/// </summary>
public sealed class StompFrame
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public StompFrame(string command, IEnumerable<KeyValuePair<string, string>>? headers = null, ReadOnlyMemory<byte> body = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        Command = command;
        Headers = headers is null ? [] : [.. headers];
        foreach (var header in Headers)
        {
            ArgumentNullException.ThrowIfNull(header.Key, nameof(headers));
            ArgumentNullException.ThrowIfNull(header.Value, nameof(headers));
        }
        Body = body;
    }

    public string Command { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The body as UTF-8 text; throws <see cref="StompProtocolException"/> when it is not valid UTF-8.</summary>
    public string BodyText
    {
        get
        {
            try
            {
                return StrictUtf8.GetString(Body.Span);
            }
            catch (DecoderFallbackException e)
            {
                throw new StompProtocolException($"the body of a {Command} frame is not valid UTF-8", e);
            }
        }
    }

    /// <summary>The value of the first header named <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.Ordinal))
            {
                return header.Value;
            }
        }
        return null;
    }

    /// <summary>The command, headers (a passcode shown as ***) and body length: safe to log.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Command);
        foreach (var (name, value) in Headers)
        {
            text.Append(' ').Append(name).Append(':')
                .Append(string.Equals(name, StompHeaders.Passcode, StringComparison.Ordinal) ? "***" : value);
        }
        return text.Append(" (").Append(Body.Length).Append(" byte body)").ToString();
    }
}
