using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Nob.Core.Verification;
using Nob.Core.Workflow;
using Nob.Stomp.Tests.Infrastructure;

namespace Nob.Stomp.Tests.Client;

/// <summary>The STOMP adapter of the verification port, against the in-process TLS server: frames it sends, endpoints it picks.</summary>
public sealed class StompMessageProbeTests
{
    private const string Password = "Probe-Password-77";

    private static StompMessageProbe Probe(TimeSpan? connectTimeout = null) => new(new StompProbeOptions
    {
        CertificateValidation = StompTls.TrustOnly(FakeStompServer.Trust),
        ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
    });

    private static ProbeTarget Target(params int[] ports) =>
        new("B1", [.. ports.Select(p => $"stomp+ssl://127.0.0.1:{p}")], "verifier", new Secret(Password));

    [Fact]
    public async Task SubscribeSendReceive_QueueDestinations_PersistentExpiringTextMessages()
    {
        var expires = new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);
        StompFrame? subscribe = null, send = null;
        await using var server = new FakeStompServer(async session =>
        {
            var connect = await session.AcceptConnectAsync();
            Assert.Equal(("verifier", Password), (connect.Header("login"), connect.Header("passcode")));
            subscribe = await session.AcceptAsync(StompCommands.Subscribe);
            send = await session.AcceptAsync(StompCommands.Send);
            await session.WriteAsync(new StompFrame(StompCommands.Message,
                [new("subscription", subscribe.Header("id")!), new("message-id", "m"), new("expires", send.Header("expires")!),
                 new("content-length", send.Header("content-length")!)],
                send.Body));
            await session.AcceptAsync(StompCommands.Unsubscribe);
            await session.AcceptDisconnectAsync();
        });

        await using var connection = await Probe().ConnectAsync(Target(server.Port), CancellationToken.None);
        var subscription = await connection.SubscribeAsync("nob.verify.net.A.B.1", CancellationToken.None);
        await connection.SendAsync("nob.verify.net.A.B.1", new ProbeMessage("hello → B", expires), CancellationToken.None);
        var received = await subscription.ReceiveAsync(CancellationToken.None);
        await subscription.UnsubscribeAsync(CancellationToken.None);
        await connection.CloseAsync(CancellationToken.None);
        await server.AssertScriptsSucceededAsync();

        Assert.Equal("/queue/nob.verify.net.A.B.1", subscribe!.Header("destination"));
        Assert.Equal("/queue/nob.verify.net.A.B.1", send!.Header("destination"));
        Assert.Equal("true", send.Header("persistent"));
        Assert.Equal(expires.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), send.Header("expires"));
        Assert.Equal("text/plain;charset=utf-8", send.Header("content-type"));
        Assert.Equal(new ProbeMessage("hello → B", expires), received);
        Assert.Equal($"stomp+ssl://127.0.0.1:{server.Port}", connection.Endpoint);
    }

    [Fact]
    public async Task IsOpen_UntilTheBrokerEndsTheConnectionWithAnError()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.RefuseAsync(StompCommands.Send, "not authorized");
        });
        await using var connection = await Probe().ConnectAsync(Target(server.Port), CancellationToken.None);
        var openBefore = connection.IsOpen;

        var error = await Assert.ThrowsAsync<MessageProbeException>(() =>
            connection.SendAsync("nob.verify.net.A.B.1", new ProbeMessage("x", null), CancellationToken.None));

        Assert.True(openBefore);
        Assert.Equal(ProbeFailure.Refused, error.Failure);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task ReceiveAsync_BrokerRefusesTheSubscription_ThrowsRefusedNamingTheBrokerAndQueue()
    {
        await using var server = new FakeStompServer(async session =>
        {
            await session.AcceptConnectAsync();
            await session.AcceptAsync(StompCommands.Subscribe);
            await session.WriteAsync("ERROR\nmessage:not authorized to read\n\n\0");
        });
        await using var connection = await Probe().ConnectAsync(Target(server.Port), CancellationToken.None);
        var subscription = await connection.SubscribeAsync("nob.verify.net.A.B.1", CancellationToken.None);

        var error = await Assert.ThrowsAsync<MessageProbeException>(() => subscription.ReceiveAsync(CancellationToken.None));

        Assert.Equal(ProbeFailure.Refused, error.Failure);
        Assert.StartsWith("receiving from /queue/nob.verify.net.A.B.1 on broker B1: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusalOnOneEndpoint_IsTheAnswer_WithoutWaitingForASilentOther()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0); // accepts TCP, never speaks TLS: a standby that drops us
        silent.Start();
        await using var server = new FakeStompServer(async session =>
        {
            await session.ExpectAsync(StompCommands.Connect);
            await session.WriteAsync("ERROR\nmessage:User name [verifier] or password is invalid.\n\n\0");
        });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MessageProbeException>(() =>
            Probe(connectTimeout: TimeSpan.FromSeconds(20)).ConnectAsync(Target(((IPEndPoint)silent.LocalEndpoint).Port, server.Port), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(ProbeFailure.AuthenticationFailed, error.Failure);
        Assert.Equal("B1", error.BrokerName);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoEndpointAnswers_Unreachable_ListingEachEndpoint()
    {
        var ports = Enumerable.Range(0, 2).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }).ToArray();

        var error = await Assert.ThrowsAsync<MessageProbeException>(() => Probe().ConnectAsync(Target(ports), CancellationToken.None));

        Assert.Equal(ProbeFailure.Unreachable, error.Failure);
        Assert.All(ports, p => Assert.Contains($"127.0.0.1:{p}: ConnectionRefused", error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SilentEndpointOnly_UnreachableAfterTheConnectTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();

        var error = await Assert.ThrowsAsync<MessageProbeException>(() =>
            Probe(connectTimeout: TimeSpan.FromMilliseconds(500)).ConnectAsync(Target(((IPEndPoint)silent.LocalEndpoint).Port), CancellationToken.None));

        Assert.Equal(ProbeFailure.Unreachable, error.Failure);
        Assert.Contains("did not complete the TLS handshake within 0.5 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAStompTlsEndpoint_IsRefusedBeforeConnecting()
    {
        var target = new ProbeTarget("B1", ["ssl://127.0.0.1:61617"], "verifier", new Secret(Password));

        var error = await Assert.ThrowsAsync<MessageProbeException>(() => Probe().ConnectAsync(target, CancellationToken.None));

        Assert.Contains("is not a STOMP TLS endpoint", error.Message, StringComparison.Ordinal);
    }
}
