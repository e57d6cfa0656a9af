using System.Text;
using Nob.Stomp.Tests.Infrastructure;

namespace Nob.Stomp.Tests.Codec;

/// <summary>The frame codec on its own: octets in, frames out, and back; every split of the input across reads.</summary>
public sealed class StompFrameCodecTests
{
    private static byte[] Ascii(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<List<StompFrame>> ReadAllAsync(byte[] octets, int chunk = int.MaxValue, StompFrameLimits? limits = null, int bufferSize = 8192)
    {
        var reader = new StompFrameReader(new ChunkedStream(octets, chunk), limits, bufferSize);
        var frames = new List<StompFrame>();
        while (await reader.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }
        return frames;
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a:b", @"a\cb")]
    [InlineData("line1\nline2", @"line1\nline2")]
    [InlineData("cr\rhere", @"cr\rhere")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("all:\r\n\\", @"all\c\r\n\\")]
    [InlineData(@"\n", @"\\n")]
    public void Escape_TheFourSequences_RoundTrip(string value, string escaped)
    {
        Assert.Equal(escaped, StompHeaderEscaping.Escape(value));
        Assert.Equal(value, StompHeaderEscaping.Unescape(escaped));
    }

    [Theory]
    [InlineData(@"tab\t")]
    [InlineData(@"ends\")]
    [InlineData(@"\x41")]
    public void Unescape_UndefinedOrUnfinishedEscape_IsAProtocolError(string value)
    {
        Assert.Throws<StompProtocolException>(() => StompHeaderEscaping.Unescape(value));
    }

    [Fact]
    public void Encode_SendFrame_EscapesHeadersAndEndsWithNul()
    {
        var frame = new StompFrame(StompCommands.Send, [new("destination", "/queue/a"), new("note", "x:y\nz\\")], Ascii("hi"));

        var octets = StompFrameEncoder.Encode(frame);

        Assert.Equal("SEND\ndestination:/queue/a\nnote:x\\cy\\nz\\\\\n\nhi\0", Encoding.UTF8.GetString(octets));
    }

    [Fact]
    public void Encode_ConnectFrame_LeavesHeadersRaw()
    {
        var frame = new StompFrame(StompCommands.Connect, [new("login", @"us\er"), new("passcode", "p:w")]);

        Assert.Equal("CONNECT\nlogin:us\\er\npasscode:p:w\n\n\0", Encoding.UTF8.GetString(StompFrameEncoder.Encode(frame)));
    }

    [Fact]
    public void Encode_ConnectFrameWithLineBreakInPasscode_RefusesWithoutShowingTheValue()
    {
        var frame = new StompFrame(StompCommands.Connect, [new("login", "user"), new("passcode", "sec\nret-value")]);

        var error = Assert.Throws<ArgumentException>(() => StompFrameEncoder.Encode(frame));

        Assert.Contains("passcode", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_NulInBodyWithoutContentLength_Refuses()
    {
        var frame = new StompFrame(StompCommands.Send, [new("destination", "/queue/a")], new byte[] { 1, 0, 2 });

        Assert.Throws<ArgumentException>(() => StompFrameEncoder.Encode(frame));
    }

    [Fact]
    public void Encode_ContentLengthNotMatchingBody_Refuses()
    {
        var frame = new StompFrame(StompCommands.Send, [new("destination", "/queue/a"), new("content-length", "5")], Ascii("abc"));

        Assert.Throws<ArgumentException>(() => StompFrameEncoder.Encode(frame));
    }

    [Fact]
    public void Encode_UnknownCommand_Refuses()
    {
        Assert.Throws<ArgumentException>(() => StompFrameEncoder.Encode(new StompFrame("PUBLISH")));
    }

    [Fact]
    public async Task Read_ContentLengthBodyWithNuls_KeepsEveryOctet()
    {
        byte[] body = [0, 1, 0, 0, (byte)'\n', 0, 255];
        var octets = StompFrameEncoder.Encode(new StompFrame(StompCommands.Message,
            [new("destination", "/queue/a"), new("subscription", "s1"), new("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            body));

        var frame = Assert.Single(await ReadAllAsync(octets));

        Assert.Equal(body, frame.Body.ToArray());
        Assert.Equal("s1", frame.Header("subscription"));
    }

    [Fact]
    public async Task Read_NoContentLength_BodyEndsAtFirstNul()
    {
        var frames = await ReadAllAsync(Ascii("MESSAGE\nsubscription:s\n\nhello\0RECEIPT\nreceipt-id:r1\n\n\0"));

        Assert.Equal(2, frames.Count);
        Assert.Equal("hello", frames[0].BodyText);
        Assert.Equal("r1", frames[1].Header("receipt-id"));
        Assert.Equal(0, frames[1].Body.Length);
    }

    [Fact]
    public async Task Read_EscapedHeaders_AreUnescaped_ButNotInConnected()
    {
        var frames = await ReadAllAsync(Ascii("MESSAGE\nna\\cme:va\\nl\\\\ue\\r\n\n\0CONNECTED\nversion:1.2\nserver:a\\cb\n\n\0"));

        Assert.Equal("va\nl\\ue\r", frames[0].Header("na:me"));
        Assert.Equal("a\\cb", frames[1].Header("server"));
    }

    [Fact]
    public async Task Read_ValueWithColon_SplitsAtTheFirstColon()
    {
        var frame = Assert.Single(await ReadAllAsync(Ascii("CONNECTED\nversion:1.2\nsession:ID:host-1:2\n\n\0")));

        Assert.Equal("ID:host-1:2", frame.Header("session"));
    }

    [Fact]
    public async Task Read_RepeatedHeader_FirstOneCounts()
    {
        var frame = Assert.Single(await ReadAllAsync(Ascii("MESSAGE\nfoo:first\nfoo:second\n\n\0")));

        Assert.Equal("first", frame.Header("foo"));
        Assert.Equal(2, frame.Headers.Count(h => h.Key == "foo"));
    }

    [Fact]
    public async Task Read_CrLfLineEndsAndHeartBeatEolsBetweenFrames_AreAccepted()
    {
        var frames = await ReadAllAsync(Ascii("\n\r\n\nRECEIPT\r\nreceipt-id:r-1\r\n\r\n\0\n\r\n\nERROR\r\nmessage:bad\r\n\r\noops\0\r\n"));

        Assert.Equal(["RECEIPT", "ERROR"], frames.Select(f => f.Command));
        Assert.Equal("r-1", frames[0].Header("receipt-id"));
        Assert.Equal("bad", frames[1].Header("message"));
        Assert.Equal("oops", frames[1].BodyText);
    }

    [Fact]
    public async Task Read_Utf8HeadersAndBody_AreDecoded()
    {
        var octets = StompFrameEncoder.Encode(new StompFrame(StompCommands.Message, [new("note", "Grüße → 日本")], Ascii("é")));

        var frame = Assert.Single(await ReadAllAsync(octets));

        Assert.Equal("Grüße → 日本", frame.Header("note"));
        Assert.Equal("é", frame.BodyText);
    }

    /// <summary>Every way two frames can be cut into reads (1 octet at a time up to all at once), with a tiny buffer too.</summary>
    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 16)]
    [InlineData(3, 8192)]
    [InlineData(7, 16)]
    [InlineData(64, 16)]
    [InlineData(int.MaxValue, 8192)]
    public async Task Read_FramesSplitAcrossReads_AreReassembled(int chunk, int bufferSize)
    {
        byte[] binary = [.. Enumerable.Range(0, 300).Select(i => (byte)(i % 7 == 0 ? 0 : i))];
        var first = new StompFrame(StompCommands.Message,
            [new("subscription", "sub-1"), new("destination", "/queue/a:b"), new("content-length", "300"), new("long", new string('x', 100))], binary);
        var second = new StompFrame(StompCommands.Message, [new("subscription", "sub-2"), new("note", "a\r\nb")], Ascii("text body"));
        byte[] octets = [.. StompFrameEncoder.Encode(first), (byte)'\n', .. StompFrameEncoder.Encode(second)];

        var frames = await ReadAllAsync(octets, chunk, bufferSize: bufferSize);

        Assert.Equal(2, frames.Count);
        Assert.Equal(binary, frames[0].Body.ToArray());
        Assert.Equal("/queue/a:b", frames[0].Header("destination"));
        Assert.Equal(new string('x', 100), frames[0].Header("long"));
        Assert.Equal("a\r\nb", frames[1].Header("note"));
        Assert.Equal("text body", frames[1].BodyText);
    }

    [Fact]
    public async Task Read_CleanEndBetweenFrames_ReturnsNull()
    {
        var reader = new StompFrameReader(new ChunkedStream(Ascii("RECEIPT\nreceipt-id:1\n\n\0\n"), 3));

        Assert.NotNull(await reader.ReadFrameAsync());
        Assert.Null(await reader.ReadFrameAsync());
    }

    [Theory]
    [InlineData("MESSAGE\nsubscription:s\n")]                       // ends in the headers
    [InlineData("MESSAGE\ncontent-length:5\n\nabc")]               // ends in a content-length body
    [InlineData("MESSAGE\ncontent-length:3\n\nabc")]               // ends before the NUL
    [InlineData("MESSAGE\n\nno nul here")]                           // ends in a body without NUL
    public async Task Read_StreamEndsInsideAFrame_IsAProtocolError(string text)
    {
        var error = await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(Ascii(text), 4));

        Assert.Contains("middle of a frame", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HELLO\n\n\0", "unknown command")]
    [InlineData("MESSAGE\nno-colon\n\n\0", "no ':'")]
    [InlineData("MESSAGE\n:value\n\n\0", "empty name")]
    [InlineData("MESSAGE\nbad:tab\\t\n\n\0", "undefined escape")]
    [InlineData("MESSAGE\ncontent-length:3\n\nabcd\0", "not followed by NUL")]
    [InlineData("MESSAGE\ncontent-length:-1\n\n\0", "not a non-negative integer")]
    [InlineData("MESSAGE\ncontent-length: 3\n\nabc\0", "not a non-negative integer")]
    [InlineData("MESSAGE\nbare:c\rr\n\n\0", "CR")]
    [InlineData("\rMESSAGE\n\n\0", "CR")]
    public async Task Read_MalformedFrame_IsAProtocolError(string text, string expected)
    {
        var error = await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(Ascii(text)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_InvalidUtf8Header_IsAProtocolError()
    {
        byte[] octets = [.. Ascii("MESSAGE\nbad:"), 0xC3, 0x28, .. Ascii("\n\n\0")];

        await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(octets));
    }

    [Fact]
    public async Task Read_BeyondLimits_IsAProtocolError()
    {
        var limits = new StompFrameLimits { MaxHeaderBytes = 64, MaxBodyBytes = 10, MaxHeaders = 2 };

        await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(Ascii($"MESSAGE\nh:{new string('x', 100)}\n\n\0"), limits: limits));
        await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(Ascii("MESSAGE\ncontent-length:11\n\n01234567890\0"), limits: limits));
        await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(Ascii("MESSAGE\n\n01234567890\0"), limits: limits));
        await Assert.ThrowsAsync<StompProtocolException>(() => ReadAllAsync(Ascii("MESSAGE\na:1\nb:2\nc:3\n\n\0"), limits: limits));
    }

    [Fact]
    public void ToString_ConnectFrame_MasksThePasscode()
    {
        var frame = new StompFrame(StompCommands.Connect, [new("login", "alice"), new("passcode", "Sup3r-Secret-Value")]);

        var text = frame.ToString();

        Assert.Contains("login:alice", text, StringComparison.Ordinal);
        Assert.Contains("passcode:***", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r-Secret-Value", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stomp+ssl://b-1234-1.mq.us-east-1.amazonaws.com:61614", "b-1234-1.mq.us-east-1.amazonaws.com", 61614)]
    [InlineData("stomp+ssl://127.0.0.1:41000", "127.0.0.1", 41000)]
    [InlineData("stomp+ssl://host.example", "host.example", 61614)]
    public void Endpoint_Parse_AmazonMqForm(string text, string host, int port)
    {
        Assert.Equal(new StompEndpoint(host, port), StompEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("stomp://host:61613")]
    [InlineData("ssl://host:61617")]
    [InlineData("stomp+ssl://host:61614/path")]
    [InlineData("stomp+ssl://user:pw@host:61614")]
    [InlineData("stomp+ssl://host:61614?x=1")]
    [InlineData("host:61614")]
    public void Endpoint_Parse_AnythingElse_Refused(string text)
    {
        Assert.Throws<FormatException>(() => StompEndpoint.Parse(text));
    }
}
