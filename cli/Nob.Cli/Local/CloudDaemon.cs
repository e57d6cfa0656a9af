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

    /// <summary>The drift schedule's rate and state for the endpoint this starts (default: the template's).</summary>
    public DriftScheduleOptions Drift { get; init; } = DriftScheduleOptions.None;

    /// <summary><c>nob cloud</c>: runs the endpoint in the foreground until SIGINT/SIGTERM.</summary>
    public async Task<int> RunForegroundAsync(int port, TextWriter stdout)
    {
        try
        {
            home.Claim();
        }
        catch (ForeignHomeException e)
        {
            await progress.WriteLineAsync($"nob: {e.Message}");
            return NobCommand.Invalid;
        }
        if (await RunningAsync() is { } running)
        {
            await stdout.WriteLineAsync($"nob cloud is already running (pid {running.Pid}) at {running.Endpoint}");
            return NobCommand.Failed;
        }
        var options = WithWorkflow(new LocalCloudOptions { DataDirectory = home.CloudData, Port = port });
        // The drift schedule's overrides travel with the workflow the endpoint hosts.
        if (options.Workflow is { } workflow)
            options = options with { Workflow = workflow with { DriftRate = Drift.Rate ?? workflow.DriftRate, DriftScheduleEnabled = Drift.Enabled ?? workflow.DriftScheduleEnabled } };
        await using var cloud = await LocalCloud.LocalCloud.StartAsync(options);
        var tlsDirectory = Path.GetDirectoryName(cloud.Tls.TrustStorePath)!;
        // Recorded with its start time and command line, so no later nob signals another process that got this pid.
        var self = ProcessIdentity.Of(Environment.ProcessId) ?? throw new InvalidOperationException("cannot read this process's own /proc entry");
        home.WriteCloudState(new CloudState(self.Pid, cloud.Endpoint.AbsoluteUri.TrimEnd('/'), cloud.Region, cloud.Tls.CertificatePath,
            cloud.Tls.TrustStorePath, Path.Combine(tlsDirectory, TlsMaterial.PasswordFileName), cloud.EnvironmentVariables, self.StartTime, self.CommandLine,
            cloud.ApiUrl?.AbsoluteUri.TrimEnd('/')));
        await stdout.WriteLineAsync($"nob cloud: Amazon MQ, EC2, SSM and Step Functions (template.yaml's state machines) at {cloud.Endpoint} (data in {home.CloudData})");
        if (cloud.ApiUrl is { } api) await stdout.WriteLineAsync($"nob cloud: the networks API at {api.AbsoluteUri.TrimEnd('/')} (sign for execute-api)");
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

    /// <summary>
    /// The endpoint hosts the repository's template.yaml: its state machines run in the endpoint process with the
    /// functions' own code (built as Lambda builds them, their composition root reaching this endpoint through the
    /// process environment the endpoint sets once it listens); events put on EventBridge go to NOB_HOME/events.jsonl.
    /// </summary>
    LocalCloudOptions WithWorkflow(LocalCloudOptions options)
    {
        var templatePath = Path.Combine(LocalHome.RepositoryRoot(), "template.yaml");
        var stackName = new LocalWorkflowOptions { TemplatePath = templatePath }.StackName;
        var machines = Nob.StepFunctions.SamTemplate.Load(templatePath, options.Region, options.AccountId, stackName).StateMachines;
        return options with
        {
            Workflow = new LocalWorkflowOptions
            {
                TemplatePath = templatePath,
                StackName = stackName,
                EventsFile = home.EventsFile,
                // What only AWS resolves: the verify function's VPC security group (locally the verifier runs on this host,
                // which reaches the brokers directly, so no STOMP ingress is opened for it), and the API function's state
                // machines, which are the template's here.
                FunctionEnvironment = new Dictionary<string, string?>
                {
                    ["NOB_VERIFIER_SECURITY_GROUP"] = null,
                    ["NOB_VERIFIER_PUBLIC_CIDRS"] = null,
                    ["NOB_BUILD_STATE_MACHINE_ARN"] = machines["BuildNetworkStateMachine"].Arn,
                    ["NOB_TEARDOWN_STATE_MACHINE_ARN"] = machines["TeardownNetworkStateMachine"].Arn,
                    ["NOB_CHECK_DRIFT_STATE_MACHINE_ARN"] = machines["CheckDriftStateMachine"].Arn,
                },
            },
        };
    }

    /// <summary>The running endpoint, if the process cloud.json names is still that process (pid, start time, command line) and its port answers.</summary>
    public async Task<CloudState?> RunningAsync()
    {
        var state = home.ReadCloudState();
        if (state?.Process is not { IsRunning: true }) return null;
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
        if (await RunningAsync() is { } running)
        {
            if (!Drift.IsNone)
                await progress.WriteLineAsync($"The local endpoint already runs (pid {running.Pid}): --drift-rate and --drift-schedule apply when it starts (nob cloud, or nob up after nob down).");
            return running;
        }
        home.Claim();
        // Two nob commands starting at once must not start two endpoints: the first holds the lock until its endpoint answers.
        await using var startLock = await AcquireStartLockAsync(cancellationToken);
        if (await RunningAsync() is { } started) return started;
        var program = Environment.GetCommandLineArgs()[0];
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        // A new session, so the endpoint and its brokers survive this command and the terminal's Ctrl-C.
        foreach (var arg in new[] { "sh", "-c", "exec \"$0\" \"$@\" >>\"$NOB_CLOUD_LOG\" 2>&1 </dev/null", Environment.ProcessPath!, program, "cloud" }.Concat(Drift.Arguments()))
            start.ArgumentList.Add(arg);
        start.Environment["NOB_CLOUD_LOG"] = home.CloudLog;
        start.Environment["NOB_HOME"] = home.Root;
        PrivateFiles.EnsureFile(home.CloudLog); // the shell appends to it; created here so it is 0600 like the rest
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
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFiles.FileMode;
                return new FileStream(home.CloudLock, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Stops the background endpoint (SIGTERM; it stops its brokers), waiting a bounded time, then SIGKILL. Only the process
    /// cloud.json recorded is signalled: a pid that now belongs to another process (the endpoint died and the pid was
    /// reused) is left alone, reported, and the stale cloud.json removed. False when no endpoint was running.
    /// </summary>
    public async Task<bool> StopAsync()
    {
        var state = home.ReadCloudState();
        if (state is null) return false;
        if (state.Process is not { } endpoint)
        {
            await progress.WriteLineAsync($"{home.CloudStateFile} does not record the endpoint's start time and command line (an earlier nob wrote it), so pid {state.Pid} "
                + "cannot be told from another process that has that pid now, and is not signalled; removed the file. If a `nob cloud` of this NOB_HOME still runs, stop it with Ctrl-C or kill.");
            File.Delete(home.CloudStateFile);
            return false;
        }
        if (!endpoint.IsRunning)
        {
            var now = ProcessIdentity.Of(state.Pid);
            await progress.WriteLineAsync(now is null
                ? $"The local endpoint (pid {state.Pid}) is not running any more; removed its stale {home.CloudStateFile}"
                : $"The local endpoint (pid {state.Pid}) is not running any more: pid {state.Pid} is now another process ({Describe(now)}), which was not signalled; removed the stale {home.CloudStateFile}");
            File.Delete(home.CloudStateFile);
            return false;
        }
        await progress.WriteLineAsync($"Stopping the local endpoint (pid {state.Pid}) and its brokers");
        endpoint.TrySignal(ProcessIdentity.SigTerm);
        if (!await endpoint.WaitForExitAsync(StopTimeout))
        {
            // Its brokers' wrappers stop their JVMs once it is gone (their watchdog sees its pipe close).
            endpoint.TrySignal(ProcessIdentity.SigKill);
            await endpoint.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        if (File.Exists(home.CloudStateFile) && home.ReadCloudState()?.Process == endpoint) File.Delete(home.CloudStateFile);
        return true;
    }

    static string Describe(ProcessIdentity process) => process.CommandLine.Length > 80 ? process.CommandLine[..80] + "…" : process.CommandLine;
}
