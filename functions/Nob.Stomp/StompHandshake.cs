using System.Globalization;

namespace Nob.Stomp;

/// <summary>
/// The opening of a STOMP 1.2 session: the CONNECT frame a client sends (accept-version 1.2, heart-beat 0,0) and the
/// checks on the server's answer, which must be CONNECTED in version 1.2.
/// </summary>
internal static class StompHandshake
{
    /// <summary>The CONNECT frame for <paramref name="options"/>; fails early (naming the header only) if a value cannot go into it.</summary>
    public static StompFrame ConnectFrame(StompClientOptions options, string endpoint)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new(StompHeaders.AcceptVersion, StompClient.ProtocolVersion),
            new(StompHeaders.Host, options.VirtualHost ?? options.Host),
        };
        if (options.Login is { } login)
        {
            headers.Add(new(StompHeaders.Login, login));
        }
        if (options.Passcode is { } passcode)
        {
            headers.Add(new(StompHeaders.Passcode, passcode));
        }
        headers.Add(new(StompHeaders.HeartBeat, "0,0"));
        try
        {
            var connect = new StompFrame(StompCommands.Connect, headers);
            StompFrameEncoder.Encode(connect);
            return connect;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"cannot connect to {endpoint}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The server's answer to CONNECT, checked: CONNECTED in this client's version with a well-formed heart-beat. An ERROR
    /// becomes the exception <paramref name="refusal"/> makes of it; anything else a <see cref="StompException"/>.
    /// </summary>
    public static StompFrame Connected(StompFrame? answer, string endpoint, Func<StompFrame, StompErrorException> refusal)
    {
        switch (answer?.Command)
        {
            case null:
                throw new StompConnectionException($"{endpoint} closed the connection before answering CONNECT");
            case StompCommands.Error:
                throw refusal(answer);
            case StompCommands.Connected:
                break;
            default:
                throw new StompProtocolException($"{endpoint} answered CONNECT with {answer.Command}, not CONNECTED");
        }
        var version = answer.Header(StompHeaders.Version);
        if (version != StompClient.ProtocolVersion)
        {
            throw new StompProtocolException(
                $"{endpoint} answered CONNECT with STOMP version {(version is null ? "1.0 (no version header)" : $"\"{version}\"")}; this client speaks {StompClient.ProtocolVersion} only");
        }
        if (answer.Header(StompHeaders.HeartBeat) is { } heartBeat && !IsHeartBeat(heartBeat))
        {
            throw new StompProtocolException($"{endpoint} sent the malformed heart-beat header \"{heartBeat}\" in CONNECTED");
        }
        return answer;
    }

    private static bool IsHeartBeat(string value)
    {
        var parts = value.Split(',');
        return parts.Length == 2 && parts.All(p => p.Length > 0 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }
}
