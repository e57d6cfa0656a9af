using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Mq;
using Nob.Core.Specs;
using Nob.StepFunctions;

namespace Nob.Cli.Local;

/// <summary>
/// Local mode: the same state machine definition and the same function code as on AWS, run on this machine against
/// the local endpoint (real ActiveMQ brokers). Only the endpoint differs, set through AWS_ENDPOINT_URL.
/// </summary>
public sealed class LocalCommands(LocalHome home, TextWriter stdout, TextWriter stderr)
{
    public const string StateMachineLogicalId = "BuildNetworkStateMachine";

    /// <summary>Locally brokers start in seconds, so the wait loops poll every second (and give up after 10 minutes).</summary>
    public const int LocalPollIntervalSeconds = 1;
    public const int LocalPollTimeoutMinutes = 10;

    public async Task<int> UpAsync(string specPath, bool json, CancellationToken cancellationToken)
    {
        var specJson = await File.ReadAllTextAsync(specPath, cancellationToken);
        var read = SpecReader.Read(specJson);
        if (read.Spec is not { } spec)
        {
            await stderr.WriteLineAsync($"{specPath}: {read.Errors.Count} problem(s); nothing was created:");
            foreach (var error in read.Errors) await stderr.WriteLineAsync($"  {error}");
            return NobCommand.Invalid;
        }
        var progress = json ? stderr : stdout;
        var clock = Stopwatch.StartNew();
        var cloud = await new CloudDaemon(home, progress).EnsureRunningAsync(cancellationToken);
        UseEndpoint(cloud);
        await EnsurePasswordAsync(spec.User.PasswordParameter, progress, cancellationToken);

        var input = JsonNode.Parse(specJson)!.AsObject();
        input["polling"] = new JsonObject { ["intervalSeconds"] = LocalPollIntervalSeconds, ["timeoutMinutes"] = LocalPollTimeoutMinutes };
        await progress.WriteLineAsync($"Building network \"{spec.NetworkName}\" ({spec.Topology.Type}, {spec.Brokers.Count} brokers) with statemachine/build-network.asl.json");

        var reporter = new ProgressReporter(progress, clock);
        var machine = LocalStateMachine.FromTemplate(
            Path.Combine(LocalHome.RepositoryRoot(), "template.yaml"), StateMachineLogicalId, HandlerFactories.ParameterlessConstructor,
            new LocalStateMachineOptions { OnEvent = reporter.OnEvent, Region = cloud.Region },
            new InProcessLambdaOptions
            {
                // What only AWS resolves: the verify function's VPC security group. Locally the verifier runs on this host,
                // which reaches the brokers directly, so no STOMP ingress is opened for it.
                Environment = new Dictionary<string, string?> { ["NOB_VERIFIER_SECURITY_GROUP"] = null, ["NOB_VERIFIER_PUBLIC_CIDRS"] = null },
            });
        var name = $"{spec.NetworkName}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}";
        var result = await machine.ExecuteAsync(input.ToJsonString(), name, cancellationToken);
        Nob.Cli.Bench.ExecutionRecord.WriteIfRequested(result); // nob bench's measurements; nothing unless NOB_BENCH_RECORD is set

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
            ["stateTransitions"] = result.StateTransitions,
            ["elapsedSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        if (json) await stdout.WriteLineAsync(summary.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        else await stdout.WriteAsync(SummaryText.Write(summary));
        return NobCommand.Ok;
    }

    /// <summary>
    /// <c>nob down SPEC</c>: removes one network. Brokers it created (tagged <c>nob:network</c>) are deleted; adopted
    /// brokers keep running without this network's connectors (a new revision, then a reboot). When no broker is left,
    /// the local endpoint is stopped and its state removed, as by <c>nob down</c>.
    /// </summary>
    public async Task<int> DownAsync(string specPath, CancellationToken cancellationToken)
    {
        var read = SpecReader.Read(await File.ReadAllTextAsync(specPath, cancellationToken));
        if (read.Spec is not { } spec)
        {
            await stderr.WriteLineAsync($"{specPath}: {read.Errors.Count} problem(s):");
            foreach (var error in read.Errors) await stderr.WriteLineAsync($"  {error}");
            return NobCommand.Invalid;
        }
        if (await new CloudDaemon(home, stdout).RunningAsync() is not { } cloud)
        {
            await stdout.WriteLineAsync("The local endpoint is not running; nothing to remove.");
            return NobCommand.Ok;
        }
        UseEndpoint(cloud);
        using var mq = new AmazonMqClient(new AmazonMqConfig { MaxErrorRetry = 5 });
        var brokers = new Nob.Aws.Adapters.AmazonMqBrokerService(mq);
        var names = spec.Brokers.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var deleting = new List<string>();
        foreach (var summary in (await mq.ListAllBrokersAsync(100, cancellationToken)).Where(b => b.BrokerName is { } n && names.Contains(n)))
        {
            var broker = await brokers.DescribeBrokerAsync(summary.BrokerId!, cancellationToken);
            if (broker.Tags.TryGetValue(Nob.Core.Workflow.EnsureBrokerStep.NetworkTag, out var network) && network == spec.NetworkName)
            {
                await stdout.WriteLineAsync($"Deleting {broker.BrokerName} (created by nob for \"{spec.NetworkName}\")");
                await mq.DeleteBrokerAsync(new Nob.Aws.Mq.Model.DeleteBrokerRequest { BrokerId = broker.BrokerId }, cancellationToken);
                deleting.Add(broker.BrokerId);
            }
            else if (broker.CurrentConfiguration is { } current)
            {
                var xml = await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, cancellationToken);
                var revision = Nob.Core.Configuration.ConnectorConfigurationWriter.Write(broker.BrokerName, xml, spec.NetworkName, []);
                if (!revision.Changed) continue;
                await stdout.WriteLineAsync($"Removing {revision.RemovedConnectors.Count} connector(s) of \"{spec.NetworkName}\" from adopted broker {broker.BrokerName} (new revision, reboot)");
                var update = await brokers.UpdateConfigurationAsync(current.Id, revision.Xml, $"nob {spec.NetworkName}: connectors removed", cancellationToken);
                await brokers.SetConfigurationRevisionAsync(broker.BrokerId, current.Id, update.Revision, cancellationToken);
                await brokers.RebootBrokerAsync(broker.BrokerId, cancellationToken);
            }
        }
        // Deletion takes a moment; wait (bounded) until the brokers are gone.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (deleting.Count > 0 && DateTime.UtcNow < deadline)
        {
            var left = (await mq.ListAllBrokersAsync(100, cancellationToken)).Select(b => b.BrokerId).ToHashSet();
            deleting.RemoveAll(id => !left.Contains(id));
            if (deleting.Count > 0) await Task.Delay(500, cancellationToken);
        }
        if (deleting.Count > 0)
        {
            await stderr.WriteLineAsync($"{deleting.Count} broker(s) were still being deleted after 2 minutes: {string.Join(", ", deleting)}");
            return NobCommand.Failed;
        }
        if ((await mq.ListAllBrokersAsync(100, cancellationToken)).Count == 0) return await DownAsync();
        await stdout.WriteLineAsync($"Removed network \"{spec.NetworkName}\"; the local endpoint keeps running for the other brokers (./nob status).");
        return NobCommand.Ok;
    }

