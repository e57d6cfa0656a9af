using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>What <see cref="FaultServer"/> does with one request.</summary>
public abstract record HttpFault
{
    /// <summary>Answers the status with a small body (a proxy's or load balancer's error page).</summary>
    public sealed record Status(int Code, string Body = "<html>error</html>", string ContentType = "text/html", IReadOnlyDictionary<string, string>? Headers = null) : HttpFault;

    /// <summary>Reads the request, then resets the connection (TCP RST) without answering.</summary>
    public sealed record Reset : HttpFault;

    public static HttpFault Bad(int code) => new Status(code);
}

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 over raw sockets, so it can do what an HTTP framework would not: answer 502, 503
/// and 504 from the first requests, reset connections mid-request, and only then give the real answer. One request per
/// connection (Connection: close), so every retry of the client is a new connection and is counted.
/// </summary>
public sealed class FaultServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<HttpFault> _faults;
    private readonly Func<string, (string ContentType, string Body)> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<string> _requests = new();
    private int _count;

    /// <param name="faults">What the first requests get, in order; every later request gets <paramref name="answer"/>.</param>
    /// <param name="answer">The 200 answer for a request body.</param>
    public FaultServer(IReadOnlyList<HttpFault> faults, Func<string, (string ContentType, string Body)> answer)
    {
        _faults = faults;
        _answer = answer;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>Every request's first line (method and target), in arrival order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (line, body) = await ReadRequestAsync(stream).ConfigureAwait(false);
                if (line is null)
                {
                    return;
                }

                _requests.Enqueue(line);
                var index = Interlocked.Increment(ref _count) - 1;
                var fault = index < _faults.Count ? _faults[index] : null;
                switch (fault)
                {
                    case HttpFault.Reset:
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;
                    case HttpFault.Status s:
                        await WriteAsync(stream, s.Code, s.ContentType, s.Body, s.Headers).ConfigureAwait(false);
                        return;
                    default:
                        var (contentType, answer) = _answer(body);
                        await WriteAsync(stream, 200, contentType, answer, null).ConfigureAwait(false);
                        return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client gave up on this connection.
            }
        }
    }

    private static async Task<(string? Line, string Body)> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer))
        {
            if (await stream.ReadAsync(one).ConfigureAwait(false) == 0)
            {
                return (null, "");
            }

            buffer.Add(one[0]);
        }

        var head = Encoding.ASCII.GetString([.. buffer]);
        var lines = head.Split("\r\n");
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(body.AsMemory(read)).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return (lines[0], Encoding.UTF8.GetString(body, 0, read));
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    private static async Task WriteAsync(NetworkStream stream, int status, string contentType, string body, IReadOnlyDictionary<string, string>? headers)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {((HttpStatusCode)status)}\r\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {bytes.Length}\r\n")
            .Append("x-amzn-RequestId: req-fault\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString())).ConfigureAwait(false);
        await stream.WriteAsync(bytes).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
