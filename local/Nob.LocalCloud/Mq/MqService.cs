using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.Core.Configuration;
using Nob.LocalBrokers;
using Nob.LocalCloud.Ec2;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.Mq;

/// <summary>What the Amazon MQ side needs from its host.</summary>
internal sealed record MqContext(
    string DataDirectory,
    SecretBox Secrets,
    Ec2Store Ec2,
    LocalCloudFaults Faults,
    ActiveMqInstallation Installation,
    TlsMaterial Tls,
    LocalBrokerOptions BrokerOptions,
    string Region,
    string AccountId,
    Func<Uri> Endpoint,
    Action<string> Log)
{
    /// <summary>Where request counts and broker state changes are recorded (<c>/_localcloud/activity</c>).</summary>
    public LocalCloudActivity Activity { get; init; } = new();
}

/// <summary>
/// Amazon MQ's rest-json API (2017-11-27) over real ActiveMQ processes. Requests change the state at once and answer
/// at once; broker processes start, reboot and stop in the background, and the broker's state says where they are.
/// </summary>
internal sealed partial class MqService
{
    public const string Creating = "CREATION_IN_PROGRESS";
    public const string CreationFailed = "CREATION_FAILED";
    public const string Deleting = "DELETION_IN_PROGRESS";
    public const string Running = "RUNNING";
    public const string Rebooting = "REBOOT_IN_PROGRESS";
    public const string CriticalActionRequired = "CRITICAL_ACTION_REQUIRED";

    private const string SingleInstance = "SINGLE_INSTANCE";
    private const string ActiveStandby = "ACTIVE_STANDBY_MULTI_AZ";

    private static readonly string[] InstanceTypes = ["mq.t2.micro", "mq.t3.micro", "mq.m4.large", "mq.m5.large", "mq.m5.xlarge", "mq.m5.2xlarge", "mq.m5.4xlarge"];

    private readonly MqContext _context;
    private readonly object _gate = new();
    private readonly JsonStateFile<MqData> _file;
    private readonly MqData _data;
    private readonly Dictionary<string, BrokerProcess> _processes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restarting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _lifecycles = new(StringComparer.Ordinal);
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _shutdown = new();
    private bool _stopping;

    public MqService(MqContext context)
    {
        _context = context;
        _file = new JsonStateFile<MqData>(Path.Combine(context.DataDirectory, "mq.json"));
        _data = _file.Load();
    }

    private string BrokersDirectory => Path.Combine(_context.DataDirectory, "brokers");

    // ---- host lifecycle ------------------------------------------------------------------------------------

