using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nob.LocalBrokers;
using Nob.LocalCloud.Api;
using Nob.LocalCloud.Ec2;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Mq;
using Nob.LocalCloud.Schedule;
using Nob.LocalCloud.Ssm;
using Nob.LocalCloud.States;
using Nob.LocalCloud.Storage;
using Nob.StepFunctions;

namespace Nob.LocalCloud;

/// <summary>
/// A local AWS endpoint on 127.0.0.1 for Amazon MQ (rest-json), EC2 (query), SSM (json 1.1) and Step Functions (json 1.0:
/// the state machines of the hosted workflow, <see cref="LocalCloudOptions.Workflow"/>, run in this process), so that the workflow's
/// own clients reach it unchanged through <c>AWS_ENDPOINT_URL</c>, signing with <see cref="Credentials"/>. Every broker is a real ActiveMQ process. State lives in
/// JSON files under <see cref="LocalCloudOptions.DataDirectory"/> and survives a restart (RUNNING brokers are started
/// again). <see cref="StopAsync"/> stops every broker process; <see cref="DownAsync"/> also removes what the cloud made.
/// </summary>
public sealed class LocalCloud : IAsyncDisposable
{
    /// <summary>The files and folders a cloud makes in its data folder (what <see cref="DownAsync"/> removes).</summary>
    // executions.json: what an earlier endpoint kept of the executions runners registered with it.
    private static readonly string[] OwnEntries = ["mq.json", "ssm.json", "ec2.json", "executions", "executions.json", "secret.key", LocalCloudCredentials.FileName, "brokers", "cli", ScheduleRunner.StateFileName, DeadLetterFile.FileName];

    private readonly WebApplication _app;
    private readonly MqService _mq;
    private readonly LocalCloudOptions _options;
    private LocalSchedules _schedules = LocalSchedules.None;
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private Uri? _endpoint;
    private LocalRestApi? _restApi;
    private bool _stopped;

    private LocalCloud(WebApplication app, MqService mq, LocalCloudOptions options, string dataDirectory, LocalCloudFaults faults, ActiveMqInstallation installation, TlsMaterial tls,
        LocalCloudCredentials credentials, LocalWorkflowHost? workflow)
    {
        Credentials = credentials;
        _app = app;
        Workflow = workflow;
        _mq = mq;
        _options = options;
        DataDirectory = dataDirectory;
        Faults = faults;
        Installation = installation;
        Tls = tls;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>: give it to clients as ServiceURL / <c>--endpoint-url</c> / <c>AWS_ENDPOINT_URL</c>.</summary>
    public Uri Endpoint => _endpoint ?? throw new InvalidOperationException("the local cloud has not started");

    public int Port => Endpoint.Port;

    /// <summary>The template resource of the networks API.</summary>
    public const string NetworksApiLogicalId = "NetworksApi";

    /// <summary>
    /// The networks API's base URL, <c>http://127.0.0.1:PORT/restapis/{apiId}/{stage}/_user_request_</c> (append
    /// <c>/networks</c>; sign for <c>execute-api</c>), or null when this endpoint does not host the workflow.
    /// </summary>
    public Uri? ApiUrl => _restApi is null ? null : new Uri(Endpoint, _restApi.BasePath);

    /// <summary>
    /// The local console's URL with its token (<c>http://127.0.0.1:PORT/console/?token=…</c>): a secret, like <see cref="Credentials"/>,
    /// from which it is derived.
    /// </summary>
    public Uri ConsoleUrl => new(WebConsole.ConsoleAccess.Url(Endpoint.AbsoluteUri, Credentials.SecretAccessKey));

    public string DataDirectory { get; }

    public string Region => _options.Region;

    /// <summary>Requests per service and operation, and broker state changes with their times (for measurements).</summary>
    public LocalCloudActivity Activity { get; private init; } = new();

    /// <summary>Faults in force; change them at any time.</summary>
    public LocalCloudFaults Faults { get; }

    public ActiveMqInstallation Installation { get; }

    /// <summary>The hosted workflow (<see cref="LocalCloudOptions.Workflow"/>): template.yaml's state machines and functions; null without one.</summary>
    public LocalWorkflowHost? Workflow { get; }

    /// <summary>The brokers' TLS identity (clients trust <see cref="TlsMaterial.TrustStorePath"/>).</summary>
    public TlsMaterial Tls { get; }

    /// <summary>
    /// The one access key this endpoint accepts (made on its first start, kept 0600 in the data folder): every request
    /// must be SigV4-signed with it, for any region.
    /// </summary>
    public LocalCloudCredentials Credentials { get; }

    /// <summary>What a child process needs to use this endpoint with any AWS SDK or the AWS CLI (the endpoint's credentials included: a secret).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ENDPOINT_URL"] = Endpoint.AbsoluteUri.TrimEnd('/'),
        ["AWS_REGION"] = Region,
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_ACCESS_KEY_ID"] = Credentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = Credentials.SecretAccessKey,
    };

