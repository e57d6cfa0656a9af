using System.Text.Json.Nodes;
using Nob.LocalBrokers;
using Nob.LocalCloud.Http;
using static Nob.LocalCloud.Mq.MqErrors;
using static Nob.LocalCloud.Mq.MqJson;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// Amazon MQ's broker operations (and CreateTags, which tags brokers and configurations): each changes the stored
/// state at once and answers at once; the processes follow in <see cref="BrokerRuntime"/>.
/// </summary>
internal sealed class BrokerOperations(MqContext context, MqStore store, BrokerRuntime runtime, ConsoleEditFault consoleEdit)
{
    public JsonObject Create(JsonObject body)
    {
        var r = MqRequestValidation.CreateBroker(body);
        var userRecords = r.Users.Select(u => UserOperations.NewRecord(context.Secrets, u, pendingChange: null)).ToList();
        BrokerRecord broker;
        lock (store.Gate)
        {
            if (r.CreatorRequestId is { Length: > 0 } && store.Data.Brokers.FirstOrDefault(b => b.CreatorRequestId == r.CreatorRequestId) is { } same)
            {
                if (same.Name != r.Name)
                {
                    throw Conflict($"The creatorRequestId [{r.CreatorRequestId}] was used before for broker [{same.Name}] with different parameters.", "creatorRequestId");
                }

                return new JsonObject { ["brokerArn"] = same.Arn, ["brokerId"] = same.Id };
            }

            if (store.Data.Brokers.Any(b => b.Name == r.Name))
            {
                throw Conflict($"A broker with the name [{r.Name}] already exists in this account and region.", "brokerName");
            }

            ConfigRef configuration;
            if (r.Configuration is { } requested)
            {
                var id = Json.String(requested, "id") ?? throw Missing("configuration.id");
                var config = store.FindConfiguration(id) ?? throw BadRequest($"Configuration [{id}] does not exist.", "configuration");
                var revision = Json.Int(requested, "revision") ?? config.Latest.Revision;
                if (config.Revisions.All(v => v.Revision != revision))
                {
                    throw BadRequest($"Revision [{revision}] of configuration [{id}] does not exist.", "configuration");
                }

                configuration = new ConfigRef { Id = id, Revision = revision };
            }
            else
            {
                var config = store.AddConfiguration($"{r.Name}-configuration", r.EngineVersion, tags: new Dictionary<string, string>(),
                    $"Auto-generated default for {r.Name} on ActiveMQ {r.EngineVersion}");
                configuration = new ConfigRef { Id = config.Id, Revision = 1 };
            }

            var subnets = r.SubnetIds.Count > 0 ? r.SubnetIds : context.Ec2.DefaultSubnets(r.InstanceCount);
            context.Ec2.EnsureSubnets(subnets);
            IReadOnlyList<string> groups = r.SecurityGroups.Count > 0 ? r.SecurityGroups : [context.Ec2.DefaultSecurityGroupId()];
            context.Ec2.EnsureSecurityGroups(groups, $"broker {r.Name}");

            var brokerId = "b-" + Guid.NewGuid().ToString("D");
            broker = new BrokerRecord
            {
                Id = brokerId,
                Name = r.Name,
                Arn = store.BrokerArn(r.Name, brokerId),
                State = BrokerStates.CreationInProgress,
                CreatorRequestId = r.CreatorRequestId,
                Created = DateTimeOffset.UtcNow,
                EngineVersion = r.EngineVersion,
                HostInstanceType = r.InstanceType,
                DeploymentMode = r.DeploymentMode,
                PubliclyAccessible = r.PubliclyAccessible,
                AutoMinorVersionUpgrade = r.AutoMinorVersionUpgrade,
                StorageType = r.StorageType,
                SubnetIds = [.. subnets],
                SecurityGroups = [.. groups],
                Tags = new Dictionary<string, string>(r.Tags, StringComparer.Ordinal),
                GeneralLogs = r.GeneralLogs,
                AuditLogs = r.AuditLogs,
                MaintenanceWindow = r.MaintenanceWindow,
                Current = configuration,
                Users = userRecords,
                Instances = [.. Enumerable.Range(0, r.InstanceCount).Select(_ => new InstanceRecord { OpenWirePort = FreePorts.Allocate(), StompPort = FreePorts.Allocate() })],
            };
            store.Data.Brokers.Add(broker);
            store.Save();
        }

        runtime.BeginCreation(broker);
        return new JsonObject { ["brokerArn"] = broker.Arn, ["brokerId"] = broker.Id };
    }

