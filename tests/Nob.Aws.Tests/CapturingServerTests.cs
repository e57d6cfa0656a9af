using System.Net;
using System.Net.Sockets;
using Nob.Aws.Tests.Infrastructure;

namespace Nob.Aws.Tests;

/// <summary>The test server itself: tests run in parallel, so disposing one must not touch its port again.</summary>
public sealed class CapturingServerTests
{
    /// <summary>
    /// Why <see cref="CapturingServer.Dispose"/> calls only Close: the managed HttpListener's Stop()
    /// releases the port and a Close() after it binds the port again, so it throws once a parallel test
    /// has taken the port in between (seen once in CI).
    /// </summary>
    [Fact]
    public void HttpListener_StopThenCloseWhilePortTaken_ThrowsAddressInUse()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        listener.Stop();
        var other = new TcpListener(IPAddress.Loopback, port);
        try
        {
            other.Start();
        }
        catch (SocketException)
        {
            // A parallel test took the port first: the same situation for Close.
        }
        try
        {
            Assert.Throws<HttpListenerException>(listener.Close);
        }
        finally
        {
            other.Stop();
        }
    }

    [Fact]
    public async Task Dispose_AfterServingRequests_StopsAnswering()
    {
        var server = new CapturingServer(CannedResponse.Json("{}"));
        using var http = new HttpClient();
        var first = await http.GetAsync(new Uri(server.Url + "x"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        server.Dispose();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri(server.Url + "y")));
        Assert.Single(server.Requests);
    }
}
