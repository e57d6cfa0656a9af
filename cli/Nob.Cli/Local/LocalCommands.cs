using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Nob.Cli.Local.Workflow;

namespace Nob.Cli.Local;

/// <summary>
/// Local mode: the same state machine definitions and the same function code as on AWS, run by the local endpoint
/// (real ActiveMQ brokers). <c>nob up</c>, <c>drift</c> and <c>down</c> are clients of its Step Functions API, as an AWS
/// CLI user is: StartExecution, progress from GetExecutionHistory, the result from DescribeExecution; all through
/// <see cref="LocalEndpointClient"/>, configured from the endpoint's state, not from this process's environment.
/// </summary>
public sealed class LocalCommands(LocalHome home, TextWriter stdout, TextWriter stderr)
{
    public const string BuildNetworkLogicalId = "BuildNetworkStateMachine";
    public const string CheckDriftLogicalId = "CheckDriftStateMachine";
    public const string TeardownNetworkLogicalId = "TeardownNetworkStateMachine";

    /// <summary>Exit code of <c>nob drift</c> when the network drifted and was not repaired.</summary>
    public const int Drifted = 3;

    public async Task<int> UpAsync(string specPath, bool json, CancellationToken cancellationToken)
    {
        if (await SpecFile.ReadAsync(specPath, stderr, "nothing was created", cancellationToken) is not { Json: var specJson, Spec: var spec }) return NobCommand.Invalid;
        if (await RefusedHomeAsync() is { } refused) return refused;
        var progress = json ? stderr : stdout;
        var clock = Stopwatch.StartNew();
        var cloud = await new CloudDaemon(home, progress).EnsureRunningAsync(cancellationToken);
        using var endpoint = new LocalEndpointClient(cloud, TimeProvider.System);
        await progress.WriteLineAsync($"Console: {EndpointAccess.ConsoleUrl(cloud)} (watch the execution there)");
        await EnsurePasswordAsync(endpoint, spec.User.PasswordParameter, progress, cancellationToken);

        await progress.WriteLineAsync($"Building network \"{spec.NetworkName}\" ({spec.Topology.Type}, {spec.Brokers.Count} brokers) with statemachine/build-network.asl.json");

        // Ctrl-C stops the execution on the endpoint (it would run on there otherwise), and says so.
        using var interrupted = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupted.Cancel(); });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interrupted.Token);
        // The spec as it is: the endpoint runs build-network with local mode's polling.
        var run = await RunAsync(endpoint, BuildNetworkLogicalId, ExecutionName(spec.NetworkName, null, DateTimeOffset.UtcNow), specJson, new ProgressReporter(progress, clock), progress, linked.Token,
            async arn =>
            {
                await endpoint.Workflow.StopAsync(arn, "nob up was interrupted (Ctrl-C)");
                await stderr.WriteLineAsync($"Interrupted: stopped the execution {arn} (StopExecution); what it built so far stays, and ./nob up {specPath} continues from there.");
            });
        if (run is not { } result) return NobCommand.Failed;

        if (!result.IsSucceeded)
        {
            await stderr.WriteLineAsync();
            await stderr.WriteLineAsync($"The build of \"{spec.NetworkName}\" failed after {clock.Elapsed.TotalSeconds:0.0} s.");
            await stderr.WriteLineAsync(result.Explain());
            return NobCommand.Failed;
        }

        var summary = JsonNode.Parse(result.Output!)!.AsObject();
        summary["local"] = new JsonObject
        {
            ["endpoint"] = cloud.Endpoint,
            ["trustStore"] = cloud.TrustStore,
            ["trustStorePasswordFile"] = cloud.TrustStorePasswordFile,
            ["certificatePem"] = cloud.CertificatePem,
            ["executionArn"] = result.ExecutionArn,
            ["stateTransitions"] = result.StateTransitions,
            ["elapsedSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        if (json) await stdout.WriteLineAsync(summary.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        else await stdout.WriteAsync(SummaryText.Write(summary));
        return NobCommand.Ok;
    }

    /// <summary>
    /// <c>nob down SPEC</c>: removes one network with statemachine/teardown-network.asl.json: revokes the ingress rules
    /// nob opened, deletes the brokers nob created for it, takes its connectors off adopted brokers (a new revision, then
    /// a reboot) and deletes its stored record. When no broker is left, the local endpoint is stopped and nob's state
    /// removed, as by <c>nob down</c>.
    /// </summary>
    public async Task<int> DownAsync(string specPath, CancellationToken cancellationToken)
    {
        if (await SpecFile.ReadAsync(specPath, stderr, null, cancellationToken) is not { Json: var specJson, Spec: var spec }) return NobCommand.Invalid;
        if (await RefusedHomeAsync() is { } refused) return refused;
        if (await new CloudDaemon(home, stdout).RunningAsync() is not { } cloud)
        {
            await stdout.WriteLineAsync("The local endpoint is not running; nothing to remove.");
            return NobCommand.Ok;
        }
        using (var endpoint = new LocalEndpointClient(cloud, TimeProvider.System))
        {
            // The spec travels along so a network whose build failed before storing its record can still be removed.
            if (!await TeardownAsync(endpoint, spec.NetworkName, specJson, showProgress: true, cancellationToken)) return NobCommand.Failed;
            if (await endpoint.AnyBrokerLeftAsync(cancellationToken))
            {
                await stdout.WriteLineAsync($"The local endpoint keeps running for the other brokers (./nob status).");
                return NobCommand.Ok;
            }
        }
        return await DownAsync();
    }

    /// <summary>
    /// <c>nob down</c>: tears down every stored network with the teardown state machine (as on AWS), then stops the
    /// local endpoint and its brokers and removes what nob made in NOB_HOME (the folder too when nob created it and
    /// nothing else is in it); anything else there stays and is listed. A folder that is not a nob home is refused (exit
    /// 2) before anything is stopped or deleted. A teardown that fails is reported; the endpoint stops anyway.
    /// </summary>
    public async Task<int> DownAsync()
    {
        var kind = home.Kind();
        if (kind is HomeKind.Foreign or HomeKind.OtherFormat)
        {
            await stderr.WriteLineAsync($"nob: {home.Refusal(kind, "delete from").Message}");
            return NobCommand.Invalid;
        }
        if (kind is HomeKind.Missing or HomeKind.Empty)
        {
            await stdout.WriteLineAsync($"Nothing was running; nob has no state in {home.Root}");
            return NobCommand.Ok;
        }
        var failed = 0;
        if (await new CloudDaemon(home, stdout).RunningAsync() is { } cloud)
        {
            using var endpoint = new LocalEndpointClient(cloud, TimeProvider.System);
            var networks = await endpoint.ListNetworkNamesAsync(CancellationToken.None);
            // A few at once (each is a Map over its brokers already); progress is one line per network, not per state.
            using var gate = new SemaphoreSlim(4);
            var results = await Task.WhenAll(networks.Select(async network =>
            {
                await gate.WaitAsync();
                try
                {
                    return await TeardownAsync(endpoint, network, null, showProgress: false, CancellationToken.None);
                }
                finally
                {
                    gate.Release();
                }
            }));
            failed = results.Count(ok => !ok);
        }
        var stopped = await new CloudDaemon(home, stdout).StopAsync();
        var left = home.RemoveOwnEntries();
        var removed = Directory.Exists(home.Root) ? $"removed nob's state from {home.Root}" : $"removed {home.Root}";
        await stdout.WriteLineAsync(stopped ? $"Stopped the local endpoint and its brokers; {removed}" : $"Nothing was running; {removed}");
        if (left.Count > 0)
            await stdout.WriteLineAsync($"Left {left.Count} entr{(left.Count == 1 ? "y" : "ies")} in {home.Root} that nob did not make: {string.Join(", ", left)}");
        return failed == 0 ? NobCommand.Ok : NobCommand.Failed;
    }

    /// <summary>
    /// The input of teardown-network for one network: its name and, when given, its spec (so a network whose build failed
    /// before storing its record can still be removed). The endpoint gives a teardown local mode's polling whatever the
    /// stored spec says.
    /// </summary>
    public static string TeardownInput(string networkName, string? specJson) =>
        new JsonObject { ["networkName"] = networkName, ["spec"] = specJson is null ? null : JsonNode.Parse(specJson) }.ToJsonString();

    /// <summary>One network's teardown.</summary>
    async Task<bool> TeardownAsync(LocalEndpointClient endpoint, string networkName, string? specJson, bool showProgress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var lines = new StringBuilder();
        if (showProgress) await stdout.WriteLineAsync($"Tearing down network \"{networkName}\" with statemachine/teardown-network.asl.json");
        var result = (await RunAsync(endpoint, TeardownNetworkLogicalId, ExecutionName(networkName, "down", DateTimeOffset.UtcNow),
            TeardownInput(networkName, specJson), showProgress ? new ProgressReporter(stdout, clock) : null, showProgress ? stdout : null, cancellationToken, null))!;
        if (!result.IsSucceeded)
        {
            lines.AppendLine($"The teardown of \"{networkName}\" failed after {clock.Elapsed.TotalSeconds:0.0} s.");
            lines.AppendLine(result.Explain());
            await stderr.WriteAsync(lines.ToString());
            return false;
        }
        var output = JsonNode.Parse(result.Output!)!;
        var revoked = output["revokedIngress"]!.AsArray().Count;
        if (revoked == 0 && (bool?)output["recordDeleted"] != true && output["brokers"]!.AsArray().All(b => (string?)b!["outcome"] == "absent"))
        {
            await stdout.WriteLineAsync($"Nothing of network \"{networkName}\" was found (no record, no broker, no ingress rule of it): nothing to remove.");
            return true;
        }
        lines.AppendLine($"Network \"{networkName}\" torn down in {clock.Elapsed.TotalSeconds:0.0} s ({result.StateTransitions} state transitions): "
            + $"{revoked} ingress rule(s) revoked, stored record {((bool?)output["recordDeleted"] == true ? "deleted" : "was not there")}");
        foreach (var broker in output["brokers"]!.AsArray())
            lines.AppendLine($"  {(string?)broker!["brokerName"]}: {(string?)broker["outcome"]}");
        await stdout.WriteAsync(lines.ToString()); // one write, so networks torn down at once do not interleave
        return true;
    }

    /// <summary>
    /// <c>nob drift SPEC [--repair] [--no-verify]</c>: runs statemachine/check-drift.asl.json for the spec's network
    /// against its stored record (written by the last successful <c>nob up</c>). Exit 0 in sync (or repaired),
    /// 3 drifted and not repaired, 1 the check or the repair failed, 2 bad spec.
    /// </summary>
    public async Task<int> DriftAsync(string specPath, bool repair, bool verify, bool json, CancellationToken cancellationToken)
    {
        if (await SpecFile.ReadAsync(specPath, stderr, null, cancellationToken) is not { Spec: var spec }) return NobCommand.Invalid;
        if (await RefusedHomeAsync() is { } refused) return refused;
        if (await new CloudDaemon(home, stderr).RunningAsync() is not { } cloud)
        {
            await stderr.WriteLineAsync($"The local endpoint is not running, so there is no network \"{spec.NetworkName}\" to check; build it first: ./nob up {specPath}");
            return NobCommand.Failed;
        }
        using var endpoint = new LocalEndpointClient(cloud, TimeProvider.System);
        var progress = json ? stderr : stdout;
        var clock = Stopwatch.StartNew();
        await progress.WriteLineAsync($"Checking network \"{spec.NetworkName}\" for drift{(verify ? " (with bridge verification)" : "")}{(repair ? ", repairing what drifted" : "")} with statemachine/check-drift.asl.json");
        var input = new JsonObject { ["networkName"] = spec.NetworkName, ["verify"] = verify, ["repair"] = repair };
        var result = (await RunAsync(endpoint, CheckDriftLogicalId, ExecutionName(spec.NetworkName, "drift", DateTimeOffset.UtcNow),
            input.ToJsonString(), new ProgressReporter(progress, clock), progress, cancellationToken, null))!;
        if (!result.IsSucceeded)
        {
            await stderr.WriteLineAsync($"The drift check of \"{spec.NetworkName}\" failed after {clock.Elapsed.TotalSeconds:0.0} s.");
            await stderr.WriteLineAsync(result.Explain());
            return NobCommand.Failed;
        }
        var report = JsonNode.Parse(result.Output!)!["networks"]!.AsArray().Single()!.AsObject();
        report["local"] = new JsonObject
        {
            ["eventsFile"] = EventsFile,
            ["executionArn"] = result.ExecutionArn,
            ["stateTransitions"] = result.StateTransitions,
            ["elapsedSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        if (json) await stdout.WriteLineAsync(report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        else await stdout.WriteAsync(DriftText.Write(report));
        return DriftText.ExitCode(report);
    }

    /// <summary>Where local mode records the EventBridge events the state machines put (one JSON object per line).</summary>
    string EventsFile => home.EventsFile;

    /// <summary>
    /// Claims NOB_HOME before a command writes into it (creates and marks a new or empty one); for a folder that is not a
    /// nob home, prints why and returns exit 2, having changed nothing.
    /// </summary>
    async Task<int?> RefusedHomeAsync()
    {
        try
        {
            home.Claim();
            return null;
        }
        catch (ForeignHomeException e)
        {
            await stderr.WriteLineAsync($"nob: {e.Message}");
            return NobCommand.Invalid;
        }
    }

    /// <summary>
    /// Starts the template's state machine on the endpoint and follows it to its end, showing progress through
    /// <paramref name="reporter"/> (and the execution's ARN on <paramref name="announce"/>, for the AWS CLI). On cancellation, <paramref name="onInterrupted"/> (when given) runs with the
    /// execution's ARN and the result is null; without it, cancellation propagates.
    /// </summary>
    static async Task<ExecutionOutcome?> RunAsync(LocalEndpointClient endpoint, string logicalId, string name, string input, ProgressReporter? reporter, TextWriter? announce,
        CancellationToken cancellationToken, Func<string, Task>? onInterrupted)
    {
        var stateMachineArn = await endpoint.StateMachineArnAsync(logicalId, cancellationToken);
        var executionArn = await endpoint.Workflow.StartAsync(stateMachineArn, name, input, cancellationToken);
        if (announce is not null) await announce.WriteLineAsync($"  Execution {executionArn}");
        try
        {
            return await endpoint.Workflow.FollowAsync(stateMachineArn, executionArn, reporter is null ? null : reporter.OnEvent, cancellationToken);
        }
        catch (OperationCanceledException) when (onInterrupted is not null)
        {
            await onInterrupted(executionArn);
            return null;
        }
        catch (HttpRequestException e)
        {
            // The endpoint went away (stopped, or killed) while the execution ran: the run failed; the endpoint, when it
            // starts again, ends the execution FAILED with the cause.
            throw new InvalidOperationException(
                $"the local endpoint stopped answering ({e.Message}) while {executionArn} ran, so it did not finish here. Run the command again: it starts the endpoint and goes on from what exists.", e);
        }
    }

    /// <summary>
    /// A unique execution name: two runs started in the same second by different processes never share one, and the
    /// name says which process started it (a lock's holder names it in NetworkBusyException).
    /// </summary>
    public static string ExecutionName(string networkName, string? kind, DateTimeOffset now) =>
        $"{networkName}{(kind is null ? "" : "-" + kind)}-{now:yyyyMMddHHmmss}-{Environment.ProcessId}";

    public async Task<int> StatusAsync(bool json, CancellationToken cancellationToken)
    {
        if (await new CloudDaemon(home, stdout).RunningAsync() is not { } cloud)
        {
            await stdout.WriteLineAsync(json ? new System.Text.Json.Nodes.JsonObject { ["running"] = false }.ToJsonString() : "The local endpoint is not running (./nob up SPEC starts it).");
            return NobCommand.Ok;
        }
        if (json)
        {
            await stdout.WriteLineAsync(EndpointAccess.Json(cloud).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return NobCommand.Ok;
        }
        using var endpoint = new LocalEndpointClient(cloud, TimeProvider.System);
        await stdout.WriteLineAsync($"Local endpoint: {cloud.Endpoint} (pid {cloud.Pid}); truststore {cloud.TrustStore}");
        await stdout.WriteLineAsync("It accepts requests SigV4-signed with its own key; for the AWS CLI, an SDK or curl --aws-sigv4:");
        await stdout.WriteLineAsync($"  {EndpointAccess.ExportLine(cloud)}");
        await stdout.WriteLineAsync($"Console: {EndpointAccess.ConsoleUrl(cloud)} (networks, executions, start; the token is a secret)");
        if (cloud.ApiUrl is { } api)
            await stdout.WriteLineAsync($"Networks API: {api}/networks (curl --aws-sigv4 \"aws:amz:{cloud.Region}:execute-api\" --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" …)");
        foreach (var line in await ScheduleStatusText.ReadAsync(endpoint, cancellationToken)) await stdout.WriteLineAsync(line);
        var brokers = await endpoint.ListBrokersAsync(cancellationToken);
        if (brokers.Count == 0) await stdout.WriteLineAsync("No brokers.");
        foreach (var b in brokers.OrderBy(b => b.BrokerName, StringComparer.Ordinal))
            await stdout.WriteLineAsync($"  {b.BrokerName,-24} {b.BrokerState,-22} {b.DeploymentMode,-24} {b.BrokerId}");
        var networks = await endpoint.ListNetworkNamesAsync(cancellationToken);
        await stdout.WriteLineAsync(networks.Count == 0 ? "No stored networks." : "Stored networks (./nob drift SPEC checks one against its record):");
        foreach (var name in networks)
        {
            if (await endpoint.GetNetworkAsync(name, cancellationToken) is not { } record) continue;
            await stdout.WriteLineAsync($"  {name,-24} {record.Brokers.Count} broker(s), {record.Connectors.Count} connector(s), stored {record.StoredAt:u} by {record.ExecutionName}");
        }
        return NobCommand.Ok;
    }

    /// <summary>The common user's password in the local SSM: NOB_PASSWORD, the one stored before, or a new one shown once.</summary>
    static async Task EnsurePasswordAsync(LocalEndpointClient endpoint, string parameter, TextWriter progress, CancellationToken cancellationToken)
    {
        var given = Environment.GetEnvironmentVariable("NOB_PASSWORD");
        var stored = await endpoint.GetPasswordAsync(parameter, cancellationToken);
        if (given is { Length: > 0 } && given != stored)
        {
            if (stored is not null)
                await progress.WriteLineAsync($"NOB_PASSWORD differs from {parameter}; this build updates the common user on every broker of the network and reboots them.");
            await endpoint.PutPasswordAsync(parameter, given, overwrite: true, cancellationToken);
            await progress.WriteLineAsync($"Stored NOB_PASSWORD as the SecureString parameter {parameter}");
        }
        else if (stored is null)
        {
            var generated = GeneratePassword();
            await endpoint.PutPasswordAsync(parameter, generated, overwrite: false, cancellationToken);
            await progress.WriteLineAsync($"Generated the common user's password and stored it as the SecureString parameter {parameter}.");
            await progress.WriteLineAsync($"  It is shown this once: {generated}");
        }
    }

    static string GeneratePassword()
    {
        // Amazon MQ: at least 12 characters, no commas, colons or equal signs.
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = new StringBuilder();
        for (var i = 0; i < 24; i++) chars.Append(alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
        return chars.ToString();
    }
}
