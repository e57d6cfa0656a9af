using System.Net.Security;

namespace Nob.Stomp;

/// <summary>
/// Where and how <see cref="StompClient"/> connects. Always TLS. <see cref="ToString"/> never shows the passcode (this is a
/// class, not a record, so no generated member printing can either).
/// </summary>
public sealed class StompClientOptions
{
    /// <summary>The server's host name or address; also the TLS target host (SNI and certificate name check).</summary>
    public required string Host { get; init; }

    /// <summary>Amazon MQ's STOMP TLS port by default.</summary>
    public int Port { get; init; } = StompEndpoint.DefaultPort;

    /// <summary>The CONNECT frame's <c>host</c> header (the virtual host); default: <see cref="Host"/>.</summary>
    public string? VirtualHost { get; init; }

    public string? Login { get; init; }

    /// <summary>Sent in the CONNECT frame only; masked in every message this client makes from server text.</summary>
    public string? Passcode { get; init; }

    /// <summary>Custom server certificate validation (see <see cref="StompTls"/>); null: the system's validation.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>TCP connect, TLS handshake and CONNECTED, together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the server may take to send a RECEIPT for SEND, SUBSCRIBE, UNSUBSCRIBE or DISCONNECT.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public StompFrameLimits Limits { get; init; } = StompFrameLimits.Default;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Options for an endpoint such as <c>stomp+ssl://HOST:61614</c>.</summary>
    public static StompClientOptions For(StompEndpoint endpoint, string? login, string? passcode) =>
        new() { Host = endpoint.Host, Port = endpoint.Port, Login = login, Passcode = passcode };

    public override string ToString() => $"stomp+ssl://{Host}:{Port} as {(Login is null ? "(no login)" : $"\"{Login}\"")}";
}

/// <summary>A STOMP TLS endpoint as Amazon MQ lists it: <c>stomp+ssl://HOST:PORT</c>.</summary>
public sealed record StompEndpoint(string Host, int Port)
{
    public const string Scheme = "stomp+ssl";
    public const int DefaultPort = 61614;

    /// <summary>Parses <c>stomp+ssl://HOST[:PORT]</c> (port 61614 when absent); nothing else: no path, query or user info.</summary>
    public static StompEndpoint Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || !string.Equals(uri.Scheme, Scheme, StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0 || endpoint.Any(char.IsWhiteSpace))
        {
            throw new FormatException($"\"{endpoint}\" is not a STOMP TLS endpoint of the form {Scheme}://HOST:PORT");
        }
        return new StompEndpoint(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
    }

    public override string ToString() => $"{Scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
