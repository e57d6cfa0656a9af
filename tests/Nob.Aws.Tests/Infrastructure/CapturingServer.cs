using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>A request as the server received it: raw (still percent-encoded) path, query, headers, body.</summary>
public sealed record CapturedRequest(string Method, string RawPath, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>What the server answers.</summary>
public sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static CannedResponse Json(string body, int status = 200) => new(status, body);

    /// <summary>An Amazon MQ style error: <c>{"errorAttribute": …, "message": …}</c> and <c>x-amzn-ErrorType</c>.</summary>
    public static CannedResponse Error(int status, string? errorType, string message, string? errorAttribute = null)
    {
        var body = errorAttribute is null
            ? $$"""{"message":{{System.Text.Json.JsonSerializer.Serialize(message, Nob.Aws.Tests.Infrastructure.TestJson.Default.String)}}}"""
            : $$"""{"errorAttribute":{{System.Text.Json.JsonSerializer.Serialize(errorAttribute, TestJson.Default.String)}},"message":{{System.Text.Json.JsonSerializer.Serialize(message, TestJson.Default.String)}}}""";
        var headers = new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-" + status };
        if (errorType is not null)
        {
            headers["x-amzn-ErrorType"] = errorType + ":http://internal.amazon.com/coral/com.amazonaws.mq/";
        }

        return new CannedResponse(status, body, headers);
    }

    /// <summary>An awsJson 1.0 error as Step Functions sends it: the code in the body's <c>__type</c>, namespace-qualified.</summary>
    public static CannedResponse AwsJsonError(int status, string code, string message)
        => new(status,
            $$"""{"__type":"com.amazonaws.swf.service.v2.model#{{code}}","message":{{System.Text.Json.JsonSerializer.Serialize(message, TestJson.Default.String)}}}""",
            new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-" + status });
}

/// <summary>
/// A local HTTP server on 127.0.0.1 (random free port) that records every request and answers with
/// <see cref="CannedResponse"/>s from a handler. Only loopback traffic; stops on dispose.
/// </summary>
public sealed class CapturingServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<CapturedRequest, int, CannedResponse> _handler;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly Task _loop;
    private int _count;

    public CapturingServer(Func<CapturedRequest, int, CannedResponse> handler)
    {
        _handler = handler;
        (_listener, Url) = Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Always answers <paramref name="response"/>.</summary>
    public CapturingServer(CannedResponse response)
        : this((_, _) => response)
    {
    }

    /// <summary>Answers the responses in order (the last one repeats).</summary>
    public static CapturingServer Sequence(params CannedResponse[] responses)
        => new((_, i) => responses[Math.Min(i, responses.Length - 1)]);

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public string Url { get; }

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToArray();

    public CapturedRequest Single() => Assert.Single(Requests);

    private static (HttpListener, string) Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var url = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return (listener, url);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // The port was taken between the probe and Start: try another one.
                try
                {
                    listener.Close();
                }
                catch (HttpListenerException)
                {
                }
            }
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                var request = Capture(context.Request);
                _requests.Enqueue(request);
                var response = _handler(request, Interlocked.Increment(ref _count) - 1);
                var bytes = Encoding.UTF8.GetBytes(response.Body);
                context.Response.StatusCode = response.Status;
                context.Response.ContentType = "application/json";
                foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
                {
                    context.Response.Headers[name] = value;
                }

                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                // Client went away.
            }
        }
    }

    private static CapturedRequest Capture(HttpListenerRequest request)
    {
        var raw = request.RawUrl ?? "/";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? raw : raw[..q];
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (q >= 0)
        {
            foreach (var pair in raw[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                query[key] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? string.Empty;
            }
        }

        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return new CapturedRequest(request.HttpMethod, path, query, headers, reader.ReadToEnd());
    }

    public void Dispose()
    {
        // Close only: the managed HttpListener's Stop() releases the port and a later Close() looks the
        // endpoint up again, binding the port anew, which fails with "Address already in use" once a
        // parallel test has taken it (seen in CI).
        try
        {
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }

        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