    /// <summary>The template's schedules (the drift check) this endpoint runs: expression, state, next and last run.</summary>
    public IReadOnlyList<ScheduleStatus> Schedules => _schedules.Statuses;

    /// <summary>
    /// Starts the endpoint on 127.0.0.1:<see cref="LocalCloudOptions.Port"/> (0: any free port) over the data folder, and
    /// brings back the brokers it holds in the background (see <see cref="WaitForBrokersAsync"/>).
    /// </summary>
    public static async Task<LocalCloud> StartAsync(LocalCloudOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Port {options.Port} is not a TCP port");
        }

        var data = PrivateFiles.CreateFolder(Path.GetFullPath(options.DataDirectory));
        var log = options.Log ?? (_ => { });
        var installation = options.Installation ?? ActiveMqInstallation.Locate();
        var tls = await TlsMaterial.CreateOrLoadAsync(installation, options.TlsDirectory ?? Path.Combine(data, "tls"), cancellationToken).ConfigureAwait(false);
        var secrets = SecretBox.OpenOrCreate(Path.Combine(data, "secret.key"));
        var credentials = LocalCloudCredentials.LoadOrCreate(Path.Combine(data, LocalCloudCredentials.FileName));
        var faults = new LocalCloudFaults(options.Faults);
        var activity = new LocalCloudActivity();
        var ec2Store = new Ec2Store(Path.Combine(data, "ec2.json"), options.VpcId, options.Region, options.AccountId);
        LocalCloud? cloud = null;
        var mq = new MqService(new MqContext(data, secrets, ec2Store, faults, installation, tls, options.BrokerOptions, options.Region, options.AccountId,
            () => cloud!.Endpoint, log) { Activity = activity });
        var ssm = new SsmService(Path.Combine(data, "ssm.json"), secrets, options.Region, options.AccountId);
        var workflow = options.Workflow is { } hosted
            ? LocalWorkflowHost.Create(hosted, options.Region, options.AccountId, Path.Combine(data, "executions"), log)
            : null;
        var states = new StatesService(workflow);
        // A template without the networks API (a test template) hosts only its state machines.
        var restApi = workflow is null || !workflow.Template.Apis.ContainsKey(NetworksApiLogicalId) ? null : CreateRestApi(workflow.Template, workflow.Functions, options.AccountId);
        var consoleAccess = new WebConsole.ConsoleAccess(credentials);
        var examples = options.Workflow is { } withExamples ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(withExamples.TemplatePath))!, "examples") : null;
        var dispatcher = new Dispatcher(mq, ssm, new Ec2Service(ec2Store), states, faults, activity, new SigV4Verifier(credentials, TimeProvider.System), log)
        {
            RestApi = restApi,
            WebConsole = new WebConsole.ConsoleHandler(consoleAccess, ssm, mq, workflow, examples, TimeProvider.System, log),
        };
        // The template's schedules start their targets through the host, as EventBridge Scheduler calls StartExecution.
        var schedules = options.Workflow is { } scheduled && workflow is not null
            ? LocalSchedules.Create(workflow.Template, scheduled,
                scheduled.ScheduleStart ?? (async (arn, name, input, ct) => (await workflow.StartExecutionAsync(arn, name, input, ct).ConfigureAwait(false)).ExecutionArn),
                data, scheduled.ScheduleClock ?? TimeProvider.System, log)
            : LocalSchedules.None;
        dispatcher.Schedules = () => schedules.Statuses;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = data });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Run(dispatcher.HandleAsync);
        cloud = new LocalCloud(app, mq, options, data, faults, installation, tls, credentials, workflow) { Activity = activity, _restApi = restApi, _schedules = schedules };
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        cloud._endpoint = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/");
        log($"local cloud listening on {cloud._endpoint} with data in {data}");
        mq.Resume();
        if (workflow is not null)
        {
            if (options.Workflow!.Functions is null)
            {
                cloud.UseInThisProcess();
            }

            workflow.Open();
        }

        schedules.Start();
        return cloud;
    }

    /// <summary>The template's networks API (its Lambda functions are <paramref name="functions"/>), refused at start when a route's function is not there.</summary>
    private static LocalRestApi CreateRestApi(SamTemplate template, ILambdaFunctions functions, string accountId)
    {
        var api = new LocalRestApi(RestApiDefinition.From(template, NetworksApiLogicalId), functions, accountId);
        api.CheckFunctions();
        return api;
    }

    /// <summary>
    /// Points this process's AWS clients at this endpoint: the hosted functions run here and reach it through the standard
    /// environment (endpoint, region, key pair) and NOB_TRUSTED_CA_FILE (the brokers' TLS certificate), as on Lambda their
    /// composition root reads it; so one process hosts at most one workflow endpoint.
    /// </summary>
    private void UseInThisProcess()
    {
        foreach (var (name, value) in EnvironmentVariables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        Environment.SetEnvironmentVariable("NOB_TRUSTED_CA_FILE", Tls.CertificatePath);
    }

    /// <summary>The ActiveMQ producer/consumer CLI, trusting this cloud's brokers.</summary>
    public ActiveMqCli CreateCli(string? workDirectory = null) => new(Installation, Tls, workDirectory ?? Path.Combine(DataDirectory, "cli"));

    /// <summary>Waits until no broker is being created, rebooted, restarted or deleted.</summary>
    public Task WaitForBrokersAsync(CancellationToken cancellationToken = default) => _mq.WaitForIdleAsync(cancellationToken);

    /// <summary>Stops answering, then stops every broker process (none is left running). State stays for the next start.</summary>
    public async Task StopAsync()
    {
        await _stopGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            try
            {
                await _schedules.StopAsync().ConfigureAwait(false);
                // Executions first, while the endpoint still answers their functions: each running one ends FAILED.
                if (Workflow is not null)
                {
                    await Workflow.StopAsync().ConfigureAwait(false);
                }

                await _app.StopAsync().ConfigureAwait(false);
            }
            finally
            {
                await _mq.StopAsync().ConfigureAwait(false);
                await _app.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _stopGate.Release();
        }
    }

    /// <summary>Stops, then removes everything the cloud made in its data folder (and the folder, when that leaves it empty).</summary>
    public async Task DownAsync()
    {
        await StopAsync().ConfigureAwait(false);
        RemoveData(DataDirectory, withTls: _options.TlsDirectory is null);
    }

    /// <summary>
    /// Removes what a cloud makes in <paramref name="dataDirectory"/> (its state files, secret key, credentials, brokers' folders, and
    /// with <paramref name="withTls"/> its TLS material), and nothing else: returns the names of the entries left there
    /// that a cloud does not make. The folder goes too when that leaves it empty. Only for a cloud that is not running.
    /// </summary>
    public static IReadOnlyList<string> RemoveData(string dataDirectory, bool withTls)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return [];
        }

        var entries = withTls ? [.. OwnEntries, "tls"] : OwnEntries;
        foreach (var entry in entries)
        {
            var path = Path.Combine(dataDirectory, entry);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }

            File.Delete(path + PrivateFiles.StagingSuffix);
        }

        // A TLS set whose making was interrupted (TlsMaterial builds it in ".tls.<guid>" beside its folder).
        if (withTls)
        {
            foreach (var staging in Directory.EnumerateDirectories(dataDirectory, ".tls.*"))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        var left = Directory.EnumerateFileSystemEntries(dataDirectory).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal).ToList();
        if (left.Count == 0)
        {
            Directory.Delete(dataDirectory);
        }

        return left;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
