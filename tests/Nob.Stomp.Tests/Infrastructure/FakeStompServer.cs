using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Nob.Stomp.Tests.Infrastructure;

/// <summary>
/// An in-process STOMP server on 127.0.0.1 over TLS (a self-signed certificate made in memory), driven by a script per
/// connection. Scripts read the client's frames with the production reader and write answers as raw octets, optionally
/// cut into small TCP writes. A script that throws fails the test through <see cref="AssertScriptsSucceededAsync"/>.
/// </summary>
internal sealed class FakeStompServer : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> LazyCertificate = new(CreateCertificate);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<FakeStompSession, Task> _script;
    private readonly List<Task> _sessions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public FakeStompServer(Func<FakeStompSession, Task> script)
    {
        _script = script;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>The server's certificate, without its private key: what a client should trust.</summary>
    public static X509Certificate2Collection Trust { get; } = [X509CertificateLoader.LoadCertificate(LazyCertificate.Value.RawData)];

    public int Connections { get; private set; }

    public StompClientOptions Options(string login = "alice", string passcode = "Secret-Passcode-123") => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        Login = login,
        Passcode = passcode,
        CertificateValidation = StompTls.TrustOnly(Trust),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReceiptTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Waits for every connection's script and rethrows the first failure.</summary>
    public async Task AssertScriptsSucceededAsync()
    {
        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }
        await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // Stopped.
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Connections++;
            var session = RunSessionAsync(tcp);
            lock (_sessions)
            {
                _sessions.Add(session);
            }
        }
    }

    private async Task RunSessionAsync(TcpClient tcp)
    {
        using (tcp)
        {
            tcp.NoDelay = true;
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = LazyCertificate.Value }, _stop.Token);
            await _script(new FakeStompSession(tls, _stop.Token));
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=nob fake stomp server", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>One client connection as a script sees it.</summary>
internal sealed class FakeStompSession(Stream stream, CancellationToken stop)
{
    private readonly StompFrameReader _reader = new(stream);

    public List<StompFrame> Received { get; } = [];

    /// <summary>The client's next frame; fails if it is not <paramref name="command"/>.</summary>
    public async Task<StompFrame> ExpectAsync(string command)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        var frame = await _reader.ReadFrameAsync(limit.Token) ?? throw new InvalidOperationException($"the client closed the connection; expected {command}");
        Received.Add(frame);
        Assert.Equal(command, frame.Command);
        return frame;
    }

    /// <summary>Whether the client closed the connection (the next read ends cleanly).</summary>
    public async Task<bool> ClientClosedAsync()
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            return await _reader.ReadFrameAsync(limit.Token) is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Writes <paramref name="text"/> as octets, in writes of <paramref name="chunk"/> octets with a pause between them.</summary>
    public Task WriteAsync(string text, int chunk = int.MaxValue) => WriteAsync(Encoding.UTF8.GetBytes(text), chunk);

    public async Task WriteAsync(byte[] octets, int chunk = int.MaxValue)
    {
        for (var at = 0; at < octets.Length; at += chunk)
        {
            await stream.WriteAsync(octets.AsMemory(at, Math.Min(chunk, octets.Length - at)), stop);
            await stream.FlushAsync(stop);
            if (chunk < octets.Length)
            {
                await Task.Delay(2, stop);
            }
        }
    }

    public Task WriteAsync(StompFrame frame, int chunk = int.MaxValue) => WriteAsync(StompFrameEncoder.Encode(frame), chunk);

    /// <summary>Expects CONNECT and answers CONNECTED (STOMP 1.2).</summary>
    public async Task<StompFrame> AcceptConnectAsync()
    {
        var connect = await ExpectAsync(StompCommands.Connect);
        await WriteAsync("CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:FakeStomp/1.0\nsession:sess-1\n\n\0");
        return connect;
    }

    /// <summary>Answers a frame's receipt header with a RECEIPT.</summary>
    public Task ReceiptAsync(StompFrame request) =>
        WriteAsync(new StompFrame(StompCommands.Receipt, [new(StompHeaders.ReceiptId, request.Header(StompHeaders.Receipt)!)]));

    /// <summary>Expects <paramref name="command"/> and answers its receipt.</summary>
    public async Task<StompFrame> AcceptAsync(string command)
    {
        var frame = await ExpectAsync(command);
        await ReceiptAsync(frame);
        return frame;
    }

    /// <summary>Expects <paramref name="command"/> and refuses it as ActiveMQ does: an ERROR frame naming its receipt.</summary>
    public async Task<StompFrame> RefuseAsync(string command, string message)
    {
        var frame = await ExpectAsync(command);
        await WriteAsync($"ERROR\nreceipt-id:{frame.Header(StompHeaders.Receipt)}\nmessage:{message}\n\n\0");
        return frame;
    }

    /// <summary>Expects DISCONNECT, answers its receipt, and waits for the client to close.</summary>
    public async Task AcceptDisconnectAsync()
    {
        await AcceptAsync(StompCommands.Disconnect);
        Assert.True(await ClientClosedAsync(), "the client should close the connection after the DISCONNECT receipt");
    }
}
