using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Configuration;
using Nob.Core.Planning;
using Nob.Core.Rendering;
using Nob.Core.Specs;

namespace Nob.Cli;

/// <summary>The <c>nob</c> command line. Exit codes: 0 done, 2 invalid spec or usage, 1 anything else.</summary>
public static class NobCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Invalid = 2;

    const string Usage = """
        usage: nob up SPEC [--json] [--drift-rate EXPR] [--drift-schedule enabled|disabled]
               nob down [SPEC]
               nob drift SPEC [--repair] [--no-verify] [--json]
               nob status [--json]
               nob cloud [--port PORT] [--drift-rate EXPR] [--drift-schedule enabled|disabled]
               nob plan SPEC [--json] [--endpoints FILE] [--current BROKER=FILE]...
               nob bench [--sizes tutorial,hub5,mesh10,mesh21,mesh41] [--harness DLL]... [--cold-start-runs N] [--no-cold-start] [--json] [--save]
               nob bench --report [FILE|DIR]

          up          build the network on this machine and verify it: starts the local endpoint if
                      needed (real ActiveMQ brokers), stores the common user's password (NOB_PASSWORD,
                      or a generated one shown once), starts statemachine/build-network.asl.json on the
                      endpoint's Step Functions API (run there with the functions' own code), shows
                      progress and the local console's URL, and ends with a summary (--json: as JSON)
          down        tear down every network (statemachine/teardown-network.asl.json), stop the local
                      endpoint and its brokers, and remove what nob made in NOB_HOME; with SPEC: tear down
                      that network only (revoke the ingress nob opened, delete the brokers nob created,
                      take its connectors off adopted brokers, delete its stored record); the endpoint
                      stops when no broker is left
          drift       check the network against the spec stored by its last successful up
                      (statemachine/check-drift.asl.json): brokers RUNNING, no unexpected pending
                      revision, exactly the planned connectors, the planned ingress, and the bridge
                      (--no-verify skips sending messages); --repair converges it with build-network.
                      Exit 0 in sync or repaired, 3 drifted, 1 the check or repair failed
          status      the local endpoint, how to use it with the AWS CLI (its URL, region and the access
                      key it accepts, as export lines), the local console's URL with its token, the networks
                      API's URL, the drift schedule's next run, its brokers and stored networks (--json:
                      endpoint, region, credentials, apiUrl, consoleUrl)
          cloud       run the local endpoint in the foreground on 127.0.0.1: Amazon MQ, EC2, SSM, Step
                      Functions (template.yaml's state machines), the networks API and the drift schedule,
                      every request SigV4-signed with the key nob status prints; and the local console
                      (/console/, a browser page that needs the token nob status prints)
        """ + "\n" + Nob.Cli.Local.DriftScheduleOptions.Usage + "\n" + """

          plan        validate SPEC and print the plan: brokers, connectors, topology, and each
                      broker's next configuration XML (a diff when --current gives its current XML)
          --json      print the plan as one JSON object
          --endpoints a JSON object {"Broker": ["ssl://host:61617", ...]} of real OpenWire endpoints;
                      without it, placeholder hosts under .broker.invalid are used
          --current   BROKER=FILE: the broker's current configuration XML to write the revision from
                      (default: Amazon MQ's default revision)

        """ + Nob.Cli.Bench.BenchCommand.Usage;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help" || args.Contains("--help"))
        {
            await (args.Length == 0 ? stderr : stdout).WriteLineAsync(Usage);
            return args.Length == 0 ? Invalid : Ok;
        }
        var drift = Nob.Cli.Local.DriftScheduleOptions.None;
        if (args[0] is "cloud" or "up")
        {
            (args, drift, var driftProblem) = Nob.Cli.Local.DriftScheduleOptions.Extract(args);
            if (driftProblem is not null)
            {
                await stderr.WriteLineAsync($"nob: {driftProblem}");
                return Invalid;
            }
        }
        // A spec file that is not there is bad input (exit 2), like a spec that is not valid.
        if (args[0] is "up" or "down" or "drift" or "plan" && args.Length >= 2 && !args[1].StartsWith('-') && !File.Exists(args[1]))
        {
            await stderr.WriteLineAsync($"nob: {args[1]}: no such spec file");
            return Invalid;
        }
        try
        {
            return args[0] switch
            {
                "plan" => await PlanAsync(args[1..], stdout, stderr),
                "bench" => await Nob.Cli.Bench.BenchCommand.RunAsync(args[1..], stdout, stderr),
                "up" when args.Length is 2 or 3 && (args.Length == 2 || args[2] == "--json") && !args[1].StartsWith('-') =>
                    await StartedWithAsync(drift, args.Length == 3 ? stderr : stdout) ?? await Local(stdout, stderr).UpAsync(args[1], args.Length == 3, CancellationToken.None),
                "down" when args.Length == 1 => await Local(stdout, stderr).DownAsync(),
                "down" when args.Length == 2 && !args[1].StartsWith('-') => await Local(stdout, stderr).DownAsync(args[1], CancellationToken.None),
                "drift" when args.Length >= 2 && !args[1].StartsWith('-') && args[2..].All(a => a is "--repair" or "--no-verify" or "--json") =>
                    await Local(stdout, stderr).DriftAsync(args[1], args.Contains("--repair"), !args.Contains("--no-verify"), args.Contains("--json"), CancellationToken.None),
                "status" when args.Length == 1 || (args.Length == 2 && args[1] == "--json") =>
                    await Local(stdout, stderr).StatusAsync(args.Length == 2, CancellationToken.None),
                "cloud" when args.Length == 1 => await new Nob.Cli.Local.CloudDaemon(Nob.Cli.Local.LocalHome.FromEnvironment(), stderr) { Drift = drift }.RunForegroundAsync(DefaultCloudPort, stdout),
                "cloud" when args.Length == 3 && args[1] == "--port" && int.TryParse(args[2], out var port) && port is >= 0 and < 65536 =>
                    await new Nob.Cli.Local.CloudDaemon(Nob.Cli.Local.LocalHome.FromEnvironment(), stderr) { Drift = drift }.RunForegroundAsync(port, stdout),
                "up" or "down" or "drift" or "status" or "cloud" => await UsageErrorAsync(stderr, $"wrong arguments for \"{args[0]}\""),
                _ => await UsageErrorAsync(stderr, $"unknown command \"{args[0]}\""),
            };
        }
        catch (InvalidConfigurationException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return Failed;
        }
        catch (Amazon.Runtime.AmazonServiceException e)
        {
            await stderr.WriteLineAsync($"nob: the local endpoint answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}");
            return Failed;
        }
        catch (Nob.StepFunctions.StatesDefinitionException e)
        {
            // The state machine or template cannot run locally: a bug of ours, reported, never a crash.
            await stderr.WriteLineAsync($"nob: the local runner cannot run the state machine: {e.Message}");
            return Failed;
        }
        catch (Nob.LocalBrokers.ActiveMqNotInstalledException e)
        {
            await stderr.WriteLineAsync($"nob: {e.Message}");
            return Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or JsonException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"nob: {e.Message}");
            return Failed;
        }
    }

    /// <summary>The local endpoint's port unless <c>nob cloud --port</c> says otherwise (0 = any free port).</summary>
    public const int DefaultCloudPort = 0;

    static Nob.Cli.Local.LocalCommands Local(TextWriter stdout, TextWriter stderr) => new(Nob.Cli.Local.LocalHome.FromEnvironment(), stdout, stderr);

    /// <summary><c>nob up</c> with drift options: the endpoint starts with them first (the build then finds it running); null to go on.</summary>
    static async Task<int?> StartedWithAsync(Nob.Cli.Local.DriftScheduleOptions drift, TextWriter progress)
    {
        if (!drift.IsNone)
            await new Nob.Cli.Local.CloudDaemon(Nob.Cli.Local.LocalHome.FromEnvironment(), progress) { Drift = drift }.EnsureRunningAsync(CancellationToken.None);
        return null;
    }

    static async Task<int> UsageErrorAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"nob: {message}");
        await stderr.WriteLineAsync(Usage);
        return Invalid;
    }

    static async Task<int> PlanAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? specPath = null, endpointsPath = null;
        var json = false;
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--endpoints" when i + 1 < args.Length: endpointsPath = args[++i]; break;
                case "--current" when i + 1 < args.Length && args[i + 1].Contains('='):
                    var (broker, file) = (args[i + 1][..args[i + 1].IndexOf('=')], args[i + 1][(args[i + 1].IndexOf('=') + 1)..]);
                    current[broker] = file;
                    i++;
                    break;
                case var a when a.StartsWith('-'): return await UsageErrorAsync(stderr, $"unknown or incomplete option \"{a}\"");
                case var a when specPath is null: specPath = a; break;
                default: return await UsageErrorAsync(stderr, $"unexpected argument \"{args[i]}\"");
            }
        }
        if (specPath is null) return await UsageErrorAsync(stderr, "plan needs a SPEC file");

        if (await SpecFile.ReadAsync(specPath, stderr, null, CancellationToken.None) is not { Spec: var spec }) return Invalid;
        foreach (var broker in current.Keys.Where(b => !spec.Brokers.Any(x => x.Name == b)))
            return await UsageErrorAsync(stderr, $"--current names \"{broker}\", which is not a broker of the spec");

        var endpoints = endpointsPath is null ? PlaceholderEndpoints.For(spec) : await ReadEndpointsAsync(endpointsPath);
        var plan = NetworkPlanner.Plan(spec, endpoints);
        var currentXml = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (broker, file) in current) currentXml[broker] = await File.ReadAllTextAsync(file);
        var revisions = BrokerConfigurations.Next(plan, b => currentXml.GetValueOrDefault(b));

        if (json) await stdout.WriteLineAsync(PlanJson.Write(plan, spec.Topology.Type, revisions));
        else await stdout.WriteAsync(PlanText.Write(spec, plan, revisions, currentXml, endpointsPath is null));
        return Ok;
    }

    static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadEndpointsAsync(string path)
    {
        var node = JsonNode.Parse(await File.ReadAllTextAsync(path)) as JsonObject
            ?? throw new ArgumentException($"{path}: expected a JSON object {{\"Broker\": [\"ssl://host:61617\"]}}");
        return node.ToDictionary(
            p => p.Key,
            p => (IReadOnlyList<string>)(p.Value as JsonArray ?? throw new ArgumentException($"{path}: \"{p.Key}\" is not a list of endpoints"))
                .Select(e => e?.GetValue<string>() ?? throw new ArgumentException($"{path}: \"{p.Key}\" has a null endpoint"))
                .ToList(),
            StringComparer.Ordinal);
    }
}
