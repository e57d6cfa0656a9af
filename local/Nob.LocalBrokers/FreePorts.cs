using System.Net;
using System.Net.Sockets;

namespace Nob.LocalBrokers;

/// <summary>
/// Free TCP ports on 127.0.0.1 for brokers to listen on, taken outside the kernel's ephemeral range: a broker keeps its
/// ports across a reboot, and while it restarts an outgoing connection (a peer's connector reconnecting, an HTTP client)
/// would otherwise be free to take one of them as its local port, and the broker would fail to start.
/// </summary>
public static class FreePorts
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = [];
    /// <summary>Lock files held open for the process's lifetime: two processes (two local endpoints) never hand out the same port.</summary>
    private static readonly List<FileStream> Reservations = [];

    /// <summary>
    /// A port that is free right now, outside the ephemeral range, and that no process using this class has handed out
    /// (the broker binds it only seconds later).
    /// </summary>
    public static int Allocate()
    {
        lock (Gate)
        {
            var (low, high) = ListeningRange();
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Random.Shared.Next(low, high);
                if (Handed.Contains(port) || !Reserve(port))
                {
                    continue;
                }
                Handed.Add(port); // reserved by us from now on, bindable or not
                try
                {
                    using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                    // Something else listens there: try another.
                }
            }
            throw new InvalidOperationException($"could not find a free TCP port on 127.0.0.1 in {low}-{high - 1} after 500 attempts");
        }
    }

    /// <summary>Below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by default), above the well-known ports.</summary>
    internal static (int Low, int High) ListeningRange()
    {
        var ephemeralLow = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (text.Length >= 1 && int.TryParse(text[0], out var low)) ephemeralLow = low;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return ephemeralLow > 12000 ? (10000, ephemeralLow) : (61000, 65536);
    }

    private static bool Reserve(int port)
    {
        var folder = Path.Combine(Path.GetTempPath(), "nob-ports");
        try
        {
            Directory.CreateDirectory(folder);
            // FileShare.None is an exclusive advisory lock on Unix: released when this process ends, however it ends.
            Reservations.Add(new FileStream(Path.Combine(folder, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (IOException)
        {
            return false; // another process holds it
        }
        catch (UnauthorizedAccessException)
        {
            return false;
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
