using System.Globalization;
using System.Text;

namespace Nob.Stomp;

/// <summary>How large a frame the reader accepts before it calls the peer broken.</summary>
public sealed record StompFrameLimits
{
    /// <summary>Command line plus header lines, in octets.</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;

    public int MaxHeaders { get; init; } = 1000;

    public int MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    public static StompFrameLimits Default { get; } = new();
}

/// <summary>
/// Reads STOMP 1.2 frames from a stream, however the octets are split across reads: skips EOLs between frames
/// (heart-beats), accepts LF or CR LF line ends, unescapes headers (except in CONNECT, STOMP and CONNECTED frames), reads a
/// body by its <c>content-length</c> (NUL octets included) or up to the first NUL. Anything else is a
/// <see cref="StompProtocolException"/>. Not thread-safe: one reader per connection.
/// </summary>
public sealed class StompFrameReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly StompFrameLimits _limits;
    private readonly byte[] _buffer;
    private readonly MemoryStream _scratch = new();
    private int _start;
    private int _end;
    private int _headerBytes;

    public StompFrameReader(Stream stream, StompFrameLimits? limits = null, int bufferSize = 8192)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 16);
        _stream = stream;
        _limits = limits ?? StompFrameLimits.Default;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The next frame, or null when the stream ends cleanly between frames.</summary>
    public async ValueTask<StompFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        if (!await SkipEndOfLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        _headerBytes = 0;
        var command = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (!StompCommands.IsKnown(command))
        {
            throw new StompProtocolException($"received the unknown command \"{Printable(command)}\"");
        }
        var raw = StompCommands.HasRawHeaders(command);
        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length == 0)
            {
                break;
            }
            if (headers.Count >= _limits.MaxHeaders)
            {
                throw new StompProtocolException($"a {command} frame has more than {_limits.MaxHeaders} headers");
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new StompProtocolException($"a header line of a {command} frame has no ':'");
            }
            if (colon == 0)
            {
                throw new StompProtocolException($"a header of a {command} frame has an empty name");
            }
            var name = line[..colon];
            var value = line[(colon + 1)..];
            headers.Add(raw
                ? new(name, value)
                : new(StompHeaderEscaping.Unescape(name), StompHeaderEscaping.Unescape(value)));
        }

        var body = await ReadBodyAsync(command, FirstHeader(headers, StompHeaders.ContentLength), cancellationToken).ConfigureAwait(false);
        return new StompFrame(command, headers, body);
    }

    private static string? FirstHeader(List<KeyValuePair<string, string>> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.Ordinal)).Value;

    /// <summary>Skips LF and CR LF between frames; false on a clean end of stream.</summary>
    private async ValueTask<bool> SkipEndOfLinesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
            var octet = _buffer[_start];
            if (octet == (byte)'\n')
            {
                _start++;
            }
            else if (octet == (byte)'\r')
            {
                if (_start + 1 == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw Truncated("between frames");
                }
                if (_buffer[_start + 1] != (byte)'\n')
                {
                    throw new StompProtocolException("a CR between frames is not followed by LF");
                }
                _start += 2;
            }
            else
            {
                return true;
            }
        }
    }

    /// <summary>One line without its LF or CR LF, decoded as UTF-8.</summary>
    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        _scratch.SetLength(0);
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var lineFeed = available.IndexOf((byte)'\n');
            var take = lineFeed >= 0 ? lineFeed : available.Length;
            _headerBytes += take + (lineFeed >= 0 ? 1 : 0);
            if (_headerBytes > _limits.MaxHeaderBytes)
            {
                throw new StompProtocolException($"a frame's command and headers exceed {_limits.MaxHeaderBytes} octets");
            }
            _scratch.Write(available[..take]);
            if (lineFeed >= 0)
            {
                _start += lineFeed + 1;
                break;
            }
            _start = _end;
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw Truncated("in its command or headers");
            }
        }
        var octets = _scratch.GetBuffer().AsSpan(0, (int)_scratch.Length);
        if (octets.Length > 0 && octets[^1] == (byte)'\r')
        {
            octets = octets[..^1];
        }
        if (octets.Contains((byte)'\r'))
        {
            throw new StompProtocolException("a command or header line holds a CR that does not end it (STOMP 1.2 escapes it as \\r)");
        }
        try
        {
            return StrictUtf8.GetString(octets);
        }
        catch (DecoderFallbackException e)
        {
            throw new StompProtocolException("a command or header line is not valid UTF-8", e);
        }
    }

    private async ValueTask<byte[]> ReadBodyAsync(string command, string? contentLength, CancellationToken cancellationToken)
    {
        if (contentLength is not null)
        {
            if (!int.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new StompProtocolException($"the content-length \"{Printable(contentLength)}\" of a {command} frame is not a non-negative integer");
            }
            if (length > _limits.MaxBodyBytes)
            {
                throw new StompProtocolException($"a {command} frame announces a {length}-octet body; the limit is {_limits.MaxBodyBytes}");
            }
            var body = new byte[length];
            var filled = 0;
            while (filled < length)
            {
                if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw Truncated($"after {filled} of its {length} body octets");
                }
                var take = Math.Min(length - filled, _end - _start);
                _buffer.AsSpan(_start, take).CopyTo(body.AsSpan(filled));
                _start += take;
                filled += take;
            }
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw Truncated("before the NUL that ends it");
            }
            if (_buffer[_start] != 0)
            {
                throw new StompProtocolException($"the {length}-octet body of a {command} frame (content-length) is not followed by NUL");
            }
            _start++;
            return body;
        }

        _scratch.SetLength(0);
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var nul = available.IndexOf((byte)0);
            var take = nul >= 0 ? nul : available.Length;
            if (_scratch.Length + take > _limits.MaxBodyBytes)
            {
                throw new StompProtocolException($"the body of a {command} frame exceeds {_limits.MaxBodyBytes} octets");
            }
            _scratch.Write(available[..take]);
            if (nul >= 0)
            {
                _start += nul + 1;
                return _scratch.ToArray();
            }
            _start = _end;
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw Truncated("in its body (no NUL)");
            }
        }
    }

    /// <summary>Reads more octets after those not consumed yet; false at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    private static StompProtocolException Truncated(string where) => new($"the connection ended in the middle of a frame ({where})");

    private static string Printable(string text)
    {
        var shown = text.Length > 40 ? text[..40] + "…" : text;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }
}
