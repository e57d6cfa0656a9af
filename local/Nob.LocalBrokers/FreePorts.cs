using System.Net;
using System.Net.Sockets;

namespace Nob.LocalBrokers;

/// <summary>Free TCP ports on 127.0.0.1, found by binding to port 0.</summary>
public static class FreePorts
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = [];

    /// <summary>
    /// A port that is free right now and that this process has not handed out before (the OS may hand the same ephemeral
    /// port out twice in a row once the probe socket is closed, and the broker binds it only seconds later).
    /// </summary>
    public static int Allocate()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
            throw new InvalidOperationException("could not find a free TCP port on 127.0.0.1 after 100 attempts");
        }
    }

    /// <summary><paramref name="count"/> distinct free ports.</summary>
    public static IReadOnlyList<int> Allocate(int count) => Enumerable.Range(0, count).Select(_ => Allocate()).ToList();

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsAcceptingAsync(int port, CancellationToken cancellationToken = default)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