    public JsonObject Describe(string id)
    {
        lock (store.Gate)
        {
            var b = store.Broker(id);
            var state = runtime.DisplayState(b);
            var instances = new JsonArray();
            if (state is BrokerStates.Running or BrokerStates.RebootInProgress or BrokerStates.CriticalActionRequired)
            {
                var endpoint = context.Endpoint();
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
                ["maintenanceWindowStartTime"] = MaintenanceWindow(b.MaintenanceWindow),
                ["pendingEngineVersion"] = b.PendingEngineVersion,
                ["pendingHostInstanceType"] = b.PendingHostInstanceType,
                ["pendingSecurityGroups"] = b.PendingSecurityGroups is { } pendingGroups ? Strings(pendingGroups) : null,
                ["publiclyAccessible"] = b.PubliclyAccessible,
                ["securityGroups"] = Strings(b.SecurityGroups),
                ["storageType"] = b.StorageType,
                ["subnetIds"] = Strings(b.SubnetIds),
                ["tags"] = Tags(b.Tags),
                ["users"] = new JsonArray([.. b.Users.Select(u => (JsonNode)UserSummary(u))]),
            };
            return WithoutNulls(response);
        }
    }

    public JsonObject List(Func<string, string?> query)
    {
        var (max, offset) = MqPaging.Read(query, "maxResults", 1, 100);
        lock (store.Gate)
        {
            var (page, nextToken) = MqPaging.Page(store.Data.Brokers.OrderBy(b => b.Created).ToList(), offset, max);
            return new JsonObject
            {
                ["brokerSummaries"] = new JsonArray([.. page.Select(Summary)]),
            }.Continued(nextToken);
        }
    }

    private JsonNode Summary(BrokerRecord b) => new JsonObject
    {
        ["brokerArn"] = b.Arn,
        ["brokerId"] = b.Id,
        ["brokerName"] = b.Name,
        ["brokerState"] = runtime.DisplayState(b),
        ["created"] = Iso(b.Created),
        ["deploymentMode"] = b.DeploymentMode,
        ["engineType"] = "ActiveMQ",
        ["hostInstanceType"] = b.HostInstanceType,
    };

