using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Nob.LocalBrokers;
using Nob.LocalCloud;

namespace Nob.Cli.Local;

/// <summary>
/// The local endpoint as a background process (<c>nob cloud</c>): it owns the broker processes, so they outlive the
/// <c>nob up</c> that started them, and <c>nob down</c> stops it (and with it every broker).
/// </summary>
public sealed class CloudDaemon(LocalHome home, TextWriter progress)
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    /// <summary><c>nob cloud</c>: runs the endpoint in the foreground until SIGINT/SIGTERM.</summary>
    public async Task<int> RunForegroundAsync(int port, TextWriter stdout)
    {
        if (await RunningAsync() is { } running)
        {
            await stdout.WriteLineAsync($"nob cloud is already running (pid {running.Pid}) at {running.Endpoint}");
            return NobCommand.Failed;
        }
        Directory.CreateDirectory(home.Root);
        await using var cloud = await LocalCloud.LocalCloud.StartAsync(new LocalCloudOptions { DataDirectory = home.CloudData, Port = port });
        var tlsDirectory = Path.GetDirectoryName(cloud.Tls.TrustStorePath)!;
        home.WriteCloudState(new CloudState(Environment.ProcessId, cloud.Endpoint.AbsoluteUri.TrimEnd('/'), cloud.Region, cloud.Tls.CertificatePath,
            cloud.Tls.TrustStorePath, Path.Combine(tlsDirectory, TlsMaterial.PasswordFileName), cloud.EnvironmentVariables));
        await stdout.WriteLineAsync($"nob cloud: Amazon MQ, EC2 and SSM at {cloud.Endpoint} (data in {home.CloudData})");
        foreach (var (name, value) in cloud.EnvironmentVariables) await stdout.WriteLineAsync($"  export {name}={value}");
        await stdout.FlushAsync();

        var stop = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        await stop.Task;
        await stdout.WriteLineAsync("nob cloud: stopping brokers");
        await cloud.StopAsync();
        if (home.ReadCloudState()?.Pid == Environment.ProcessId) File.Delete(home.CloudStateFile);
        return NobCommand.Ok;
    }

    /// <summary>The running endpoint, if its process is alive and its port answers.</summary>
    public async Task<CloudState?> RunningAsync()
    {
        var state = home.ReadCloudState();
        if (state is null || !IsAlive(state.Pid)) return null;
        var uri = new Uri(state.Endpoint);
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            return state;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Starts <c>nob cloud</c> in the background unless it runs already; waits (bounded) until it answers.</summary>
    public async Task<CloudState> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        if (await RunningAsync() is { } running) return running;
        Directory.CreateDirectory(home.Root);
        // Two nob commands starting at once must not start two endpoints: the first holds the lock until its endpoint answers.
        await using var startLock = await AcquireStartLockAsync(cancellationToken);
        if (await RunningAsync() is { } started) return started;
        var program = Environment.GetCommandLineArgs()[0];
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        // A new session, so the endpoint and its brokers survive this command and the terminal's Ctrl-C.
        foreach (var arg in new[] { "sh", "-c", "exec \"$0\" \"$@\" >>\"$NOB_CLOUD_LOG\" 2>&1 </dev/null", Environment.ProcessPath!, program, "cloud" })
            start.ArgumentList.Add(arg);
        start.Environment["NOB_CLOUD_LOG"] = home.CloudLog;
        start.Environment["NOB_HOME"] = home.Root;
        await progress.WriteLineAsync($"Starting the local endpoint (nob cloud; log: {home.CloudLog})");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nob cloud");

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
            if (await RunningAsync() is { } state) return state;
        }
        var log = File.Exists(home.CloudLog) ? string.Join(Environment.NewLine, File.ReadLines(home.CloudLog).TakeLast(20)) : "(no log)";
        throw new InvalidOperationException($"nob cloud did not answer within {StartTimeout.TotalSeconds:0} s; last lines of {home.CloudLog}:{Environment.NewLine}{log}");
    }

    async Task<FileStream> AcquireStartLockAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout + StartTimeout;
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(home.Root, "cloud.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>Stops the background endpoint (SIGTERM; it stops its brokers), waiting a bounded time.</summary>
    public async Task<bool> StopAsync()
    {
        var state = home.ReadCloudState();
        if (state is null || !IsAlive(state.Pid)) return false;
        using var process = Process.GetProcessById(state.Pid);
        await progress.WriteLineAsync($"Stopping the local endpoint (pid {state.Pid}) and its brokers");
        Kill(state.Pid, 15);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        return true;
    }

    static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);
}
