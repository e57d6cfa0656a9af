using Nob.Core.Workflow;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Nob.Cli.Local;
using Nob.Core.Specs;
using Nob.StepFunctions;

namespace Nob.Cli.Bench;

/// <summary>
/// <c>nob bench</c>: builds networks locally with the real <c>nob up</c> (a child process per build, in a NOB_HOME
/// of its own under a temporary folder, torn down at the end) and reports, per network, the build's wall time, the floor
/// measured in the same run (slowest broker start + slowest reboot, from the endpoint's state-change times), their ratio,
/// state transitions and their Standard cost, API calls counted at the endpoint, peak working set of the workflow process,
/// and a converged re-run; then the linear fit of transitions over brokers, the AWS-side estimate from the same model, and
/// each handler's cold start in a fresh process (<see cref="ColdStartPlan"/>: with the payloads of the first size's build,
/// converged re-run, an in-sync <c>nob drift</c>, and its <c>nob down</c>, whose handlers run against the network built again).
/// </summary>
public sealed class BenchCommand(TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          bench       build networks locally and measure them: wall time, the floor (slowest broker
                      start + slowest reboot, measured in the same run), their ratio, state transitions and
                      their cost, Amazon MQ calls, peak memory, a converged re-run, handler cold starts
                      (on the first size: the build's, re-run's, an in-sync drift check's and the teardown's
                      handlers; for the teardown's, the network is built once more).
                      Runs in its own NOB_HOME under a temporary folder and removes it; takes minutes.
          --sizes     comma-separated, of tutorial,hub5,mesh10,mesh21,mesh41 (default: all but
                      mesh41, the largest mesh a spec allows: 41 brokers, minutes and ~10 GB)
          --harness   DLL: also measure cold starts with another build of nob.dll (e.g. ReadyToRun); repeatable
          --cold-start-runs  N: fresh processes per handler and harness, interleaved; medians (default 5)
          --no-cold-start  skip the cold-start measurement
          --json      print the results as one JSON object
          --save      also write that JSON object to bench/results/ (named by the time of the run)
          --report    [FILE|DIR]: print the tables of recorded results (runs nothing): a file, or a
                      folder's newest file (default: bench/results/)
        """;

    /// <summary>
    /// The AWS model: brokers as fast as the spec's default expected times (15 min to create, 5 to reboot), polled as a
    /// spec without <c>polling</c> is; <see cref="AwsOffSchedule"/> shows brokers slower and faster than expected.
    /// </summary>
    static readonly TimeSpan AwsCreate = TimeSpan.FromMinutes(15), AwsReboot = TimeSpan.FromMinutes(5), AwsSteps = TimeSpan.FromSeconds(10);
    static readonly PollingSpec AwsPolling = new(SpecReader.DefaultPollingIntervalSeconds, SpecReader.DefaultPollingTimeoutMinutes);
    static readonly (string Label, TimeSpan Create, TimeSpan Reboot)[] AwsOffSchedule =
        [("tutorial, brokers late (20 + 8 min)", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(8)),
         ("tutorial, brokers early (12 + 4 min)", TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(4))];

    /// <summary>The largest network a spec allows, its brokers late: the case Step Functions' quotas are checked against (QuotaTests).</summary>
    static readonly (string Label, int Brokers, TimeSpan Create, TimeSpan Reboot) AwsLargest =
        ("mesh41 (largest), brokers late (25 + 10 min)", Nob.Core.Specs.SpecReader.MaxBrokersPerNetwork, TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(10));

    /// <summary>MaxConcurrency of the EnsureBrokers and WriteRevisions Maps, as statemachine/build-network.asl.json and PlanNetwork say.</summary>
    static (int Create, int Reboot) MapConcurrency(string repository)
    {
        var states = JsonNode.Parse(File.ReadAllText(Path.Combine(repository, "statemachine", "build-network.asl.json")))!["States"]!;
        // The reboot stage takes PlanNetwork's choice; a bench network is new, so all its brokers at once.
        return ((int?)states["EnsureBrokers"]?["MaxConcurrency"] ?? 0, Nob.Core.Workflow.RebootConcurrency.NewNetwork);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length >= 3 && args[0] == ColdStartHarness.InvokeOption)
            return await ColdStartHarness.InvokeAsync(args[1], args[2], args.Skip(3).Contains("--warm"), stdout);

        if (args is ["--report", ..] && args.Length <= 2)
        {
            var named = args.Length == 2 ? args[1] : BenchResultsFolder.Default(LocalHome.RepositoryRoot());
            if (BenchResultsFolder.Resolve(named) is not { } saved) return await UsageAsync(stderr, $"--report {named}: no such file, or a folder without results");
            await stdout.WriteAsync(BenchReport.Text(JsonNode.Parse(await File.ReadAllTextAsync(saved))!.AsObject()));
            return NobCommand.Ok;
        }

        var sizes = BenchNetworks.Sizes.ToList();
        var json = false;
        var save = false;
        var coldStart = true;
        var coldStartRuns = 5;
        var harnesses = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--save": save = true; break;
                case "--no-cold-start": coldStart = false; break;
                case "--cold-start-runs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var runs) && runs is >= 1 and <= 50:
                    coldStartRuns = runs;
                    i++;
                    break;
                case "--sizes" when i + 1 < args.Length:
                    sizes = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    var unknown = sizes.Where(s => !BenchNetworks.AllSizes.Contains(s)).ToList();
                    if (unknown.Count > 0 || sizes.Count == 0)
                        return await UsageAsync(stderr, $"--sizes takes {string.Join(",", BenchNetworks.AllSizes)}; got \"{args[i]}\"");
                    break;
                case "--harness" when i + 1 < args.Length:
                    var dll = Path.GetFullPath(args[++i]);
                    if (!File.Exists(dll)) return await UsageAsync(stderr, $"--harness {dll}: no such file");
                    harnesses.Add(dll);
                    break;
                default: return await UsageAsync(stderr, $"unexpected argument \"{args[i]}\"");
            }
        }
        return await new BenchCommand(stdout, stderr).RunAsync(sizes, json, save, coldStart ? coldStartRuns : 0, harnesses);
    }

    static async Task<int> UsageAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"nob: {message}");
        await stderr.WriteLineAsync("usage: nob bench [--sizes tutorial,hub5,mesh10,mesh21,mesh41] [--harness DLL]... [--cold-start-runs N] [--no-cold-start] [--json] [--save] | nob bench --report [FILE|DIR]");
        await stderr.WriteLineAsync(Usage);
        return NobCommand.Invalid;
    }

    readonly string program = Environment.GetCommandLineArgs()[0];

    async Task<int> RunAsync(IReadOnlyList<string> sizes, bool json, bool save, int coldStartRuns, IReadOnlyList<string> harnesses)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var repository = LocalHome.RepositoryRoot();
        var machine = MachineInfo.Current();
        var temp = Directory.CreateTempSubdirectory("nob-bench-").FullName;
        var home = new LocalHome(Path.Combine(temp, "home"));
        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        var results = new List<SizeResult>();
        var coldStarts = new List<ColdStart>();
        var measured = new List<ColdStartCase>();
        var teardownMeasured = false;
        var coldStartLoads = new List<(string When, string LoadAverage)>(); // the machine is shared: the load while measuring
        var functions = SamTemplate.Load(Path.Combine(repository, "template.yaml")).Functions.Keys.ToList();
        await stderr.WriteLineAsync($"nob bench: {string.Join(", ", sizes)} in {temp} ({machine.Processors} CPUs, {machine.MemoryBytes / (1L << 30)} GiB, {machine.CpuModel}; load {machine.LoadAverage})");
        try
        {
            foreach (var size in sizes)
            {
                var network = BenchNetworks.For(size, repository);
                var specPath = Path.Combine(temp, $"{size}.json");
                await File.WriteAllTextAsync(specPath, network.SpecJson, cancel.Token);
                var cloud = await new CloudDaemon(home, TextWriter.Null).EnsureRunningAsync(cancel.Token);
                using var endpoint = new LocalEndpointClient(cloud, TimeProvider.System);
                using var http = endpoint.AdminHttp(TimeSpan.FromSeconds(30));

                await stderr.WriteLineAsync($"[{size}] building {network.Brokers.Count} brokers ({network.Topology})");
                var build = await UpAsync(endpoint, http, cloud, home, temp, specPath, $"{size}-build", cancel.Token);
                await stderr.WriteLineAsync($"[{size}] built in {build.ExecutionSeconds:0.0} s (floor {build.Floor.TotalSeconds:0.0} s), {build.StateTransitions} transitions; converged re-run");
                var rerun = await UpAsync(endpoint, http, cloud, home, temp, specPath, $"{size}-rerun", cancel.Token);
                await stderr.WriteLineAsync($"[{size}] re-run in {rerun.ProcessSeconds:0.0} s, {rerun.StateTransitions} transitions");
                results.Add(new SizeResult(network, build, rerun));

                // Cold starts once, on the first size: the build's, the re-run's and an in-sync drift check's handlers on the
                // network as built; then the teardown's, with the payloads of the nob down below, against the network built again.
                var measureColdStarts = coldStartRuns > 0 && coldStarts.Count == 0;
                if (measureColdStarts)
                {
                    await stderr.WriteLineAsync($"[{size}] drift check (in sync) for the check-drift handlers' payloads");
                    var drift = await DriftPayloadsAsync(endpoint, cloud, specPath, home, temp, $"{size}-drift", cancel.Token);
                    if (drift is null) await stderr.WriteLineAsync($"[{size}] the drift check did not report in sync; its handlers are not measured (see {Path.Combine(temp, $"{size}-drift.log")})");
                    var cases = ColdStartPlan.BeforeTeardown(functions, build.Payloads, rerun.Payloads, drift);
                    await stderr.WriteLineAsync($"[{size}] cold start of each handler in a fresh process ({coldStartRuns} runs each)");
                    coldStartLoads.Add(("build, re-run and drift handlers: start", MachineInfo.Current().LoadAverage));
                    coldStarts.AddRange(await ColdStartsAsync(http, cloud, cases, [Path.GetFullPath(program), .. harnesses], coldStartRuns, temp, cancel.Token));
                    coldStartLoads.Add(("build, re-run and drift handlers: end", MachineInfo.Current().LoadAverage));
                    measured.AddRange(cases);
                }

                await stderr.WriteLineAsync($"[{size}] removing the network");
                var teardown = measureColdStarts
                    ? await TeardownPayloadsAsync(endpoint, cloud, network, home, temp, $"{size}-down", cancel.Token)
                    : null;
                if (!measureColdStarts) await DownAsync(["down", specPath], home, temp, $"{size}-down", cancel.Token);

                if (measureColdStarts)
                {
                    await stderr.WriteLineAsync($"[{size}] building it again for the teardown's handlers");
                    var again = await new CloudDaemon(home, TextWriter.Null).EnsureRunningAsync(cancel.Token);
                    using var againEndpoint = new LocalEndpointClient(again, TimeProvider.System);
                    using var againHttp = againEndpoint.AdminHttp(TimeSpan.FromSeconds(30));
                    var rebuild = await UpAsync(againEndpoint, againHttp, again, home, temp, specPath, $"{size}-rebuild", cancel.Token);
                    var cases = ColdStartPlan.AfterTeardown(functions, teardown!, rebuild.Payloads);
                    coldStartLoads.Add(("teardown handlers: start", MachineInfo.Current().LoadAverage));
                    coldStarts.AddRange(await ColdStartsAsync(againHttp, again, cases, [Path.GetFullPath(program), .. harnesses], coldStartRuns, temp, cancel.Token));
                    coldStartLoads.Add(("teardown handlers: end", MachineInfo.Current().LoadAverage));
                    measured.AddRange(cases);
                    teardownMeasured = true;
                    await stderr.WriteLineAsync($"[{size}] removing the network again");
                    await DownAsync(["down", specPath], home, temp, $"{size}-down-again", cancel.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException or HttpRequestException)
        {
            await stderr.WriteLineAsync($"nob bench: {(e is OperationCanceledException ? "interrupted" : e.Message)}");
            if (results.Count == 0)
            {
                await TearDownAsync(home, temp, keepLogs: true);
                return NobCommand.Failed;
            }
        }
        finally
        {
            if (results.Count > 0) await TearDownAsync(home, temp, keepLogs: false);
        }

        var (createConcurrency, rebootConcurrency) = MapConcurrency(repository);
        var aws = new List<(string, int, int, AwsEstimate)> { ("tutorial", 2, 1, BenchMath.EstimateAws(2, 1, AwsCreate, AwsReboot, AwsPolling, AwsSteps, createConcurrency, rebootConcurrency)) };
        aws.AddRange(AwsOffSchedule.Select(o => (o.Label, 2, 1, BenchMath.EstimateAws(2, 1, o.Create, o.Reboot, AwsPolling, AwsSteps, createConcurrency, rebootConcurrency))));
        foreach (var r in results.Where(r => r.Network.Size != "tutorial"))
        {
            var rebooted = r.Build.Phases.Count(p => p.Kind == BrokerPhase.Reboot);
            aws.Add((r.Network.Size, r.Network.Brokers.Count, rebooted,
                BenchMath.EstimateAws(r.Network.Brokers.Count, rebooted, AwsCreate, AwsReboot, AwsPolling, AwsSteps, createConcurrency, rebootConcurrency)));
            // Re-wiring a live network (any broker adopted): PlanNetwork reboots a few at a time.
            if (r.Network.Size == "mesh21")
                aws.Add(("mesh21, a live network re-wired (reboots 10 at a time)", r.Network.Brokers.Count, rebooted,
                    BenchMath.EstimateAws(r.Network.Brokers.Count, rebooted, AwsCreate, AwsReboot, AwsPolling, AwsSteps, createConcurrency, Nob.Core.Workflow.RebootConcurrency.LiveNetwork)));
        }
        // The largest network a spec allows, on schedule, whether or not this run built it locally.
        if (results.All(r => r.Network.Brokers.Count != AwsLargest.Brokers))
            aws.Add(("mesh41 (largest)", AwsLargest.Brokers, AwsLargest.Brokers,
                BenchMath.EstimateAws(AwsLargest.Brokers, AwsLargest.Brokers, AwsCreate, AwsReboot, AwsPolling, AwsSteps, createConcurrency, rebootConcurrency)));
        aws.Add((AwsLargest.Label, AwsLargest.Brokers, AwsLargest.Brokers,
            BenchMath.EstimateAws(AwsLargest.Brokers, AwsLargest.Brokers, AwsLargest.Create, AwsLargest.Reboot, AwsPolling, AwsSteps, createConcurrency, rebootConcurrency)));
        var notMeasured = coldStartRuns > 0 ? ColdStartPlan.NotMeasured(functions, measured, teardownMeasured) : [];
        var report = BenchReport.Build(machine, MachineInfo.Current().LoadAverage, results, coldStarts, aws, notMeasured, coldStartLoads);
        report["recordedAt"] = startedAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        if (save) await stderr.WriteLineAsync($"nob bench: results saved in {await BenchResultsFolder.SaveAsync(report, BenchResultsFolder.Default(repository), startedAt, CancellationToken.None)}");
        if (json) await stdout.WriteLineAsync(report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        else await stdout.WriteAsync(BenchReport.Text(report));
        return results.Count == sizes.Count ? NobCommand.Ok : NobCommand.Failed;
    }

    /// <summary>Stops the endpoint (and every broker) if it still runs, and removes the temporary folder.</summary>
    async Task TearDownAsync(LocalHome home, string temp, bool keepLogs)
    {
        if (await new CloudDaemon(home, TextWriter.Null).RunningAsync() is not null)
            await new CloudDaemon(home, stderr).StopAsync();
        if (keepLogs)
        {
            if (Directory.Exists(home.Root)) Directory.Delete(home.Root, recursive: true);
            await stderr.WriteLineAsync($"nob bench: logs kept in {temp}");
        }
        else if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
    }

    /// <summary>
    /// One <c>nob up SPEC --json</c> in a child process, with the endpoint's activity cleared before and read after, and
    /// its execution's record read from the endpoint once it exited.
    /// </summary>
    async Task<UpRun> UpAsync(LocalEndpointClient endpoint, HttpClient http, CloudState cloud, LocalHome home, string temp, string specPath, string label, CancellationToken cancellationToken)
    {
        (await http.DeleteAsync("_localcloud/activity", cancellationToken)).EnsureSuccessStatusCode();
        var run = await RunNobAsync(["up", specPath, "--json"], home, Path.Combine(temp, $"{label}.log"), cancellationToken);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"nob up ({label}) exited {run.ExitCode}; see {Path.Combine(temp, $"{label}.log")}");
        var record = await ExecutionRecord.ReadAsync(endpoint, cloud, ExecutionRecord.ExecutionArnOf(run.Stdout), cancellationToken);
        var activity = await http.GetFromJsonAsync<JsonNode>("_localcloud/activity", cancellationToken) ?? throw new InvalidOperationException("no activity");
        var requests = activity["requests"]!.AsObject().ToDictionary(
            s => s.Key, s => (IReadOnlyDictionary<string, int>)s.Value!.AsObject().ToDictionary(o => o.Key, o => (int)o.Value!, StringComparer.Ordinal), StringComparer.Ordinal);
        var changes = activity["brokerStates"]!.AsArray().Select(c => new StateChange((DateTimeOffset)c!["time"]!, (string)c["brokerName"]!, (string)c["state"]!));
        return new UpRun(
            (string?)record["status"] == ExecutionResult.Succeeded,
            run.Seconds,
            (DateTimeOffset)record["startDate"]!,
            (DateTimeOffset)record["stopDate"]!,
            (int)record["stateTransitions"]!,
            (int)record["retries"]!,
            [.. record["creationChecks"]!.AsArray().Select(n => (int)n!)],
            [.. record["rebootChecks"]!.AsArray().Select(n => (int)n!)],
            record["tasks"]!.AsObject().ToDictionary(t => t.Key, t => (int)t.Value!, StringComparer.Ordinal),
            ExecutionRecord.Payloads(record),
            record["stateSeconds"]!.AsObject().ToDictionary(t => t.Key, t => (double)t.Value!, StringComparer.Ordinal),
            (long)record["peakWorkingSetBytes"]!,
            requests,
            BenchMath.Phases(changes));
    }

    sealed record ChildRun(int ExitCode, double Seconds, string Stdout);

    /// <summary>Runs this nob (<c>dotnet nob.dll …</c>) with the bench's NOB_HOME; its output goes to a log file.</summary>
    async Task<ChildRun> RunNobAsync(IReadOnlyList<string> args, LocalHome home, string logPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(program);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["NOB_HOME"] = home.Root;
        start.Environment["NOB_REPO"] = LocalHome.RepositoryRoot();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start nob");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await File.WriteAllTextAsync(logPath, $"$ nob {string.Join(' ', args)}\n{await errors}\n--- stdout ---\n{await output}", CancellationToken.None);
        return new ChildRun(process.ExitCode, seconds, await output);
    }

    /// <summary>
    /// <c>nob drift SPEC --json</c> in a child process; the payload each function got (read from the endpoint after it
    /// exited), or null when it did not exit 0 (not in sync, or the check failed).
    /// </summary>
    async Task<IReadOnlyDictionary<string, string>?> DriftPayloadsAsync(LocalEndpointClient endpoint, CloudState cloud, string specPath, LocalHome home, string temp, string label, CancellationToken cancellationToken)
    {
        var run = await RunNobAsync(["drift", specPath, "--json"], home, Path.Combine(temp, $"{label}.log"), cancellationToken);
        if (run.ExitCode != 0) return null;
        return ExecutionRecord.Payloads(await ExecutionRecord.ReadAsync(endpoint, cloud, ExecutionRecord.ExecutionArnOf(run.Stdout), cancellationToken));
    }

    /// <summary>
    /// Removes the network with the teardown <c>nob down SPEC</c> runs, and returns the payload each of its functions got.
    /// <c>nob down SPEC</c> itself cannot be the child here: removing the endpoint's last network, it stops the endpoint and
    /// removes its state, the execution's history with it, before the bench could read it. So the bench starts the same
    /// execution (same state machine and input) on the endpoint, reads it, and then a child <c>nob down</c> stops the
    /// endpoint and removes its state, as <c>nob down SPEC</c> goes on to do when no broker is left.
    /// </summary>
    async Task<IReadOnlyDictionary<string, string>> TeardownPayloadsAsync(LocalEndpointClient endpoint, CloudState cloud, BenchNetwork network, LocalHome home, string temp, string label, CancellationToken cancellationToken)
    {
        var stateMachineArn = await endpoint.StateMachineArnAsync(LocalCommands.TeardownNetworkLogicalId, cancellationToken);
        var executionArn = await endpoint.Workflow.StartAsync(stateMachineArn, LocalCommands.ExecutionName(network.NetworkName, "down", DateTimeOffset.UtcNow),
            LocalCommands.TeardownInput(network.NetworkName, network.SpecJson), cancellationToken);
        await endpoint.Workflow.FollowAsync(stateMachineArn, executionArn, null, cancellationToken);
        var record = await ExecutionRecord.ReadAsync(endpoint, cloud, executionArn, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(temp, $"{label}.record.json"), record.ToJsonString(), CancellationToken.None);
        if ((string?)record["status"] != ExecutionResult.Succeeded)
            throw new InvalidOperationException($"the teardown of {network.NetworkName} ({executionArn}) ended {(string?)record["status"]}; see {Path.Combine(temp, $"{label}.record.json")}");
        await DownAsync(["down"], home, temp, $"{label}-stop", cancellationToken);
        return ExecutionRecord.Payloads(record);
    }

    /// <summary><c>nob down [SPEC]</c> in a child process; throws when it does not exit 0.</summary>
    async Task DownAsync(IReadOnlyList<string> args, LocalHome home, string temp, string label, CancellationToken cancellationToken)
    {
        var run = await RunNobAsync(args, home, Path.Combine(temp, $"{label}.log"), cancellationToken);
        if (run.ExitCode != 0) throw new InvalidOperationException($"nob {string.Join(' ', args)} exited {run.ExitCode}; see {Path.Combine(temp, $"{label}.log")}");
    }

    /// <summary>
    /// Each case's handler in fresh processes, with the payload a real run gave it, against the running endpoint:
    /// <paramref name="runs"/> times per harness (once for a case that says so), harnesses interleaved so a busy machine
    /// weighs on each alike; medians. After a run, a case's restore (through the first harness, not timed) undoes what it
    /// changed, and the reboot waits until every broker runs again.
    /// </summary>
    async Task<IReadOnlyList<ColdStart>> ColdStartsAsync(HttpClient http, CloudState cloud, IReadOnlyList<ColdStartCase> cases, IReadOnlyList<string> harnesses, int runs, string temp, CancellationToken cancellationToken)
    {
        var template = SamTemplate.Load(Path.Combine(LocalHome.RepositoryRoot(), "template.yaml"), cloud.Region);
        var environment = new Dictionary<string, string>(cloud.Environment, StringComparer.Ordinal) { ["NOB_TRUSTED_CA_FILE"] = cloud.CertificatePem };
        string Label(string harness) => harness == Path.GetFullPath(program) ? "nob.dll (JIT)" : Path.GetFileName(Path.GetDirectoryName(harness)) + "/" + Path.GetFileName(harness);
        var samples = new List<ColdStart>();
        foreach (var c in cases)
        {
            var payloadFile = Path.Combine(temp, $"cold-{++payloadFiles:00}-{c.Function}.payload.json");
            await File.WriteAllTextAsync(payloadFile, c.Payload, cancellationToken);
            string? restoreFile = null;
            if (c.Restore is { } restore)
            {
                restoreFile = Path.Combine(temp, $"cold-{payloadFiles:00}-restore-{restore.Function}.payload.json");
                await File.WriteAllTextAsync(restoreFile, restore.Payload, cancellationToken);
            }
            for (var run = 0; run < (c.Once ? 1 : runs); run++)
            {
                foreach (var harness in harnesses)
                {
                    var result = await ColdStartHarness.MeasureAsync(harness, Label(harness), c.Label, template.Functions[c.Function].Handler, payloadFile, c.Warm, environment, cancellationToken);
                    samples.Add(result with { PayloadFrom = c.PayloadFrom });
                    if (c.Restore is { } undo)
                    {
                        var restored = await ColdStartHarness.MeasureAsync(harnesses[0], "restore", undo.Function, template.Functions[undo.Function].Handler, restoreFile!, false, environment, cancellationToken);
                        if (!restored.Succeeded) throw new InvalidOperationException($"{undo.Function} did not undo {c.Label}: {restored.Error}");
                    }
                    if (c.WaitForBrokers) await WaitForRunningAsync(http, cancellationToken);
                }
            }
            foreach (var harness in harnesses)
            {
                var mine = samples.Where(s => s.Function == c.Label && s.Harness == Label(harness)).ToList();
                await stderr.WriteLineAsync($"  {Label(harness)} {c.Label}: median {BenchMath.Median(mine.Select(s => s.SpawnToResponseMs)):0} ms of {mine.Count}{(mine.FirstOrDefault(s => s.Error is not null) is { } failed ? $" ({failed.Error})" : "")}");
            }
        }
        return [.. samples.GroupBy(s => (s.Harness, s.Function)).Select(g => ColdStart.Median([.. g]))];
    }

    int payloadFiles;

    static async Task WaitForRunningAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var activity = await http.GetFromJsonAsync<JsonNode>("_localcloud/activity", cancellationToken);
            var last = activity!["brokerStates"]!.AsArray().GroupBy(c => (string)c!["brokerName"]!).Select(g => (string)g.Last()!["state"]!);
            if (last.All(s => s == BrokerStates.Running)) return;
            await Task.Delay(250, cancellationToken);
        }
        throw new InvalidOperationException("a broker did not come back after the cold-start reboot");
    }
}
