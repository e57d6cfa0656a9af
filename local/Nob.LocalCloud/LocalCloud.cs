using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nob.LocalBrokers;
using Nob.LocalCloud.Ec2;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Mq;
using Nob.LocalCloud.Schedule;
using Nob.LocalCloud.Ssm;
using Nob.LocalCloud.States;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud;

/// <summary>
/// A local AWS endpoint on 127.0.0.1 for Amazon MQ (rest-json), EC2 (query), SSM (json 1.1) and Step Functions' DescribeExecution
/// of the local runners' executions (json 1.0), so that the workflow's
/// own clients reach it unchanged through <c>AWS_ENDPOINT_URL</c>. Every broker is a real ActiveMQ process. State lives in
/// JSON files under <see cref="LocalCloudOptions.DataDirectory"/> and survives a restart (RUNNING brokers are started
/// again). <see cref="StopAsync"/> stops every broker process; <see cref="DownAsync"/> also removes what the cloud made.
/// </summary>
public sealed class LocalCloud : IAsyncDisposable
{
    /// <summary>The files and folders a cloud makes in its data folder (what <see cref="DownAsync"/> removes).</summary>
    private static readonly string[] OwnEntries = ["mq.json", "ssm.json", "ec2.json", "executions.json", "secret.key", "brokers", "cli", ScheduleRunner.StateFileName, DeadLetterFile.FileName];

    private readonly WebApplication _app;
    private readonly MqService _mq;
    private readonly LocalCloudOptions _options;
    private LocalSchedules _schedules = LocalSchedules.None;
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private Uri? _endpoint;
    private bool _stopped;

    private LocalCloud(WebApplication app, MqService mq, LocalCloudOptions options, string dataDirectory, LocalCloudFaults faults, ActiveMqInstallation installation, TlsMaterial tls)
    {
        _app = app;
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

    public string DataDirectory { get; }

    public string Region => _options.Region;

    /// <summary>Requests per service and operation, and broker state changes with their times (for measurements).</summary>
    public LocalCloudActivity Activity { get; private init; } = new();

    /// <summary>Faults in force; change them at any time.</summary>
    public LocalCloudFaults Faults { get; }

    public ActiveMqInstallation Installation { get; }

    /// <summary>The brokers' TLS identity (clients trust <see cref="TlsMaterial.TrustStorePath"/>).</summary>
    public TlsMaterial Tls { get; }

    /// <summary>What a child process needs to use this endpoint with any AWS SDK or the AWS CLI (dummy credentials included).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ENDPOINT_URL"] = Endpoint.AbsoluteUri.TrimEnd('/'),
        ["AWS_REGION"] = Region,
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_ACCESS_KEY_ID"] = "AKIDLOCALCLOUD",
        ["AWS_SECRET_ACCESS_KEY"] = "local-cloud-secret",
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
        var faults = new LocalCloudFaults(options.Faults);
        var activity = new LocalCloudActivity();
        var ec2Store = new Ec2Store(Path.Combine(data, "ec2.json"), options.VpcId, options.Region, options.AccountId);
        LocalCloud? cloud = null;
        var mq = new MqService(new MqContext(data, secrets, ec2Store, faults, installation, tls, options.BrokerOptions, options.Region, options.AccountId,
            () => cloud!.Endpoint, log) { Activity = activity });
        var ssm = new SsmService(Path.Combine(data, "ssm.json"), secrets, options.Region, options.AccountId);
        var states = new StatesService(Path.Combine(data, "executions.json"));
        var dispatcher = new Dispatcher(mq, ssm, new Ec2Service(ec2Store), states, faults, activity, log);
        // Until the workflow host starts executions here, schedules run only with a start given (tests).
        var schedules = options.Workflow is { ScheduleStart: { } start } workflow
            ? LocalSchedules.Create(Nob.StepFunctions.SamTemplate.Load(workflow.TemplatePath, options.Region, options.AccountId, workflow.StackName),
                workflow, start, data, workflow.ScheduleClock ?? TimeProvider.System, log)
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
        cloud = new LocalCloud(app, mq, options, data, faults, installation, tls) { Activity = activity, _schedules = schedules };
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        cloud._endpoint = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/");
        log($"local cloud listening on {cloud._endpoint} with data in {data}");
        mq.Resume();
        schedules.Start();
        return cloud;
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
    /// Removes what a cloud makes in <paramref name="dataDirectory"/> (its state files, secret key, brokers' folders, and
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
