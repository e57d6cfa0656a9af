using System.Globalization;
using System.Text;

namespace Nob.Stomp;

/// <summary>
/// Writes frames as STOMP 1.2 octets: <c>COMMAND LF (name:value LF)* LF body NUL</c>, headers UTF-8 and escaped (except in
/// CONNECT, STOMP and CONNECTED frames, which STOMP 1.2 leaves unescaped). Refuses what the peer could not read back:
/// exceptions name the offending header, never its value (it may be a passcode).
/// </summary>
public static class StompFrameEncoder
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(StompFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!StompCommands.IsKnown(frame.Command))
        {
            throw new ArgumentException($"\"{frame.Command}\" is not a STOMP 1.2 command", nameof(frame));
        }
        var raw = StompCommands.HasRawHeaders(frame.Command);
        var text = new StringBuilder(frame.Command).Append('\n');
        foreach (var (name, value) in frame.Headers)
        {
            if (name.Length == 0)
            {
                throw new ArgumentException($"a {frame.Command} frame has a header with an empty name", nameof(frame));
            }
            if (raw)
            {
                if (name.AsSpan().IndexOfAny("\r\n:") >= 0)
                {
                    throw new ArgumentException($"header name \"{Escape(name)}\" of a {frame.Command} frame holds a colon or line break, which {frame.Command} frames cannot carry", nameof(frame));
                }
                if (value.AsSpan().IndexOfAny("\r\n") >= 0)
                {
                    throw new ArgumentException($"the value of header \"{name}\" of a {frame.Command} frame holds a line break, which {frame.Command} frames cannot carry", nameof(frame));
                }
                text.Append(name).Append(':').Append(value).Append('\n');
            }
            else
            {
                text.Append(StompHeaderEscaping.Escape(name)).Append(':').Append(StompHeaderEscaping.Escape(value)).Append('\n');
            }
        }
        text.Append('\n');

        var contentLength = frame.Header(StompHeaders.ContentLength);
        if (contentLength is not null)
        {
            if (!int.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length != frame.Body.Length)
            {
                throw new ArgumentException($"content-length \"{contentLength}\" does not match the {frame.Body.Length}-byte body of a {frame.Command} frame", nameof(frame));
            }
        }
        else if (frame.Body.Span.Contains((byte)0))
        {
            throw new ArgumentException($"the body of a {frame.Command} frame holds NUL octets; give it a content-length header", nameof(frame));
        }

        byte[] head;
        try
        {
            head = Utf8.GetBytes(text.ToString());
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"a header of a {frame.Command} frame is not valid Unicode text", nameof(frame), e);
        }
        var bytes = new byte[head.Length + frame.Body.Length + 1];
        head.CopyTo(bytes, 0);
        frame.Body.Span.CopyTo(bytes.AsSpan(head.Length));
        bytes[^1] = 0;
        return bytes;
    }

    private static string Escape(string name) => StompHeaderEscaping.Escape(name);
}
