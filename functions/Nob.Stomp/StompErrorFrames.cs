namespace Nob.Stomp;

/// <summary>What a client tells of a server's ERROR frame: the server's words (shortened, the passcode masked) and when it came.</summary>
internal static class StompErrorFrames
{
    private const int MaxDetailsLength = 600;

    public static StompErrorException ToException(StompFrame error, string endpoint, string? login, string? passcode, bool duringConnect)
    {
        var serverMessage = Mask(error.Header(StompHeaders.Message), passcode);
        string? details;
        try
        {
            details = error.Body.Length == 0 ? null : Mask(Shorten(error.BodyText.Trim(), MaxDetailsLength), passcode);
        }
        catch (StompProtocolException)
        {
            details = $"({error.Body.Length} octets, not UTF-8)";
        }
        var said = serverMessage ?? details ?? "(no message)";
        var text = duringConnect
            ? $"{endpoint} refused the connection of user \"{login ?? "(no login)"}\": {said}"
            : $"{endpoint} sent ERROR: {said}";
        return new StompErrorException(text, serverMessage, details, error.Header(StompHeaders.ReceiptId), duringConnect);
    }

    /// <summary>Masks the passcode in text that came from the server (a server may echo what it was sent).</summary>
    private static string? Mask(string? text, string? passcode) =>
        text is null || string.IsNullOrEmpty(passcode) ? text : text.Replace(passcode, "***", StringComparison.Ordinal);

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