    public async Task<int> DownAsync()
    {
        var stopped = await new CloudDaemon(home, stdout).StopAsync();
        if (Directory.Exists(home.Root)) Directory.Delete(home.Root, recursive: true);
        await stdout.WriteLineAsync(stopped ? $"Stopped the local endpoint and its brokers; removed {home.Root}" : $"Nothing was running; removed {home.Root}");
        return NobCommand.Ok;
    }

    public async Task<int> StatusAsync(CancellationToken cancellationToken)
    {
        if (await new CloudDaemon(home, stdout).RunningAsync() is not { } cloud)
        {
            await stdout.WriteLineAsync("The local endpoint is not running (./nob up SPEC starts it).");
            return NobCommand.Ok;
        }
        UseEndpoint(cloud);
        await stdout.WriteLineAsync($"Local endpoint: {cloud.Endpoint} (pid {cloud.Pid}); truststore {cloud.TrustStore}");
        using var mq = new AmazonMqClient(new AmazonMqConfig { MaxErrorRetry = 5 });
        var brokers = await mq.ListAllBrokersAsync(100, cancellationToken);
        if (brokers.Count == 0) await stdout.WriteLineAsync("No brokers.");
        foreach (var b in brokers.OrderBy(b => b.BrokerName, StringComparer.Ordinal))
            await stdout.WriteLineAsync($"  {b.BrokerName,-24} {b.BrokerState,-22} {b.DeploymentMode,-24} {b.BrokerId}");
        return NobCommand.Ok;
    }

