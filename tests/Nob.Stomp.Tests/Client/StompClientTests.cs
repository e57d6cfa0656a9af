using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nob.Stomp.Tests.Infrastructure;

namespace Nob.Stomp.Tests.Client;

/// <summary>The client against an in-process TLS server that plays the broker's part frame by frame.</summary>
public sealed class StompClientTests
{
    private const string Passcode = "Secret-Passcode-123";

    [Fact]
    public async Task Connect_SendsAStomp12ConnectFrame_AndReadsConnected()
    {
        StompFrame? connect = null;
        await using var server = new FakeStompServer(async session =>
        {
            connect = await session.AcceptConnectAsync();
            await session.AcceptDisconnectAsync();
        });

        var client = await StompClient.ConnectAsync(server.Options(passcode: Passcode));
        Assert.Equal("FakeStomp/1.0", client.ServerName);
        Assert.Equal("sess-1", client.SessionId);
        Assert.True(client.IsConnected);
        await client.DisconnectAsync();
        await server.AssertScriptsSucceededAsync();

        Assert.NotNull(connect);
        Assert.Equal("1.2", connect.Header("accept-version"));
        Assert.Equal("127.0.0.1", connect.Header("host"));
        Assert.Equal("alice", connect.Header("login"));
        Assert.Equal(Passcode, connect.Header("passcode"));
        Assert.Equal("0,0", connect.Header("heart-beat"));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Connect_ErrorFrame_ThrowsTypedErrorWithServerMessage_NamingTheUserButNeverThePasscode()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.ExpectAsync(StompCommands.Connect);
            // A careless server that echoes the passcode back: the client must mask it.
            await session.WriteAsync($"ERROR\nmessage:User name [alice] or password is invalid.\ncontent-type:text/plain\n\nlogin failed with {Passcode}\0");
        });

        var error = await Assert.ThrowsAsync<StompErrorException>(() => StompClient.ConnectAsync(server.Options(passcode: Passcode)));

        Assert.True(error.DuringConnect);
        Assert.Equal("User name [alice] or password is invalid.", error.ServerMessage);
        Assert.Contains("\"alice\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("password is invalid", error.Message, StringComparison.Ordinal);
        Assert.Equal("login failed with ***", error.Details);
        Assert.DoesNotContain(Passcode, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerWithoutVersion12_IsAProtocolError()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.ExpectAsync(StompCommands.Connect);
            await session.WriteAsync("CONNECTED\nsession:old\n\n\0");
        });

        var error = await Assert.ThrowsAsync<StompProtocolException>(() => StompClient.ConnectAsync(server.Options()));

        Assert.Contains("1.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerSilentAfterTls_TimesOutNamingTheStage()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.ExpectAsync(StompCommands.Connect);
            await session.ClientClosedAsync();
        });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StompTimeoutException>(() =>
            StompClient.ConnectAsync(Configure(server.Options(), connectTimeout: TimeSpan.FromMilliseconds(700))));

        Assert.Contains("STOMP CONNECT", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Connect_SelfSignedCertificateWithSystemValidation_FailsTheTlsHandshake()
    {
        await using var server = new FakeStompServer(_ => Task.CompletedTask);
        var options = server.Options();

        var error = await Assert.ThrowsAsync<StompConnectionException>(() => StompClient.ConnectAsync(options.WithSystemCertificateValidation()));

        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NobodyListening_ConnectionRefused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<StompConnectionException>(() =>
            StompClient.ConnectAsync(new StompClientOptions { Host = "127.0.0.1", Port = port, Login = "alice", Passcode = Passcode }));

        Assert.Contains("ConnectionRefused", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_Cancelled_ThrowsOperationCanceled()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.ExpectAsync(StompCommands.Connect);
            await session.ClientClosedAsync();
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StompClient.ConnectAsync(server.Options(), cancel.Token));
    }

    [Fact]
    public async Task Send_CarriesContentLengthAndEscapedHeaders_AndReturnsOnlyAfterTheReceipt()
    {
        var receiptAllowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sendSeen = new TaskCompletionSource<StompFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            var send = await session.ExpectAsync(StompCommands.Send);
            sendSeen.SetResult(send);
            await receiptAllowed.Task;
            await session.ReceiptAsync(send);
            await session.AcceptDisconnectAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());
        byte[] body = [104, 0, 105, 0, 0];

        var sending = client.SendAsync("/queue/a.b", body, [new("note", "a:b\nc\\d")]);
        var send = await sendSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        Assert.False(sending.IsCompleted, "SEND returns only once the RECEIPT is in");
        receiptAllowed.SetResult();
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        await client.DisconnectAsync();
        await server.AssertScriptsSucceededAsync();

        Assert.Equal("/queue/a.b", send.Header("destination"));
        Assert.Equal("5", send.Header("content-length"));
        Assert.Equal(body, send.Body.ToArray());
        Assert.Equal("a:b\nc\\d", send.Header("note"));
        Assert.NotNull(send.Header("receipt"));
    }

    [Fact]
    public async Task SendText_AddsTextContentType()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            var send = await session.ExpectAsync(StompCommands.Send);
            Assert.Equal("text/plain;charset=utf-8", send.Header("content-type"));
            Assert.Equal("héllo", send.BodyText);
            Assert.Equal(Encoding.UTF8.GetByteCount("héllo").ToString(System.Globalization.CultureInfo.InvariantCulture), send.Header("content-length"));
            await session.ReceiptAsync(send);
            await session.AcceptDisconnectAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());

        await client.SendTextAsync("/queue/t", "héllo");
        await client.DisconnectAsync();

        await server.AssertScriptsSucceededAsync();
    }

    [Fact]
    public async Task Send_ReservedHeaderFromCaller_Refused()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.AcceptDisconnectAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("/queue/t", new byte[] { 1 }, [new("receipt", "mine")]));
        await client.DisconnectAsync();
        await server.AssertScriptsSucceededAsync();
    }

    [Fact]
    public async Task Subscribe_MessagesCutIntoTinyTcpWrites_ArriveWhole_ThenUnsubscribe()
    {
        byte[] binary = [0, 1, 2, 0, 10, 0];
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            var subscribe = await session.ExpectAsync(StompCommands.Subscribe);
            Assert.Equal("auto", subscribe.Header("ack"));
            Assert.Equal("/queue/in", subscribe.Header("destination"));
            var id = subscribe.Header("id")!;
            await session.ReceiptAsync(subscribe);
            var frames = new List<byte>();
            frames.AddRange(StompFrameEncoder.Encode(new StompFrame(StompCommands.Message,
                [new("subscription", id), new("message-id", "m1"), new("destination", "/queue/in"), new("content-length", "6")], binary)));
            frames.AddRange("\n\r\n"u8.ToArray()); // heart-beat EOLs between frames
            frames.AddRange(StompFrameEncoder.Encode(new StompFrame(StompCommands.Message,
                [new("subscription", id), new("message-id", "m2"), new("destination", "/queue/in"), new("odd:name", "line\nbreak")], "second"u8.ToArray())));
            frames.AddRange(StompFrameEncoder.Encode(new StompFrame(StompCommands.Message,
                [new("subscription", "someone-else"), new("message-id", "mx")], "stray"u8.ToArray())));
            frames.AddRange(StompFrameEncoder.Encode(new StompFrame(StompCommands.Message,
                [new("subscription", id), new("message-id", "m3")], "third"u8.ToArray())));
            await session.WriteAsync([.. frames], chunk: 3);
            var unsubscribe = await session.ExpectAsync(StompCommands.Unsubscribe);
            Assert.Equal(id, unsubscribe.Header("id"));
            await session.ReceiptAsync(unsubscribe);
            await session.AcceptDisconnectAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());

        var subscription = await client.SubscribeAsync("/queue/in");
        var first = await subscription.ReceiveAsync(TimeSpan.FromSeconds(10));
        var second = await subscription.ReceiveAsync(TimeSpan.FromSeconds(10));
        var third = await subscription.ReceiveAsync(TimeSpan.FromSeconds(10));
        await subscription.UnsubscribeAsync();
        await client.DisconnectAsync();
        await server.AssertScriptsSucceededAsync();

        Assert.Equal("m1", first.MessageId);
        Assert.Equal(binary, first.Body.ToArray());
        Assert.Equal(("m2", "second", "line\nbreak"), (second.MessageId, second.BodyText, second.Header("odd:name")));
        Assert.Equal(("m3", "third"), (third.MessageId, third.BodyText));
    }

    [Fact]
    public async Task Receive_TimeoutOrCancellation_LeavesTheSubscriptionWorking()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            var subscribe = await session.AcceptAsync(StompCommands.Subscribe);
            await release.Task;
            await session.WriteAsync($"MESSAGE\nsubscription:{subscribe.Header("id")}\nmessage-id:late\n\nlate\0");
            await session.AcceptDisconnectAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());
        var subscription = await client.SubscribeAsync("/queue/slow");

        var timedOut = await Assert.ThrowsAsync<StompTimeoutException>(() => subscription.ReceiveAsync(TimeSpan.FromMilliseconds(200)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscription.ReceiveAsync(cancel.Token));
        release.SetResult();
        var late = await subscription.ReceiveAsync(TimeSpan.FromSeconds(10));
        await client.DisconnectAsync();
        await server.AssertScriptsSucceededAsync();

        Assert.Contains("/queue/slow", timedOut.Message, StringComparison.Ordinal);
        Assert.Equal("late", late.BodyText);
    }

    [Fact]
    public async Task Send_CallerCancelsWhileTheFrameIsBeingWritten_AbandonsTheWaitButTheConnectionStaysUsable()
    {
        // A body larger than the loopback socket buffers: the write blocks while the server does not read.
        var big = new byte[12 * 1024 * 1024];
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StompFrame? first = null, second = null;
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await release.Task;
            first = await session.AcceptAsync(StompCommands.Send);
            second = await session.AcceptAsync(StompCommands.Send);
            await session.AcceptDisconnectAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());

        // Long enough that the write has surely started (encoding 12 MiB on a loaded machine took over 300 ms, and a
        // cancellation before the write sends nothing, which is another case), short of the 5 s bound checked below.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync("/queue/big", big, cancellationToken: cancel.Token));
        var abandonedAfter = watch.Elapsed;
        Assert.True(client.IsConnected, "a caller's cancellation must not end a connection others may share");
        release.SetResult();
        await client.SendTextAsync("/queue/small", "after");
        await client.DisconnectAsync();
        await server.AssertScriptsSucceededAsync();

        Assert.True(abandonedAfter < TimeSpan.FromSeconds(5), $"the caller waited {abandonedAfter} for a write it cancelled");
        Assert.Equal(big.Length, first!.Body.Length);
        Assert.Equal("after", second!.BodyText);
    }

    [Fact]
    public async Task Dispose_WhileAWriteIsStuck_ClosesTheConnectionAndFailsTheWrite()
    {
        var big = new byte[12 * 1024 * 1024];
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await done.Task; // never reads the SEND
        });
        var client = await StompClient.ConnectAsync(Configure(server.Options(), receiptTimeout: TimeSpan.FromMilliseconds(300)));
        var send = client.SendAsync("/queue/big", big);
        await Task.Delay(200);
        Assert.False(send.IsCompleted, "the write should be stuck behind full socket buffers");

        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<StompConnectionException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        done.SetResult();
    }

    [Fact]
    public async Task Receipt_NeverSent_TimesOutNamingTheOperation()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.ExpectAsync(StompCommands.Send);
            await session.ClientClosedAsync();
        });
        await using var client = await StompClient.ConnectAsync(Configure(server.Options(), receiptTimeout: TimeSpan.FromMilliseconds(300)));

        var error = await Assert.ThrowsAsync<StompTimeoutException>(() => client.SendTextAsync("/queue/void", "x"));

        Assert.Contains("no RECEIPT for SEND to /queue/void", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorFrameAfterConnect_FailsThePendingOperation_AndEverythingAfter()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.AcceptAsync(StompCommands.Subscribe);
            await session.RefuseAsync(StompCommands.Send, "User alice is not authorized to write to: queue://forbidden");
        });
        await using var client = await StompClient.ConnectAsync(server.Options());
        var subscription = await client.SubscribeAsync("/queue/watch");

        var error = await Assert.ThrowsAsync<StompErrorException>(() => client.SendTextAsync("/queue/forbidden", "x"));
        var receiveError = await Assert.ThrowsAsync<StompErrorException>(() => subscription.ReceiveAsync(TimeSpan.FromSeconds(10)));
        var later = await Assert.ThrowsAsync<StompErrorException>(() => client.SendTextAsync("/queue/other", "y"));

        Assert.False(error.DuringConnect);
        Assert.Equal("User alice is not authorized to write to: queue://forbidden", error.ServerMessage);
        Assert.NotNull(error.ReceiptId);
        Assert.Same(error, receiveError);
        Assert.Same(error, later);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ServerClosesConnection_MessagesAlreadyInAreStillRead_ThenTheLossIsReported()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            var subscribe = await session.AcceptAsync(StompCommands.Subscribe);
            await session.WriteAsync($"MESSAGE\nsubscription:{subscribe.Header("id")}\nmessage-id:1\n\nlast words\0");
        });
        await using var client = await StompClient.ConnectAsync(server.Options());
        var subscription = await client.SubscribeAsync("/queue/doomed");

        var last = await subscription.ReceiveAsync(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<StompConnectionException>(() => subscription.ReceiveAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("last words", last.BodyText);
        Assert.Contains("closed the connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedFrameFromServer_FailsTheConnectionWithAProtocolError()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            var send = await session.ExpectAsync(StompCommands.Send);
            await session.WriteAsync("RECEIPT\nreceipt-id:x\\tbad\n\n\0");
            await session.ClientClosedAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());

        await Assert.ThrowsAsync<StompProtocolException>(() => client.SendTextAsync("/queue/q", "x"));
    }

    [Theory]
    [InlineData("RECEIPT\n\n\0", "sent a RECEIPT frame without a receipt-id header")]
    [InlineData("MESSAGE\nmessage-id:1\n\nbody\0", "sent a MESSAGE frame without a subscription header")]
    public async Task FrameWithoutItsRequiredHeader_FailsTheConnectionWithAProtocolError(string frame, string expected)
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.ExpectAsync(StompCommands.Send);
            await session.WriteAsync(frame);
            await session.ClientClosedAsync();
        });
        await using var client = await StompClient.ConnectAsync(server.Options());

        var error = await Assert.ThrowsAsync<StompProtocolException>(() => client.SendTextAsync("/queue/q", "x"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeWithoutDisconnect_StillSaysDisconnect()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.AcceptDisconnectAsync();
        });

        var client = await StompClient.ConnectAsync(server.Options());
        await client.DisposeAsync();
        await client.DisposeAsync(); // twice is fine

        await server.AssertScriptsSucceededAsync();
        await Assert.ThrowsAsync<StompConnectionException>(() => client.SendTextAsync("/queue/after", "x"));
    }

    [Fact]
    public void ToString_NeverShowsThePasscode()
    {
        var options = new StompClientOptions { Host = "b-1.mq.example", Login = "alice", Passcode = Passcode };

        Assert.Equal("stomp+ssl://b-1.mq.example:61614 as \"alice\"", options.ToString());
        Assert.DoesNotContain(Passcode, options.ToString(), StringComparison.Ordinal);
    }

    private static StompClientOptions Configure(StompClientOptions options, TimeSpan? connectTimeout = null, TimeSpan? receiptTimeout = null) => new()
    {
        Host = options.Host,
        Port = options.Port,
        Login = options.Login,
        Passcode = options.Passcode,
        CertificateValidation = options.CertificateValidation,
        ConnectTimeout = connectTimeout ?? options.ConnectTimeout,
        ReceiptTimeout = receiptTimeout ?? options.ReceiptTimeout,
    };
}