    // Like Amazon MQ: configuration, security groups, engine version and instance type become pending and apply at the next reboot.
    public JsonObject Update(string id, JsonObject r)
    {
        var configuration = Json.Object(r, "configuration");
        var securityGroups = Json.Strings(r, "securityGroups");
        var engineVersion = Json.String(r, "engineVersion");
        var instanceType = Json.String(r, "hostInstanceType");
        var autoMinor = Json.Bool(r, "autoMinorVersionUpgrade");
        var logs = Json.Object(r, "logs");
        var window = Json.Object(r, "maintenanceWindowStartTime");
        MqRequestValidation.AuthenticationStrategy(Json.String(r, "authenticationStrategy"));

        lock (store.Gate)
        {
            var b = store.Broker(id);
            if (b.State is BrokerStates.CreationInProgress or BrokerStates.DeletionInProgress or BrokerStates.CreationFailed)
            {
                throw Conflict($"Broker [{id}] is in state [{b.State}] and cannot be updated now.", "broker-id");
            }

            consoleEdit.BeforeUpdate(b);
            if (configuration is not null)
            {
                var configId = Json.String(configuration, "id") ?? throw Missing("configuration.id");
                var config = store.FindConfiguration(configId)
                    ?? throw NotFound($"Can't find requested configuration [{configId}]. Make sure your configuration exists.", "configuration");
                var revision = Json.Int(configuration, "revision") ?? config.Latest.Revision;
                if (config.Revisions.All(v => v.Revision != revision))
                {
                    throw NotFound($"Can't find requested revision [{revision}] of configuration [{configId}].", "configuration");
                }

                var wanted = new ConfigRef { Id = configId, Revision = revision };
                b.Pending = b.Current.SameAs(wanted) ? null : wanted;
            }

            if (securityGroups is not null)
            {
                MqRequestValidation.UpdatedSecurityGroups(securityGroups);
                context.Ec2.EnsureSecurityGroups(securityGroups, $"broker {b.Name}");
                b.PendingSecurityGroups = securityGroups.SequenceEqual(b.SecurityGroups) ? null : [.. securityGroups];
            }

            if (engineVersion is not null)
            {
                MqRequestValidation.UpdatedEngineVersion(engineVersion);
                b.PendingEngineVersion = engineVersion == b.EngineVersion ? null : engineVersion;
            }

            if (instanceType is not null)
            {
                MqRequestValidation.UpdatedInstanceType(instanceType);
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

            store.Save();
            return WithoutNulls(new JsonObject
            {
                ["authenticationStrategy"] = b.AuthenticationStrategy,
                ["autoMinorVersionUpgrade"] = b.AutoMinorVersionUpgrade,
                ["brokerId"] = b.Id,
                ["configuration"] = Ref(b.Pending ?? b.Current),
                ["engineVersion"] = b.PendingEngineVersion ?? b.EngineVersion,
                ["hostInstanceType"] = b.PendingHostInstanceType ?? b.HostInstanceType,
                ["logs"] = new JsonObject { ["audit"] = b.AuditLogs, ["general"] = b.GeneralLogs },
                ["maintenanceWindowStartTime"] = MaintenanceWindow(b.MaintenanceWindow),
                ["securityGroups"] = Strings(b.PendingSecurityGroups ?? b.SecurityGroups),
            });
        }
    }

    public JsonObject Reboot(string id)
    {
        lock (store.Gate)
        {
            var b = store.Broker(id);
            var state = runtime.DisplayState(b);
            if (state is not (BrokerStates.Running or BrokerStates.CriticalActionRequired))
            {
                throw BadRequest($"Broker [{id}] is in state [{state}]; only a RUNNING broker can be rebooted.", "broker-id");
            }

            runtime.BeginReboot(b);
            return [];
        }
    }

    public JsonObject Delete(string id)
    {
        lock (store.Gate)
        {
            var b = store.Broker(id);
            var state = runtime.DisplayState(b);
            if (state is not (BrokerStates.Running or BrokerStates.CreationFailed or BrokerStates.CriticalActionRequired))
            {
                throw BadRequest($"Broker [{id}] is in state [{state}]; a broker can be deleted when it is RUNNING (or failed).", "broker-id");
            }

            runtime.BeginDeletion(b);
            return new JsonObject { ["brokerId"] = id };
        }
    }

    public JsonObject CreateTags(string arn, JsonObject r)
    {
        var tags = r["tags"] as JsonObject ?? throw Missing("tags");
        lock (store.Gate)
        {
            var target = store.Data.Brokers.FirstOrDefault(b => b.Arn == arn)?.Tags
                ?? store.Data.Configurations.FirstOrDefault(c => c.Arn == arn)?.Tags
                ?? throw NotFound($"Can't find requested resource [{arn}].", "resource-arn");
            foreach (var (key, value) in tags)
            {
                target[key] = value?.GetValue<string>() ?? "";
            }

            store.Save();
            return [];
        }
    }

    /// <summary>A plain-text status page for one broker instance (its <c>consoleURL</c>).</summary>
    public string? ConsoleText(string brokerId, int instance)
    {
        lock (store.Gate)
        {
            var broker = store.FindBroker(brokerId);
            if (broker is null || instance < 1 || instance > broker.Instances.Count)
            {
                return null;
            }

            var i = broker.Instances[instance - 1];
            return $"{broker.Name} ({broker.Id}) instance {instance}: {runtime.DisplayState(broker)}\n" +
                $"ssl://127.0.0.1:{i.OpenWirePort}\nstomp+ssl://127.0.0.1:{i.StompPort}\n" +
                $"configuration {broker.Current.Id} revision {broker.Current.Revision}\n";
        }
    }
}