    /// <summary>Points this process's AWS clients (the functions' composition root, our MQ client) at the local endpoint.</summary>
    static void UseEndpoint(CloudState cloud)
    {
        foreach (var (variable, value) in cloud.Environment) Environment.SetEnvironmentVariable(variable, value);
        Environment.SetEnvironmentVariable("NOB_TRUSTED_CA_FILE", cloud.CertificatePem);
    }

    /// <summary>The common user's password in the local SSM: NOB_PASSWORD, the one stored before, or a new one shown once.</summary>
    async Task EnsurePasswordAsync(string parameter, TextWriter progress, CancellationToken cancellationToken)
    {
        using var ssm = new AmazonSimpleSystemsManagementClient(new AmazonSimpleSystemsManagementConfig { MaxErrorRetry = 5 });
        var given = Environment.GetEnvironmentVariable("NOB_PASSWORD");
        string? stored = null;
        try
        {
            stored = (await ssm.GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true }, cancellationToken)).Parameter.Value;
        }
        catch (ParameterNotFoundException)
        {
        }
        if (given is { Length: > 0 } && given != stored)
        {
            if (stored is not null)
                await progress.WriteLineAsync($"NOB_PASSWORD differs from {parameter}; brokers created before keep the old password until recreated.");
            await ssm.PutParameterAsync(new PutParameterRequest { Name = parameter, Value = given, Type = ParameterType.SecureString, Overwrite = true }, cancellationToken);
            await progress.WriteLineAsync($"Stored NOB_PASSWORD as the SecureString parameter {parameter}");
        }
        else if (stored is null)
        {
            var generated = GeneratePassword();
            await ssm.PutParameterAsync(new PutParameterRequest { Name = parameter, Value = generated, Type = ParameterType.SecureString }, cancellationToken);
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

    /// <summary>Live progress: each task state as it starts, with its broker, and each failure.</summary>
    sealed class ProgressReporter(TextWriter output, Stopwatch clock)
    {
        readonly Lock gate = new();

        public void OnEvent(HistoryEvent e)
        {
            string? line = null;
            if (e.Type == "TaskStateEntered")
                line = $"{e.StateName}{Broker(e.Input)}";
            else if (e.Type == HistoryEventTypes.TaskFailed)
                line = $"{e.StateName}{Broker(e.Input)} failed: {e.Error}";
            else if (e.Type == HistoryEventTypes.MapStateStarted)
                line = $"{e.StateName}: {e.Length} in parallel";
            if (line is null) return;
            lock (gate)
            {
                output.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:0.0}s] {line}");
                output.Flush();
            }
        }

        static string Broker(string? input)
        {
            if (input is null) return "";
            try
            {
                var node = JsonNode.Parse(input);
                var name = (node?["brokerName"] ?? node?["broker"]?["brokerName"] ?? node?["wait"]?["value"]?["brokerName"]
                    ?? node?["revision"]?["value"]?["brokerName"] ?? node?["ensured"]?["value"]?["brokerName"])?.GetValue<string>();
                var state = node?["wait"]?["value"]?["state"]?.GetValue<string>();
                return name is null ? "" : $" [{name}{(state is null ? "" : $", {state}")}]";
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
            {
                return "";
            }
        }
    }
}