    /// <summary>Brings the brokers back after a host restart: restarts RUNNING ones, finishes creations, reboots and deletions.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            foreach (var broker in _data.Brokers)
            {
                var id = broker.Id;
                switch (broker.State)
                {
                    case Running:
                        _restarting.Add(id);
                        _context.Activity.RecordBrokerState(broker.Name, id, Rebooting);
                        Schedule($"restart of {broker.Name}", ct => RestartAfterHostStartAsync(id, ct));
                        break;
                    case Creating:
                        Schedule($"creation of {broker.Name}", ct => CreateAsync(id, ct));
                        break;
                    case Rebooting:
                        Schedule($"reboot of {broker.Name}", ct => RebootAsync(id, ct));
                        break;
                    case Deleting:
                        Schedule($"deletion of {broker.Name}", ct => DeleteAsync(id, ct));
                        break;
                }
            }
        }
    }

    /// <summary>Waits until no broker is starting, rebooting or being deleted.</summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] pending;
            lock (_tasks)
            {
                pending = [.. _tasks.Where(t => !t.IsCompleted)];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops background work, then every broker process (in parallel). State on disk stays as it was.</summary>
    public async Task StopAsync()
    {
        Task[] pending;
        lock (_tasks)
        {
            _stopping = true;
            pending = [.. _tasks];
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or AggregateException)
        {
            // Each task logs its own failure.
        }

        List<BrokerProcess> processes;
        lock (_gate)
        {
            processes = [.. _processes.Values];
            _processes.Clear();
        }

        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------

    /// <summary>Answers one request (path below <c>/v1/</c>); throws <see cref="ServiceError"/> for errors.</summary>
    public JsonObject Handle(string method, IReadOnlyList<string> path, Func<string, string?> query, JsonObject body)
    {
        try
        {
            return (method, path.Count, path.ElementAtOrDefault(0), path.ElementAtOrDefault(2)) switch
            {
                ("GET", 1, "brokers", _) => ListBrokers(query),
                ("POST", 1, "brokers", _) => CreateBroker(body),
                ("GET", 2, "brokers", _) => DescribeBroker(path[1]),
                ("PUT", 2, "brokers", _) => UpdateBroker(path[1], body),
                ("DELETE", 2, "brokers", _) => DeleteBroker(path[1]),
                ("POST", 3, "brokers", "reboot") => RebootBroker(path[1]),
                ("GET", 3, "brokers", "users") => ListUsers(path[1], query),
                ("GET", 4, "brokers", "users") => DescribeUser(path[1], path[3]),
                ("POST", 4, "brokers", "users") => CreateUser(path[1], path[3], body),
                ("PUT", 4, "brokers", "users") => UpdateUser(path[1], path[3], body),
                ("POST", 2, "tags", _) => CreateTags(path[1], body),
                ("GET", 1, "configurations", _) => ListConfigurations(query),
                ("POST", 1, "configurations", _) => CreateConfiguration(body),
                ("GET", 2, "configurations", _) => DescribeConfiguration(path[1]),
                ("PUT", 2, "configurations", _) => UpdateConfiguration(path[1], body),
                ("GET", 3, "configurations", "revisions") => ListConfigurationRevisions(path[1], query),
                ("GET", 4, "configurations", "revisions") => DescribeConfigurationRevision(path[1], path[3]),
                _ => throw new ServiceError(404, "NotFoundException", $"The local Amazon MQ endpoint has no operation for {method} /v1/{string.Join('/', path)}"),
            };
        }
        catch (ServiceError e) when (e.Code == Json.SerializationError)
        {
            throw new ServiceError(400, "BadRequestException", e.Message, e.ErrorAttribute);
        }
    }

    /// <summary>The Amazon MQ operation a request names (as <see cref="Handle"/> routes it), for counting; "Unknown" otherwise.</summary>
    public static string OperationName(string method, IReadOnlyList<string> path) =>
        (method, path.Count, path.ElementAtOrDefault(0), path.ElementAtOrDefault(2)) switch
        {
            ("GET", 1, "brokers", _) => "ListBrokers",
            ("POST", 1, "brokers", _) => "CreateBroker",
            ("GET", 2, "brokers", _) => "DescribeBroker",
            ("PUT", 2, "brokers", _) => "UpdateBroker",
            ("DELETE", 2, "brokers", _) => "DeleteBroker",
            ("POST", 3, "brokers", "reboot") => "RebootBroker",
            ("GET", 3, "brokers", "users") => "ListUsers",
            ("GET", 4, "brokers", "users") => "DescribeUser",
            ("POST", 4, "brokers", "users") => "CreateUser",
            ("PUT", 4, "brokers", "users") => "UpdateUser",
            ("POST", 2, "tags", _) => "CreateTags",
            ("GET", 1, "configurations", _) => "ListConfigurations",
            ("POST", 1, "configurations", _) => "CreateConfiguration",
            ("GET", 2, "configurations", _) => "DescribeConfiguration",
            ("PUT", 2, "configurations", _) => "UpdateConfiguration",
            ("GET", 3, "configurations", "revisions") => "ListConfigurationRevisions",
            ("GET", 4, "configurations", "revisions") => "DescribeConfigurationRevision",
            _ => "Unknown",
        };

    /// <summary>A plain-text status page for one broker instance (its <c>consoleURL</c>).</summary>
    public string? ConsoleText(string brokerId, int instance)
    {
        lock (_gate)
        {
            var broker = _data.Brokers.FirstOrDefault(b => b.Id == brokerId);
            if (broker is null || instance < 1 || instance > broker.Instances.Count)
            {
                return null;
            }

            var i = broker.Instances[instance - 1];
            return $"{broker.Name} ({broker.Id}) instance {instance}: {DisplayState(broker)}\n" +
                $"ssl://127.0.0.1:{i.OpenWirePort}\nstomp+ssl://127.0.0.1:{i.StompPort}\n" +
                $"configuration {broker.Current.Id} revision {broker.Current.Revision}\n";
        }
    }

    // ---- brokers ------------------------------------------------------------------------------------------

    private JsonObject CreateBroker(JsonObject r)
    {
        var name = Json.String(r, "brokerName") ?? throw Missing("brokerName");
        if (!BrokerNamePattern().IsMatch(name))
        {
            throw BadRequest("Broker name must be 1-50 characters long and can contain only alphanumeric characters, dashes, and underscores.", "brokerName");
        }

        var engineType = Json.String(r, "engineType") ?? throw Missing("engineType");
        if (!engineType.Equals("ACTIVEMQ", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Engine type [{engineType}] is not supported by the local endpoint, which runs ActiveMQ brokers only.", "engineType");
        }

        var engineVersion = Json.String(r, "engineVersion") ?? throw Missing("engineVersion");
        if (!EngineVersionPattern().IsMatch(engineVersion))
        {
            throw BadRequest($"Broker engine version [{engineVersion}] is invalid. Valid values: 5.15, 5.16, 5.17, 5.18 (optionally with a patch version).", "engineVersion");
        }

        var instanceType = Json.String(r, "hostInstanceType") ?? throw Missing("hostInstanceType");
        if (!InstanceTypes.Contains(instanceType))
        {
            throw BadRequest($"Broker instance type [{instanceType}] is invalid. Valid values: [{string.Join(", ", InstanceTypes)}].", "hostInstanceType");
        }

        var mode = Json.String(r, "deploymentMode") ?? throw Missing("deploymentMode");
        if (mode is not (SingleInstance or ActiveStandby))
        {
            throw BadRequest($"Deployment mode [{mode}] is invalid for ActiveMQ. Valid values: [{SingleInstance}, {ActiveStandby}].", "deploymentMode");
        }

        if (mode == ActiveStandby && instanceType is "mq.t2.micro" or "mq.t3.micro")
        {
            throw BadRequest($"Broker instance type [{instanceType}] is not supported for deployment mode [{ActiveStandby}].", "hostInstanceType");
        }

        var publiclyAccessible = Json.Bool(r, "publiclyAccessible") ?? throw Missing("publiclyAccessible");
        var autoMinor = Json.Bool(r, "autoMinorVersionUpgrade") ?? false;
        var subnetIds = Json.Strings(r, "subnetIds") ?? [];
        var instances = mode == ActiveStandby ? 2 : 1;
        if (subnetIds.Count > 0 && subnetIds.Count != instances)
        {
            throw BadRequest(mode == ActiveStandby
                ? $"Specify 2 subnets for deployment mode [{ActiveStandby}]; you specified {subnetIds.Count}."
                : $"Specify 1 subnet for deployment mode [{SingleInstance}]; you specified {subnetIds.Count}.", "subnetIds");
        }

        if (subnetIds.Distinct(StringComparer.Ordinal).Count() != subnetIds.Count)
        {
            throw BadRequest("The subnets of an active/standby broker must be in different Availability Zones.", "subnetIds");
        }

        var securityGroups = Json.Strings(r, "securityGroups") ?? [];
        if (securityGroups.Count > 5)
        {
            throw BadRequest("You can specify at most 5 security groups.", "securityGroups");
        }

        var storageType = Json.String(r, "storageType") ?? "EFS";
        if (storageType is not ("EBS" or "EFS") || (mode == ActiveStandby && storageType == "EBS"))
        {
            throw BadRequest($"Storage type [{storageType}] is invalid here. Valid values: EFS, and EBS for single-instance brokers.", "storageType");
        }

        var strategy = Json.String(r, "authenticationStrategy") ?? "SIMPLE";
        if (!strategy.Equals("SIMPLE", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Authentication strategy [{strategy}] is not supported by the local endpoint; use SIMPLE.", "authenticationStrategy");
        }

        var users = Json.Objects(r, "users") ?? throw Missing("users");
        if (users.Count == 0)
        {
            throw BadRequest("A broker needs at least one ActiveMQ user.", "users");
        }

        var userRecords = users.Select(u => NewUser(u, pendingChange: null)).ToList();
        var duplicateUser = userRecords.GroupBy(u => u.Username, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicateUser is not null)
        {
            throw BadRequest($"User [{duplicateUser.Key}] is listed twice.", "users");
        }

        var requestedConfiguration = Json.Object(r, "configuration");
        var tags = Json.StringMap(r, "tags") ?? new Dictionary<string, string>();
        var logs = Json.Object(r, "logs");
        var window = Json.Object(r, "maintenanceWindowStartTime");
        var creatorRequestId = Json.String(r, "creatorRequestId");

        BrokerRecord broker;
        lock (_gate)
        {
            if (creatorRequestId is { Length: > 0 } && _data.Brokers.FirstOrDefault(b => b.CreatorRequestId == creatorRequestId) is { } same)
            {
                if (same.Name != name)
                {
                    throw new ServiceError(409, "ConflictException",
                        $"The creatorRequestId [{creatorRequestId}] was used before for broker [{same.Name}] with different parameters.", "creatorRequestId");
                }

                return new JsonObject { ["brokerArn"] = same.Arn, ["brokerId"] = same.Id };
            }

            if (_data.Brokers.Any(b => b.Name == name))
            {
                throw new ServiceError(409, "ConflictException", $"A broker with the name [{name}] already exists in this account and region.", "brokerName");
            }

            ConfigRef configuration;
            if (requestedConfiguration is not null)
            {
                var id = Json.String(requestedConfiguration, "id") ?? throw Missing("configuration.id");
                var config = _data.Configurations.FirstOrDefault(c => c.Id == id)
                    ?? throw BadRequest($"Configuration [{id}] does not exist.", "configuration");
                var revision = Json.Int(requestedConfiguration, "revision") ?? config.Latest.Revision;
                if (config.Revisions.All(v => v.Revision != revision))
                {
                    throw BadRequest($"Revision [{revision}] of configuration [{id}] does not exist.", "configuration");
                }

                configuration = new ConfigRef { Id = id, Revision = revision };
            }
            else
            {
                var config = NewConfiguration($"{name}-configuration", engineVersion, tags: new Dictionary<string, string>(),
                    $"Auto-generated default for {name} on ActiveMQ {engineVersion}");
                configuration = new ConfigRef { Id = config.Id, Revision = 1 };
            }

            var subnets = subnetIds.Count > 0 ? subnetIds : _context.Ec2.DefaultSubnets(instances);
            _context.Ec2.EnsureSubnets(subnets);
            IReadOnlyList<string> groups = securityGroups.Count > 0 ? securityGroups : [_context.Ec2.DefaultSecurityGroupId()];
            _context.Ec2.EnsureSecurityGroups(groups, $"broker {name}");

            var brokerId = "b-" + Guid.NewGuid().ToString("D");
            broker = new BrokerRecord
            {
                Id = brokerId,
                Name = name,
                Arn = $"arn:aws:mq:{_context.Region}:{_context.AccountId}:broker:{name}:{brokerId}",
                State = Creating,
                CreatorRequestId = creatorRequestId,
                Created = DateTimeOffset.UtcNow,
                EngineVersion = engineVersion,
                HostInstanceType = instanceType,
                DeploymentMode = mode,
                PubliclyAccessible = publiclyAccessible,
                AutoMinorVersionUpgrade = autoMinor,
                StorageType = storageType,
                SubnetIds = [.. subnets],
                SecurityGroups = [.. groups],
                Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
                GeneralLogs = logs is not null && (Json.Bool(logs, "general") ?? false),
                AuditLogs = logs is not null && (Json.Bool(logs, "audit") ?? false),
                MaintenanceWindow = window is null ? new MaintenanceWindow() : new MaintenanceWindow
                {
                    DayOfWeek = Json.String(window, "dayOfWeek") ?? "SUNDAY",
                    TimeOfDay = Json.String(window, "timeOfDay") ?? "00:00",
                    TimeZone = Json.String(window, "timeZone") ?? "UTC",
                },
                Current = configuration,
                Users = userRecords,
                Instances = [.. Enumerable.Range(0, instances).Select(_ => new InstanceRecord { OpenWirePort = FreePorts.Allocate(), StompPort = FreePorts.Allocate() })],
            };
            _data.Brokers.Add(broker);
            Save();
        }

        _context.Log($"mq: {broker.Name} ({broker.Id}) {Creating}");
        _context.Activity.RecordBrokerState(broker.Name, broker.Id, Creating);
        var created = broker.Id;
        Schedule($"creation of {broker.Name}", ct => CreateAsync(created, ct));
        return new JsonObject { ["brokerArn"] = broker.Arn, ["brokerId"] = broker.Id };
    }

    private JsonObject DescribeBroker(string id)
    {
        lock (_gate)
        {
            var b = Broker(id);
            var state = DisplayState(b);
            var instances = new JsonArray();
            if (state is Running or Rebooting or CriticalActionRequired)
            {
                var endpoint = _context.Endpoint();
                for (var n = 0; n < b.Instances.Count; n++)
                {
                    var i = b.Instances[n];
                    instances.Add(new JsonObject
                    {
                        ["consoleURL"] = new Uri(endpoint, $"_localcloud/console/{b.Id}/{n + 1}").AbsoluteUri,
                        ["endpoints"] = new JsonArray($"ssl://127.0.0.1:{Port(i.OpenWirePort)}", $"stomp+ssl://127.0.0.1:{Port(i.StompPort)}"),
                        ["ipAddress"] = "127.0.0.1",
                    });
                }
            }

            var response = new JsonObject
            {
                ["actionsRequired"] = b.ActionRequiredCode is { } code
                    ? new JsonArray(new JsonObject { ["actionRequiredCode"] = code, ["actionRequiredInfo"] = b.ActionRequiredInfo })
                    : new JsonArray(),
                ["authenticationStrategy"] = b.AuthenticationStrategy,
                ["autoMinorVersionUpgrade"] = b.AutoMinorVersionUpgrade,
                ["brokerArn"] = b.Arn,
                ["brokerId"] = b.Id,
                ["brokerInstances"] = instances,
                ["brokerName"] = b.Name,
                ["brokerState"] = state,
                ["configurations"] = new JsonObject
                {
                    ["current"] = Ref(b.Current),
                    ["history"] = new JsonArray([.. b.History.Select(h => (JsonNode)Ref(h))]),
                    ["pending"] = b.Pending is { } pending ? Ref(pending) : null,
                },
                ["created"] = Iso(b.Created),
                ["deploymentMode"] = b.DeploymentMode,
                ["encryptionOptions"] = new JsonObject { ["useAwsOwnedKey"] = true },
                ["engineType"] = "ActiveMQ",
                ["engineVersion"] = b.EngineVersion,
                ["hostInstanceType"] = b.HostInstanceType,
                ["logs"] = new JsonObject { ["audit"] = b.AuditLogs, ["general"] = b.GeneralLogs },
                ["maintenanceWindowStartTime"] = new JsonObject
                {
                    ["dayOfWeek"] = b.MaintenanceWindow.DayOfWeek,
                    ["timeOfDay"] = b.MaintenanceWindow.TimeOfDay,
                    ["timeZone"] = b.MaintenanceWindow.TimeZone,
                },
                ["pendingEngineVersion"] = b.PendingEngineVersion,
                ["pendingHostInstanceType"] = b.PendingHostInstanceType,
                ["pendingSecurityGroups"] = b.PendingSecurityGroups is { } pendingGroups ? new JsonArray([.. pendingGroups.Select(g => (JsonNode)g)]) : null,
                ["publiclyAccessible"] = b.PubliclyAccessible,
                ["securityGroups"] = Strings(b.SecurityGroups),
                ["storageType"] = b.StorageType,
                ["subnetIds"] = Strings(b.SubnetIds),
                ["tags"] = new JsonObject([.. b.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]),
                ["users"] = new JsonArray([.. b.Users.Select(u => (JsonNode)UserSummary(u))]),
            };
            return WithoutNulls(response);
        }
    }

    private JsonObject ListBrokers(Func<string, string?> query)
    {
        var (max, offset) = Paging(query, "maxResults", 1, 100);
        lock (_gate)
        {
            var all = _data.Brokers.OrderBy(b => b.Created).ToList();
            var page = all.Skip(offset).Take(max).ToList();
            var response = new JsonObject
            {
                ["brokerSummaries"] = new JsonArray([.. page.Select(BrokerSummary)]),
            };
            if (offset + page.Count < all.Count)
            {
                response["nextToken"] = Token(offset + page.Count);
            }

            return response;
        }
    }

    private JsonNode BrokerSummary(BrokerRecord b) => new JsonObject
    {
        ["brokerArn"] = b.Arn,
        ["brokerId"] = b.Id,
        ["brokerName"] = b.Name,
        ["brokerState"] = DisplayState(b),
        ["created"] = Iso(b.Created),
        ["deploymentMode"] = b.DeploymentMode,
        ["engineType"] = "ActiveMQ",
        ["hostInstanceType"] = b.HostInstanceType,
    };

    private JsonObject UpdateBroker(string id, JsonObject r)
    {
        var configuration = Json.Object(r, "configuration");
        var securityGroups = Json.Strings(r, "securityGroups");
        var engineVersion = Json.String(r, "engineVersion");
        var instanceType = Json.String(r, "hostInstanceType");
        var autoMinor = Json.Bool(r, "autoMinorVersionUpgrade");
        var logs = Json.Object(r, "logs");
        var window = Json.Object(r, "maintenanceWindowStartTime");
        if (Json.String(r, "authenticationStrategy") is { } strategy && !strategy.Equals("SIMPLE", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Authentication strategy [{strategy}] is not supported by the local endpoint; use SIMPLE.", "authenticationStrategy");
        }

        lock (_gate)
        {
            var b = Broker(id);
            if (b.State is Creating or Deleting or CreationFailed)
            {
                throw new ServiceError(409, "ConflictException", $"Broker [{id}] is in state [{b.State}] and cannot be updated now.", "broker-id");
            }

            InjectConsoleEdit(b);
            if (configuration is not null)
            {
                var configId = Json.String(configuration, "id") ?? throw Missing("configuration.id");
                var config = _data.Configurations.FirstOrDefault(c => c.Id == configId)
                    ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested configuration [{configId}]. Make sure your configuration exists.", "configuration");
                var revision = Json.Int(configuration, "revision") ?? config.Latest.Revision;
                if (config.Revisions.All(v => v.Revision != revision))
                {
                    throw new ServiceError(404, "NotFoundException", $"Can't find requested revision [{revision}] of configuration [{configId}].", "configuration");
                }

                var wanted = new ConfigRef { Id = configId, Revision = revision };
                b.Pending = b.Current.SameAs(wanted) ? null : wanted;
            }

            if (securityGroups is not null)
            {
                if (securityGroups.Count is 0 or > 5)
                {
                    throw BadRequest("Specify 1 to 5 security groups.", "securityGroups");
                }

                _context.Ec2.EnsureSecurityGroups(securityGroups, $"broker {b.Name}");
                b.PendingSecurityGroups = securityGroups.SequenceEqual(b.SecurityGroups) ? null : [.. securityGroups];
            }

            if (engineVersion is not null)
            {
                if (!EngineVersionPattern().IsMatch(engineVersion))
                {
                    throw BadRequest($"Broker engine version [{engineVersion}] is invalid.", "engineVersion");
                }

                b.PendingEngineVersion = engineVersion == b.EngineVersion ? null : engineVersion;
            }

            if (instanceType is not null)
            {
                if (!InstanceTypes.Contains(instanceType))
                {
                    throw BadRequest($"Broker instance type [{instanceType}] is invalid.", "hostInstanceType");
                }

                b.PendingHostInstanceType = instanceType == b.HostInstanceType ? null : instanceType;
            }

            if (autoMinor is { } minor)
            {
                b.AutoMinorVersionUpgrade = minor;
            }

            if (logs is not null)
            {
                b.GeneralLogs = Json.Bool(logs, "general") ?? b.GeneralLogs;
                b.AuditLogs = Json.Bool(logs, "audit") ?? b.AuditLogs;
            }

            if (window is not null)
            {
                b.MaintenanceWindow = new MaintenanceWindow
                {
                    DayOfWeek = Json.String(window, "dayOfWeek") ?? b.MaintenanceWindow.DayOfWeek,
                    TimeOfDay = Json.String(window, "timeOfDay") ?? b.MaintenanceWindow.TimeOfDay,
                    TimeZone = Json.String(window, "timeZone") ?? b.MaintenanceWindow.TimeZone,
                };
            }

            Save();
            return WithoutNulls(new JsonObject
            {
                ["authenticationStrategy"] = b.AuthenticationStrategy,
                ["autoMinorVersionUpgrade"] = b.AutoMinorVersionUpgrade,
                ["brokerId"] = b.Id,
                ["configuration"] = Ref(b.Pending ?? b.Current),
                ["engineVersion"] = b.PendingEngineVersion ?? b.EngineVersion,
                ["hostInstanceType"] = b.PendingHostInstanceType ?? b.HostInstanceType,
                ["logs"] = new JsonObject { ["audit"] = b.AuditLogs, ["general"] = b.GeneralLogs },
                ["maintenanceWindowStartTime"] = new JsonObject
                {
                    ["dayOfWeek"] = b.MaintenanceWindow.DayOfWeek,
                    ["timeOfDay"] = b.MaintenanceWindow.TimeOfDay,
                    ["timeZone"] = b.MaintenanceWindow.TimeZone,
                },
                ["securityGroups"] = Strings(b.PendingSecurityGroups ?? b.SecurityGroups),
            });
        }
    }

    private JsonObject RebootBroker(string id)
    {
        lock (_gate)
        {
            var b = Broker(id);
            var state = DisplayState(b);
            if (state is not (Running or CriticalActionRequired))
            {
                throw BadRequest($"Broker [{id}] is in state [{state}]; only a RUNNING broker can be rebooted.", "broker-id");
            }

            b.State = Rebooting;
            Save();
            _context.Log($"mq: {b.Name} ({b.Id}) {Rebooting}");
            _context.Activity.RecordBrokerState(b.Name, b.Id, Rebooting);
            Schedule($"reboot of {b.Name}", ct => RebootAsync(id, ct));
            return [];
        }
    }

    private JsonObject DeleteBroker(string id)
    {
        lock (_gate)
        {
            var b = Broker(id);
            var state = DisplayState(b);
            if (state is not (Running or CreationFailed or CriticalActionRequired))
            {
                throw BadRequest($"Broker [{id}] is in state [{state}]; a broker can be deleted when it is RUNNING (or failed).", "broker-id");
            }

            b.State = Deleting;
            Save();
            _context.Log($"mq: {b.Name} ({b.Id}) {Deleting}");
            _context.Activity.RecordBrokerState(b.Name, b.Id, Deleting);
            Schedule($"deletion of {b.Name}", ct => DeleteAsync(id, ct));
            return new JsonObject { ["brokerId"] = id };
        }
    }

    // ---- users ------------------------------------------------------------------------------------------------

    private JsonObject ListUsers(string id, Func<string, string?> query)
    {
        var (max, offset) = Paging(query, "maxResults", 1, 100);
        lock (_gate)
        {
            var b = Broker(id);
            var page = b.Users.Skip(offset).Take(max).ToList();
            var response = new JsonObject
            {
                ["brokerId"] = b.Id,
                ["maxResults"] = max,
                ["users"] = new JsonArray([.. page.Select(u => (JsonNode)UserSummary(u))]),
            };
            if (offset + page.Count < b.Users.Count)
            {
                response["nextToken"] = Token(offset + page.Count);
            }

            return response;
        }
    }

    private JsonObject DescribeUser(string id, string username)
    {
        lock (_gate)
        {
            var b = Broker(id);
            var u = b.Users.FirstOrDefault(x => x.Username == username)
                ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested user [{username}]. Make sure your user exists.", "username");
            var response = new JsonObject { ["brokerId"] = b.Id, ["username"] = u.Username };
            if (u.PendingChange is { } change)
            {
                response["pending"] = new JsonObject
                {
                    ["consoleAccess"] = u.ConsoleAccess,
                    ["groups"] = Strings(u.Groups),
                    ["pendingChange"] = change,
                };
            }
            else
            {
                response["consoleAccess"] = u.ConsoleAccess;
                response["groups"] = Strings(u.Groups);
            }

            return response;
        }
    }

    private JsonObject CreateUser(string id, string username, JsonObject r)
    {
        var body = new JsonObject
        {
            ["username"] = username,
            ["password"] = Json.String(r, "password"),
            ["consoleAccess"] = Json.Bool(r, "consoleAccess"),
            ["groups"] = Json.Strings(r, "groups") is { } groups ? Strings(groups) : null,
        };
        var user = NewUser(body, pendingChange: "CREATE");
        lock (_gate)
        {
            var b = Broker(id);
            if (b.State is Deleting)
            {
                throw new ServiceError(409, "ConflictException", $"Broker [{id}] is being deleted.", "broker-id");
            }

            if (b.Users.Any(u => u.Username == username))
            {
                throw new ServiceError(409, "ConflictException", $"User [{username}] already exists on broker [{id}].", "username");
            }

            b.Users.Add(user);
            Save();
            return [];
        }
    }

    // Like Amazon MQ: the change is pending (pendingChange UPDATE) and the broker keeps the old password until its next reboot.
    private JsonObject UpdateUser(string id, string username, JsonObject r)
    {
        var password = Json.String(r, "password");
        if (password is not null)
        {
            CheckPassword(password);
        }

        var consoleAccess = Json.Bool(r, "consoleAccess");
        var groups = Json.Strings(r, "groups");
        lock (_gate)
        {
            var b = Broker(id);
            if (b.State is Deleting)
            {
                throw new ServiceError(409, "ConflictException", $"Broker [{id}] is being deleted.", "broker-id");
            }

            var u = b.Users.FirstOrDefault(x => x.Username == username)
                ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested user [{username}]. Make sure your user exists.", "username");
            if (u.PendingChange == "CREATE")
            {
                // Not on the broker yet: the creation itself carries the new values.
                u.EncryptedPassword = password is null ? u.EncryptedPassword : _context.Secrets.Encrypt(password);
                u.ConsoleAccess = consoleAccess ?? u.ConsoleAccess;
                u.Groups = groups is null ? u.Groups : [.. groups];
            }
            else
            {
                u.PendingEncryptedPassword = password is null ? u.PendingEncryptedPassword : _context.Secrets.Encrypt(password);
                u.PendingConsoleAccess = consoleAccess ?? u.PendingConsoleAccess;
                u.PendingGroups = groups is null ? u.PendingGroups : [.. groups];
                u.PendingChange = "UPDATE";
            }

            Save();
            return [];
        }
    }

    private JsonObject CreateTags(string arn, JsonObject r)
    {
        var tags = r["tags"] as JsonObject ?? throw Missing("tags");
        lock (_gate)
        {
            var target = _data.Brokers.FirstOrDefault(b => b.Arn == arn)?.Tags
                ?? _data.Configurations.FirstOrDefault(c => c.Arn == arn)?.Tags
                ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested resource [{arn}].", "resource-arn");
            foreach (var (key, value) in tags)
            {
                target[key] = value?.GetValue<string>() ?? "";
            }

            Save();
            return [];
        }
    }

    private static void CheckPassword(string password)
    {
        if (password.Length < 12 || password.Length > 250 || password.Distinct().Count() < 4 || password.IndexOfAny([',', ':', '=']) >= 0)
        {
            // Never echo the password.
            throw BadRequest("Password must be 12-250 characters long, contain at least 4 unique characters, and cannot contain commas, colons, or equal signs.", "password");
        }
    }

    private UserRecord NewUser(JsonObject u, string? pendingChange)
    {
        var username = Json.String(u, "username") ?? throw Missing("username");
        if (!UsernamePattern().IsMatch(username))
        {
            throw BadRequest("Username must be 2-100 characters long and can contain only alphanumeric characters, dashes, periods, underscores, and tildes (- . _ ~).", "username");
        }

        var password = Json.String(u, "password") ?? throw Missing("password");
        if (password.Length < 12 || password.Length > 250 || password.Distinct().Count() < 4 || password.IndexOfAny([',', ':', '=']) >= 0)
        {
            // Never echo the password.
            throw BadRequest("Password must be 12-250 characters long, contain at least 4 unique characters, and cannot contain commas, colons, or equal signs.", "password");
        }

        return new UserRecord
        {
            Username = username,
            EncryptedPassword = _context.Secrets.Encrypt(password),
            ConsoleAccess = Json.Bool(u, "consoleAccess") ?? false,
            Groups = [.. Json.Strings(u, "groups") ?? []],
            PendingChange = pendingChange,
        };
    }

    // ---- configurations ---------------------------------------------------------------------------------------

    private JsonObject CreateConfiguration(JsonObject r)
    {
        var name = Json.String(r, "name") ?? throw Missing("name");
        if (!ConfigurationNamePattern().IsMatch(name))
        {
            throw BadRequest("Configuration name must be 1-150 characters long and can contain only alphanumeric characters, dashes, periods, underscores, and tildes (- . _ ~).", "name");
        }

        var engineType = Json.String(r, "engineType") ?? throw Missing("engineType");
        if (!engineType.Equals("ACTIVEMQ", StringComparison.OrdinalIgnoreCase))
        {
            throw BadRequest($"Engine type [{engineType}] is not supported by the local endpoint.", "engineType");
        }

        var engineVersion = Json.String(r, "engineVersion") ?? throw Missing("engineVersion");
        var tags = Json.StringMap(r, "tags") ?? new Dictionary<string, string>();
        lock (_gate)
        {
            var config = NewConfiguration(name, engineVersion, tags, $"Auto-generated default for {name} on ActiveMQ {engineVersion}");
            Save();
            return new JsonObject
            {
                ["arn"] = config.Arn,
                ["authenticationStrategy"] = config.AuthenticationStrategy,
                ["created"] = Iso(config.Created),
                ["id"] = config.Id,
                ["latestRevision"] = RevisionSummary(config.Latest),
                ["name"] = config.Name,
            };
        }
    }

    private JsonObject ListConfigurations(Func<string, string?> query)
    {
        var (max, offset) = Paging(query, "maxResults", 1, 100);
        lock (_gate)
        {
            var page = _data.Configurations.Skip(offset).Take(max).ToList();
            var response = new JsonObject
            {
                ["configurations"] = new JsonArray([.. page.Select(c => (JsonNode)ConfigurationJson(c))]),
                ["maxResults"] = max,
            };
            if (offset + page.Count < _data.Configurations.Count)
            {
                response["nextToken"] = Token(offset + page.Count);
            }

            return response;
        }
    }

    private JsonObject DescribeConfiguration(string id)
    {
        lock (_gate)
        {
            return ConfigurationJson(Configuration(id));
        }
    }

    private JsonObject ListConfigurationRevisions(string id, Func<string, string?> query)
    {
        var (max, offset) = Paging(query, "maxResults", 1, 100);
        lock (_gate)
        {
            var config = Configuration(id);
            var page = config.Revisions.Skip(offset).Take(max).ToList();
            var response = new JsonObject
            {
                ["configurationId"] = config.Id,
                ["maxResults"] = max,
                ["revisions"] = new JsonArray([.. page.Select(v => (JsonNode)RevisionSummary(v))]),
            };
            if (offset + page.Count < config.Revisions.Count)
            {
                response["nextToken"] = Token(offset + page.Count);
            }

            return response;
        }
    }

    private JsonObject DescribeConfigurationRevision(string id, string revisionText)
    {
        if (!int.TryParse(revisionText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw BadRequest($"Configuration revision [{revisionText}] is not a positive whole number.", "configuration-revision");
        }

        lock (_gate)
        {
            var config = Configuration(id);
            var revision = config.Revisions.FirstOrDefault(v => v.Revision == number)
                ?? throw new ServiceError(404, "NotFoundException",
                    $"Can't find requested revision [{number}] of configuration [{id}]. Make sure your configuration revision exists.", "configuration-revision");
            return WithoutNulls(new JsonObject
            {
                ["configurationId"] = config.Id,
                ["created"] = Iso(revision.Created),
                ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(revision.Xml)),
                ["description"] = revision.Description,
            });
        }
    }

    private JsonObject UpdateConfiguration(string id, JsonObject r)
    {
        var data = Json.String(r, "data") ?? throw Missing("data");
        var description = Json.String(r, "description");
        string xml;
        try
        {
            xml = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(data));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw BadRequest("The configuration data must be base64-encoded UTF-8 XML.", "data");
        }

        lock (_gate)
        {
            var config = Configuration(id);
            if (config.Revisions.Count >= 300)
            {
                throw BadRequest($"Configuration [{id}] already has 300 revisions, the most Amazon MQ keeps.", "configuration-id");
            }

            var (stored, warnings) = ConfigurationSanitizer.Sanitize(xml);
            var revision = new RevisionRecord
            {
                Revision = config.Latest.Revision + 1,
                Created = DateTimeOffset.UtcNow,
                Description = description,
                Xml = stored,
            };
            config.Revisions.Add(revision);
            Save();
            return new JsonObject
            {
                ["arn"] = config.Arn,
                ["created"] = Iso(revision.Created),
                ["id"] = config.Id,
                ["latestRevision"] = RevisionSummary(revision),
                ["name"] = config.Name,
                ["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)WithoutNulls(new JsonObject
                {
                    ["attributeName"] = w.AttributeName,
                    ["elementName"] = w.ElementName,
                    ["reason"] = w.Reason,
                }))]),
            };
        }
    }

    private ConfigurationRecord NewConfiguration(string name, string engineVersion, IReadOnlyDictionary<string, string> tags, string description)
    {
        var id = "c-" + Guid.NewGuid().ToString("D");
        var now = DateTimeOffset.UtcNow;
        var config = new ConfigurationRecord
        {
            Id = id,
            Arn = $"arn:aws:mq:{_context.Region}:{_context.AccountId}:configuration:{id}",
            Name = name,
            Description = description,
            EngineVersion = engineVersion,
            Created = now,
            Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
            Revisions = [new RevisionRecord { Revision = 1, Created = now, Description = description, Xml = AmazonMqDefaults.ConfigurationXml }],
        };
        _data.Configurations.Add(config);
        return config;
    }

    private JsonObject ConfigurationJson(ConfigurationRecord c) => WithoutNulls(new JsonObject
    {
        ["arn"] = c.Arn,
        ["authenticationStrategy"] = c.AuthenticationStrategy,
        ["created"] = Iso(c.Created),
        ["description"] = c.Description,
        ["engineType"] = "ActiveMQ",
        ["engineVersion"] = c.EngineVersion,
        ["id"] = c.Id,
        ["latestRevision"] = RevisionSummary(c.Latest),
        ["name"] = c.Name,
        ["tags"] = new JsonObject([.. c.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]),
    });

    private static JsonObject RevisionSummary(RevisionRecord v) => WithoutNulls(new JsonObject
    {
        ["created"] = Iso(v.Created),
        ["description"] = v.Description,
        ["revision"] = v.Revision,
    });

    // ---- background lifecycle ------------------------------------------------------------------------------------

    private sealed record StartSpec(string Name, string Xml, IReadOnlyList<BrokerUser> Users, IReadOnlyList<InstanceRecord> Instances, bool ActiveStandby);

    private async Task CreateAsync(string id, CancellationToken ct)
    {
        var lifecycle = Lifecycle(id);
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var delay = _context.Faults.StartDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }

            StartSpec spec;
            lock (_gate)
            {
                if (Find(id) is not { State: Creating } b)
                {
                    return;
                }

                spec = Spec(b);
            }

            if (_context.Faults.FailsCreation(spec.Name))
            {
                SetState(id, CreationFailed, "fault injected: FailCreationOf names this broker");
                return;
            }

            var error = await StartProcessAsync(id, spec, ct).ConfigureAwait(false);
            SetState(id, error is null ? Running : CreationFailed, error);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops a broker's JVM(s) without telling the API, as if the broker crashed: the record keeps its state (RUNNING
    /// stays RUNNING, as Amazon MQ keeps reporting it until its own recovery acts), its endpoints stop answering, and a
    /// RebootBroker starts it again. Null when there is no such broker; false when no JVM was running.
    /// </summary>
    public async Task<bool?> CrashAsync(string id)
    {
        lock (_gate)
        {
            if (Find(id) is null)
            {
                return null;
            }
        }

        // Under the lifecycle lock, so a crash never interleaves with a start or reboot in progress.
        var lifecycle = Lifecycle(id);
        await lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            bool running;
            lock (_gate)
            {
                running = _processes.ContainsKey(id);
            }

            await StopProcessAsync(id).ConfigureAwait(false);
            _context.Log($"mq: {id} JVM(s) stopped through /_localcloud (simulated crash); the API still reports its state");
            return running;
        }
        finally
        {
            lifecycle.Release();
        }
    }

    private async Task RebootAsync(string id, CancellationToken ct)
    {
        var lifecycle = Lifecycle(id);
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (Find(id) is not { State: Rebooting })
                {
                    return;
                }
            }

            await StopProcessAsync(id).ConfigureAwait(false);
            var delay = _context.Faults.RebootDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }

            StartSpec spec;
            lock (_gate)
            {
                var b = Find(id)!;
                if (b.Pending is { } pending)
                {
                    b.History.Add(b.Current);
                    b.Current = pending;
                    b.Pending = null;
                }

                foreach (var user in b.Users)
                {
                    user.PendingChange = null;
                    user.EncryptedPassword = user.PendingEncryptedPassword ?? user.EncryptedPassword;
                    user.ConsoleAccess = user.PendingConsoleAccess ?? user.ConsoleAccess;
                    user.Groups = user.PendingGroups ?? user.Groups;
                    (user.PendingEncryptedPassword, user.PendingConsoleAccess, user.PendingGroups) = (null, null, null);
                }

                b.SecurityGroups = b.PendingSecurityGroups ?? b.SecurityGroups;
                b.PendingSecurityGroups = null;
                b.EngineVersion = b.PendingEngineVersion ?? b.EngineVersion;
                b.PendingEngineVersion = null;
                b.HostInstanceType = b.PendingHostInstanceType ?? b.HostInstanceType;
                b.PendingHostInstanceType = null;
                Save();
                spec = Spec(b);
            }

            var error = await StartProcessAsync(id, spec, ct).ConfigureAwait(false);
            SetState(id, error is null ? Running : CriticalActionRequired, error);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    private async Task RestartAfterHostStartAsync(string id, CancellationToken ct)
    {
        var lifecycle = Lifecycle(id);
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            StartSpec spec;
            lock (_gate)
            {
                if (Find(id) is not { State: Running } b)
                {
                    _restarting.Remove(id);
                    return;
                }

                spec = Spec(b);
            }

            var error = await StartProcessAsync(id, spec, ct).ConfigureAwait(false);
            lock (_gate)
            {
                _restarting.Remove(id);
            }

            SetState(id, error is null ? Running : CriticalActionRequired, error);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    private async Task DeleteAsync(string id, CancellationToken ct)
    {
        var lifecycle = Lifecycle(id);
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await StopProcessAsync(id).ConfigureAwait(false);
            var folder = Path.Combine(BrokersDirectory, id);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            lock (_gate)
            {
                if (Find(id) is { } b)
                {
                    _data.Brokers.Remove(b);
                    Save();
                    _context.Log($"mq: {b.Name} ({b.Id}) deleted");
                    _context.Activity.RecordBrokerState(b.Name, b.Id, "DELETED");
                }
            }
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Starts the broker's processes; returns null once they accept connections and report the start complete, else why not (with the log's last lines).</summary>
    private async Task<string?> StartProcessAsync(string id, StartSpec spec, CancellationToken ct)
    {
        BrokerProcess? process = null;
        try
        {
            process = BrokerProcess.Prepare(_context.Installation, _context.Tls, _context.BrokerOptions, Path.Combine(BrokersDirectory, id),
                spec.Name, spec.Xml, spec.Users, spec.Instances, spec.ActiveStandby);
            lock (_gate)
            {
                _processes[id] = process;
            }

            await process.StartAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (process is not null)
            {
                lock (_gate)
                {
                    _processes.Remove(id);
                }

                await process.DisposeAsync().ConfigureAwait(false);
            }

            return e.Message;
        }
    }

    private async Task StopProcessAsync(string id)
    {
        BrokerProcess? process;
        lock (_gate)
        {
            if (_processes.Remove(id, out process))
            {
                // stopped below
            }
        }

        if (process is not null)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    private StartSpec Spec(BrokerRecord b)
    {
        var config = _data.Configurations.First(c => c.Id == b.Current.Id);
        var xml = config.Revisions.First(v => v.Revision == b.Current.Revision).Xml;
        var users = b.Users
            .Where(u => u.PendingChange != "CREATE")
            .Select(u => new BrokerUser(u.Username, _context.Secrets.Decrypt(u.EncryptedPassword), u.Groups.Count > 0 ? u.Groups : ["admin", "users"]))
            .ToList();
        return new StartSpec(b.Name, xml, users, b.Instances, b.IsActiveStandby);
    }

    private void SetState(string id, string state, string? reason)
    {
        lock (_gate)
        {
            if (Find(id) is not { } b)
            {
                return;
            }

            b.State = state;
            b.StatusReason = reason;
            if (state == CriticalActionRequired)
            {
                b.ActionRequiredCode = "BROKER_START_FAILED";
                b.ActionRequiredInfo = "The broker did not start with its current configuration; fix the configuration and reboot. " +
                    reason?.Split('\n').FirstOrDefault();
            }
            else
            {
                b.ActionRequiredCode = null;
                b.ActionRequiredInfo = null;
            }

            Save();
            _context.Log($"mq: {b.Name} ({b.Id}) {state}{(reason is null ? "" : $": {reason.Split('\n').FirstOrDefault()}")}");
            _context.Activity.RecordBrokerState(b.Name, b.Id, state);
        }
    }

    private void Schedule(string what, Func<CancellationToken, Task> work)
    {
        lock (_tasks)
        {
            if (_stopping)
            {
                return;
            }

            _tasks.RemoveAll(t => t.IsCompleted);
            var token = _shutdown.Token;
            _tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await work(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // The host is stopping; the state on disk says where to pick up.
                }
                catch (Exception e)
                {
                    _context.Log($"mq: {what} failed: {e.Message}");
                }
            }, CancellationToken.None));
        }
    }

    private SemaphoreSlim Lifecycle(string id) => _lifecycles.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));

    // ---- helpers ---------------------------------------------------------------------------------------------

    private string DisplayState(BrokerRecord b) => _restarting.Contains(b.Id) ? Rebooting : b.State;

    private BrokerRecord? Find(string id) => _data.Brokers.FirstOrDefault(b => b.Id == id);

    private BrokerRecord Broker(string id) =>
        Find(id) ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested broker [{id}]. Make sure your broker exists.", "broker-id");

    private ConfigurationRecord Configuration(string id) =>
        _data.Configurations.FirstOrDefault(c => c.Id == id)
        ?? throw new ServiceError(404, "NotFoundException", $"Can't find requested configuration [{id}]. Make sure your configuration exists.", "configuration-id");

    private void Save() => _file.Save(_data);

    private static JsonObject Ref(ConfigRef r) => new() { ["id"] = r.Id, ["revision"] = r.Revision };

    private static JsonObject UserSummary(UserRecord u) => WithoutNulls(new JsonObject { ["pendingChange"] = u.PendingChange, ["username"] = u.Username });

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject WithoutNulls(JsonObject o)
    {
        foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(key);
        }

        foreach (var child in o.Select(p => p.Value).OfType<JsonObject>())
        {
            WithoutNulls(child);
        }

        return o;
    }

    private static (int Max, int Offset) Paging(Func<string, string?> query, string name, int min, int max)
    {
        var size = max;
        if (query(name) is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < min || size > max))
        {
            throw BadRequest($"{name} must be a whole number from {min} to {max}.", name);
        }

        var offset = 0;
        if (query("nextToken") is { Length: > 0 } token)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                if (!decoded.StartsWith("offset:", StringComparison.Ordinal)
                    || !int.TryParse(decoded["offset:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw BadRequest("The nextToken is not one this service issued.", "nextToken");
            }
        }

        return (size, offset);
    }

    private static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{offset.ToString(CultureInfo.InvariantCulture)}"));

    private static ServiceError BadRequest(string message, string attribute) => new(400, "BadRequestException", message, attribute);

    private static ServiceError Missing(string attribute) => BadRequest($"The request is missing the required parameter [{attribute}].", attribute);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,50}$")]
    private static partial Regex BrokerNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]{2,100}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]{1,150}$")]
    private static partial Regex ConfigurationNamePattern();

    [GeneratedRegex(@"^5\.1[5-8](\.[0-9]+)?$")]
    private static partial Regex EngineVersionPattern();
}
