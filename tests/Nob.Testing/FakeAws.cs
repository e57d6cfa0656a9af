using System.Collections.Concurrent;
using Nob.Core.Configuration;
using Nob.Core.Lifecycle;
using Nob.Core.Workflow;

namespace Nob.Testing;

/// <summary>An in-memory Amazon MQ with its rules: revisions per configuration, pending until reboot, unique names.</summary>
public sealed class FakeBrokerService : IBrokerService
{
    public sealed class Broker
    {
        public required string Id { get; init; }
        public required BrokerCreation Creation { get; init; }
        /// <summary>Tags as DescribeBroker reports them: the creation's, then what CreateTags added (null: the creation's).</summary>
        public IReadOnlyDictionary<string, string>? Tags { get; set; }
        public string State { get; set; } = BrokerStates.CreationInProgress;
        public string EngineType { get; set; } = "ACTIVEMQ";
        public required string ConfigurationId { get; init; }
        public int CurrentRevision { get; set; } = 1;
        public int? PendingRevision { get; set; }
        public List<string> Users { get; } = [];
        public List<string> UsersPending { get; } = [];
        public List<string> ActionsRequired { get; } = [];
        public int Reboots { get; set; }
        /// <summary>What DescribeBroker reports as <c>created</c> (Amazon MQ always reports it; null: not reported).</summary>
        public DateTimeOffset? Created { get; set; } = DateTimeOffset.UtcNow;

        /// <summary>DescribeBroker calls (and ListBrokers listings) seen while CREATION_IN_PROGRESS, REBOOT_IN_PROGRESS or DELETION_IN_PROGRESS (see <see cref="SettleAfterDescribes"/>).</summary>
        public int DescribesInProgress { get; set; }

        /// <summary>When the broker last went CREATION_IN_PROGRESS or REBOOT_IN_PROGRESS on <see cref="SettleClock"/>.</summary>
        public DateTimeOffset? InProgressSince { get; set; }
    }

    public Dictionary<string, Broker> Brokers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> Revisions { get; } = new(StringComparer.Ordinal);
    public List<string> Calls { get; } = [];
    public List<ConfigurationWarning> NextWarnings { get; } = [];
    public List<string> PasswordsSeen { get; } = [];

    /// <summary>
    /// Optional (null, the default, leaves states alone): a broker that is CREATION_IN_PROGRESS or REBOOT_IN_PROGRESS
    /// settles on its Nth DescribeBroker, which reports the settled state: a creation becomes RUNNING (or
    /// CREATION_FAILED for a name in <see cref="FailCreationOf"/>), a reboot finishes as <see cref="FinishReboot"/>.
    /// Lets a wait-for-RUNNING loop poll a few times, as against Amazon MQ. A broker DELETION_IN_PROGRESS is gone after
    /// its Nth DescribeBroker (which still reports it DELETION_IN_PROGRESS, its last sighting), as <see cref="FinishDeletion"/>.
    /// </summary>
    public int? SettleAfterDescribes { get; set; }

    /// <summary>Broker names whose creation settles in CREATION_FAILED (only with <see cref="SettleAfterDescribes"/>).</summary>
    public HashSet<string> FailCreationOf { get; } = new(StringComparer.Ordinal);

    /// <summary>With <see cref="FailCreationOf"/>: only the first N creations of each such broker fail (null: all of them).</summary>
    public int? FailCreationTimes { get; set; }

    /// <summary>Creations settled in CREATION_FAILED so far, by broker name.</summary>
    public Dictionary<string, int> FailedCreations { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Like Amazon MQ, a broker created without security groups gets the default VPC's default security group, which
    /// DescribeBroker then reports: this one (the group the tests' pre-existing brokers and their VPC maps use).
    /// </summary>
    public string DefaultSecurityGroup { get; set; } = "sg-1";

    /// <summary>Runs at the start of each CreateBroker (a test's way to have another party, or a lost first attempt, take the name).</summary>
    public Action<BrokerCreation>? BeforeCreate { get; set; }

    /// <summary>Runs at the start of each ListBrokers (a test's way to move a broker's state on between listings).</summary>
    public Action? BeforeListing { get; set; }

    /// <summary>Broker IDs ListBrokers leaves out of what it returns (still sighted, so they settle as listed ones do).</summary>
    public HashSet<string> HiddenFromListing { get; } = new(StringComparer.Ordinal);

    /// <summary>Broker IDs DescribeBroker answers 404 for although they are still listed (deleted between the two calls).</summary>
    public HashSet<string> GoneOnDescribe { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Optional (null, the default, leaves states alone): brokers settle on the time of this clock instead, as Amazon MQ's
    /// do. A creation is RUNNING from the first DescribeBroker <see cref="CreationTakes"/> after CreateBroker, a reboot
    /// from <see cref="RebootTakes"/> after RebootBroker (as <see cref="FinishReboot"/>).
    /// </summary>
    public TimeProvider? SettleClock { get; set; }

    public TimeSpan CreationTakes { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RebootTakes { get; set; } = TimeSpan.FromMinutes(5);

    /// <param name="createdFor">A network name: the broker carries nob's tag for it, as if nob had created it for that network.</param>
    public Broker Add(string name, string state = BrokerStates.Running, string mode = "SINGLE_INSTANCE", string engine = "ACTIVEMQ", string? createdFor = null)
    {
        var tags = createdFor is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [BrokerTags.Network] = createdFor };
        var creation = new BrokerCreation(name, "x", "5.18", "mq.m5.large", mode, [], ["sg-1"], false, "user1", tags);
        var broker = new Broker { Id = $"b-{name.ToLowerInvariant()}", Creation = creation, State = state, EngineType = engine, ConfigurationId = $"c-{name.ToLowerInvariant()}" };
        Brokers[broker.Id] = broker;
        Revisions[broker.ConfigurationId] = [AmazonMqDefaults.ConfigurationXml];
        return broker;
    }

    public Broker ByName(string name) => Brokers.Values.Single(b => b.Creation.BrokerName == name);

    public Task<BrokerSummary?> FindBrokerByNameAsync(string brokerName, CancellationToken cancellationToken)
    {
        Calls.Add($"ListBrokers");
        var b = Brokers.Values.SingleOrDefault(x => x.Creation.BrokerName == brokerName);
        return Task.FromResult(b is null ? null : new BrokerSummary(b.Id, brokerName, b.State, b.EngineType, b.Creation.DeploymentMode));
    }

    /// <summary>Every broker, each seen as a DescribeBroker would see it (a listing settles brokers as a describe does).</summary>
    public Task<IReadOnlyList<BrokerSummary>> ListBrokersAsync(CancellationToken cancellationToken)
    {
        BeforeListing?.Invoke();
        Calls.Add("ListBrokers");
        var listed = new List<BrokerSummary>();
        foreach (var b in Brokers.Values.ToList())
        {
            Sight(b, deletions: false);
            if (!HiddenFromListing.Contains(b.Id)) listed.Add(new BrokerSummary(b.Id, b.Creation.BrokerName, b.State, b.EngineType, b.Creation.DeploymentMode));
        }
        return Task.FromResult<IReadOnlyList<BrokerSummary>>(listed);
    }

    public Task<BrokerDescription> DescribeBrokerAsync(string brokerId, CancellationToken cancellationToken)
    {
        Calls.Add($"DescribeBroker {brokerId}");
        if (!Brokers.TryGetValue(brokerId, out var b) || GoneOnDescribe.Contains(brokerId)) throw new BrokerMissingException(brokerId); // as the adapter translates Amazon MQ's 404
        Sight(b, deletions: true);
        var instances = Enumerable.Range(1, b.Creation.DeploymentMode == "SINGLE_INSTANCE" ? 1 : 2)
            .Select(i => new BrokerInstance([$"ssl://{b.Id}-{i}.mq.example:61617", $"stomp+ssl://{b.Id}-{i}.mq.example:61614"], $"10.0.0.{i}{b.Id.Length}", $"https://{b.Id}-{i}.mq.example:8162"))
            .ToList();
        return Task.FromResult(new BrokerDescription(b.Id, b.Creation.BrokerName, $"arn:aws:mq:us-east-1:111122223333:broker:{b.Creation.BrokerName}:{b.Id}",
            b.State, b.EngineType, "5.18", b.Creation.DeploymentMode, b.Creation.PubliclyAccessible,
            b.Creation.SecurityGroups.Count == 0 ? [DefaultSecurityGroup] : b.Creation.SecurityGroups, instances,
            new ConfigurationRef(b.ConfigurationId, b.CurrentRevision), b.PendingRevision is { } p ? new ConfigurationRef(b.ConfigurationId, p) : null,
            b.ActionsRequired, b.UsersPending, b.Tags ?? b.Creation.Tags, b.Created));
    }

    /// <summary>
    /// A sighting of the broker by DescribeBroker or ListBrokers: where <see cref="SettleClock"/> or
    /// <see cref="SettleAfterDescribes"/> settle it (a deletion only on DescribeBroker, which the deletion waits use).
    /// </summary>
    void Sight(Broker b, bool deletions)
    {
        if (SettleClock is { } clock && b.InProgressSince is { } since)
        {
            var elapsed = clock.GetUtcNow() - since;
            if (b.State == BrokerStates.CreationInProgress && elapsed >= CreationTakes)
                (b.State, b.InProgressSince) = (BrokerStates.Running, null);
            else if (b.State == BrokerStates.RebootInProgress && elapsed >= RebootTakes)
            {
                FinishReboot(b.Id);
                b.InProgressSince = null;
            }
        }
        if (SettleAfterDescribes is { } settleAfter && b.State is BrokerStates.CreationInProgress or BrokerStates.RebootInProgress && ++b.DescribesInProgress >= settleAfter)
        {
            b.DescribesInProgress = 0;
            if (b.State == BrokerStates.RebootInProgress) FinishReboot(b.Id);
            else b.State = FailsCreation(b.Creation.BrokerName) ? BrokerStates.CreationFailed : BrokerStates.Running;
        }
        var deleted = deletions && SettleAfterDescribes is { } settleDeletion && b.State == BrokerStates.DeletionInProgress && ++b.DescribesInProgress >= settleDeletion;
        if (deleted) FinishDeletion(b.Id);
    }

    bool FailsCreation(string brokerName)
    {
        if (!FailCreationOf.Contains(brokerName)) return false;
        var failed = FailedCreations.GetValueOrDefault(brokerName);
        if (FailCreationTimes is { } times && failed >= times) return false;
        FailedCreations[brokerName] = failed + 1;
        return true;
    }

    int created;

    /// <summary>Like Amazon MQ: the same creatorRequestId returns the same broker; another broker's name is a 409 (the adapter's <see cref="BrokerNameTakenException"/>).</summary>
    public Task<string> CreateBrokerAsync(BrokerCreation creation, Secret password, CancellationToken cancellationToken)
    {
        Calls.Add($"CreateBroker {creation.BrokerName}");
        PasswordsSeen.Add(password.Reveal());
        BeforeCreate?.Invoke(creation);
        var existing = Brokers.Values.SingleOrDefault(b => b.Creation.CreatorRequestId == creation.CreatorRequestId);
        if (existing is not null) return Task.FromResult(existing.Id);
        if (Brokers.Values.Any(b => b.Creation.BrokerName == creation.BrokerName))
            throw new BrokerNameTakenException(creation.BrokerName, $"A broker with the name [{creation.BrokerName}] already exists");
        created = Math.Max(created, Brokers.Count) + 1; // ids stay unique after deletions
        var broker = new Broker { Id = $"b-{created}", Creation = creation, ConfigurationId = $"c-{created}" };
        if (SettleClock is { } clock) broker.Created = broker.InProgressSince = clock.GetUtcNow();
        broker.Users.Add(creation.Username);
        UserPasswords[broker.Id] = password.Reveal();
        Brokers[broker.Id] = broker;
        Revisions[broker.ConfigurationId] = [AmazonMqDefaults.ConfigurationXml];
        return Task.FromResult(broker.Id);
    }

    public Task<string> GetConfigurationRevisionXmlAsync(string configurationId, int revision, CancellationToken cancellationToken)
    {
        Calls.Add($"DescribeConfigurationRevision {configurationId} {revision}");
        return Task.FromResult(Revisions[configurationId][revision - 1]);
    }

    public Task<int> GetLatestConfigurationRevisionAsync(string configurationId, CancellationToken cancellationToken)
    {
        Calls.Add($"DescribeConfiguration {configurationId}");
        return Task.FromResult(Revisions[configurationId].Count);
    }

    /// <summary>Runs just before an UpdateBroker takes effect (with the broker's id): a concurrent writer, as a console user.</summary>
    public Action<string>? BeforeUpdateBroker { get; set; }

    /// <summary>Runs just before an UpdateConfiguration is stored (with the configuration id): a writer between nob's read and write.</summary>
    public Action<string>? BeforeUpdateConfiguration { get; set; }

    public Task<ConfigurationUpdate> UpdateConfigurationAsync(string configurationId, string xml, string description, CancellationToken cancellationToken)
    {
        Calls.Add($"UpdateConfiguration {configurationId}");
        BeforeUpdateConfiguration?.Invoke(configurationId);
        Revisions[configurationId].Add(xml);
        var warnings = NextWarnings.ToList();
        NextWarnings.Clear();
        return Task.FromResult(new ConfigurationUpdate(Revisions[configurationId].Count, warnings));
    }

    public Task SetConfigurationRevisionAsync(string brokerId, string configurationId, int revision, CancellationToken cancellationToken)
    {
        Calls.Add($"UpdateBroker {brokerId} {revision}");
        BeforeUpdateBroker?.Invoke(brokerId);
        Brokers[brokerId].PendingRevision = revision;
        return Task.CompletedTask;
    }

    public Task RebootBrokerAsync(string brokerId, CancellationToken cancellationToken)
    {
        Calls.Add($"RebootBroker {brokerId}");
        var b = Brokers[brokerId];
        if (b.State != BrokerStates.Running) throw new InvalidOperationException("reboot needs RUNNING");
        b.State = BrokerStates.RebootInProgress;
        b.InProgressSince = SettleClock?.GetUtcNow();
        b.Reboots++;
        return Task.CompletedTask;
    }

    /// <summary>Runs as a reboot finishes, before the pending configuration is applied: someone else's UpdateBroker during the reboot.</summary>
    public Action<Broker>? BeforeFinishReboot { get; set; }

    /// <summary>What Amazon MQ does when a reboot finishes: pending configuration and users applied.</summary>
    public void FinishReboot(string brokerId)
    {
        var b = Brokers[brokerId];
        BeforeFinishReboot?.Invoke(b);
        if (b.PendingRevision is { } p) b.CurrentRevision = p;
        b.PendingRevision = null;
        b.UsersPending.Clear();
        b.State = BrokerStates.Running;
    }

    public Task<IReadOnlyList<string>> ListUsernamesAsync(string brokerId, CancellationToken cancellationToken)
    {
        Calls.Add($"ListUsers {brokerId}");
        return Task.FromResult<IReadOnlyList<string>>([.. Brokers[brokerId].Users]);
    }

    public Task CreateUserAsync(string brokerId, string username, Secret password, CancellationToken cancellationToken)
    {
        Calls.Add($"CreateUser {brokerId} {username}");
        PasswordsSeen.Add(password.Reveal());
        Brokers[brokerId].Users.Add(username);
        Brokers[brokerId].UsersPending.Add(username);
        UserPasswords[brokerId] = password.Reveal();
        return Task.CompletedTask;
    }

    /// <summary>Each broker's common-user password as last set by CreateBroker, CreateUser or UpdateUser (by broker id).</summary>
    public Dictionary<string, string> UserPasswords { get; } = new(StringComparer.Ordinal);

    public Task UpdateUserPasswordAsync(string brokerId, string username, Secret password, CancellationToken cancellationToken)
    {
        Calls.Add($"UpdateUser {brokerId} {username}");
        PasswordsSeen.Add(password.Reveal());
        var b = Brokers[brokerId];
        if (!b.Users.Contains(username)) throw new InvalidOperationException($"no user {username} on {brokerId}");
        UserPasswords[brokerId] = password.Reveal();
        if (!b.UsersPending.Contains(username)) b.UsersPending.Add(username);
        return Task.CompletedTask;
    }

    public Task TagBrokerAsync(string brokerArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var b = Brokers.Values.Single(x => brokerArn.EndsWith($":{x.Creation.BrokerName}:{x.Id}", StringComparison.Ordinal));
        Calls.Add($"CreateTags {b.Id} {string.Join(",", tags.Select(t => $"{t.Key}={t.Value}"))}");
        var merged = new Dictionary<string, string>(b.Creation.Tags, StringComparer.Ordinal);
        foreach (var (key, value) in tags) merged[key] = value;
        b.Tags = merged;
        return Task.CompletedTask;
    }

    /// <summary>Like Amazon MQ: only a RUNNING or CREATION_FAILED broker can be deleted; it goes DELETION_IN_PROGRESS (see <see cref="FinishDeletion"/>).</summary>
    public Task DeleteBrokerAsync(string brokerId, CancellationToken cancellationToken)
    {
        Calls.Add($"DeleteBroker {brokerId}");
        var b = Brokers[brokerId];
        if (b.State is not (BrokerStates.Running or BrokerStates.CreationFailed)) throw new InvalidOperationException($"delete needs RUNNING or CREATION_FAILED, not {b.State}");
        b.State = BrokerStates.DeletionInProgress;
        b.DescribesInProgress = 0;
        return Task.CompletedTask;
    }

    /// <summary>What Amazon MQ does when a deletion finishes: the broker is gone (its configuration stays, as on AWS).</summary>
    public void FinishDeletion(string brokerId)
    {
        if (Brokers[brokerId].State != BrokerStates.DeletionInProgress) throw new InvalidOperationException("the broker is not being deleted");
        Brokers.Remove(brokerId);
    }
}

public sealed class FakeSecurityGroups : ISecurityGroupService
{
    public Dictionary<string, string> Vpcs { get; } = new(StringComparer.Ordinal);
    public List<IngressRule> Rules { get; } = [];

    public Task<IReadOnlyDictionary<string, string>> GetVpcIdsAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(securityGroupIds.Where(Vpcs.ContainsKey).ToDictionary(g => g, g => Vpcs[g]));

    public Task<bool> AuthorizeIngressAsync(IngressRule rule, CancellationToken cancellationToken)
    {
        if (Rules.Any(r => r with { Description = "" } == rule with { Description = "" })) return Task.FromResult(false);
        Rules.Add(rule);
        return Task.FromResult(true);
    }

    /// <summary>Rules someone else added: any protocol and port range, with their own descriptions (or none).</summary>
    public List<ExistingIngressRule> OtherRules { get; } = [];

    public List<IngressRule> Revoked { get; } = [];

    public Task<IReadOnlyList<ExistingIngressRule>> DescribeIngressAsync(IReadOnlyCollection<string> securityGroupIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExistingIngressRule>>([
            .. Rules.Where(r => securityGroupIds.Contains(r.SecurityGroupId))
                .Select(r => new ExistingIngressRule(r.SecurityGroupId, "tcp", r.Port, r.Port, r.SourceCidr, r.SourceSecurityGroupId, r.Description)),
            .. OtherRules.Where(r => securityGroupIds.Contains(r.SecurityGroupId)),
        ]);

    /// <summary>Like EC2: matches by group, port and source, not description; false (InvalidPermission.NotFound) when absent.</summary>
    public Task<bool> RevokeIngressAsync(IngressRule rule, CancellationToken cancellationToken)
    {
        var removed = Rules.RemoveAll(r => r with { Description = "" } == rule with { Description = "" })
            + OtherRules.RemoveAll(r => r.Protocol == "tcp" && r.FromPort == rule.Port && r.ToPort == rule.Port && r.SecurityGroupId == rule.SecurityGroupId
                && r.SourceCidr == rule.SourceCidr && r.SourceSecurityGroupId == rule.SourceSecurityGroupId);
        if (removed > 0) Revoked.Add(rule);
        return Task.FromResult(removed > 0);
    }
}

/// <summary>SecureStrings in memory; like SSM, every write of a name counts its version up from 1.</summary>
public sealed class FakeParameters : IParameterStore
{
    readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    /// <summary>Set a value (version + 1); remove one to make the parameter missing.</summary>
    public ParameterValues Values { get; }

    public Dictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public FakeParameters() => Values = new ParameterValues(this);

    public Task<Secret> GetSecureStringAsync(string parameterName, CancellationToken cancellationToken)
    {
        Calls.Add($"GetParameter {parameterName}");
        return Task.FromResult(new Secret(Value(parameterName)));
    }

    public Task<VersionedSecret> GetSecureStringWithVersionAsync(string parameterName, CancellationToken cancellationToken)
    {
        Calls.Add($"GetParameter {parameterName}");
        return Task.FromResult(new VersionedSecret(new Secret(Value(parameterName)), Versions[parameterName]));
    }

    public Task<long> GetVersionAsync(string parameterName, CancellationToken cancellationToken)
    {
        Calls.Add($"GetParameter {parameterName} (version)");
        Value(parameterName);
        return Task.FromResult(Versions[parameterName]);
    }

    string Value(string parameterName) => values.TryGetValue(parameterName, out var v) ? v : throw new PasswordParameterMissingException(parameterName);

    public sealed class ParameterValues(FakeParameters owner)
    {
        public string this[string name]
        {
            get => owner.values[name];
            set
            {
                owner.values[name] = value;
                owner.Versions[name] = owner.Versions.GetValueOrDefault(name) + 1;
            }
        }

        public bool Remove(string name) => owner.values.Remove(name);

        public void Clear() => owner.values.Clear();

        public bool ContainsKey(string name) => owner.values.ContainsKey(name);
    }
}

/// <summary>
/// The fake of the <see cref="INetworkStore"/> port: network records by name. What is put goes through
/// <see cref="NetworkRecordCodec"/> as SSM stores it (a record that does not survive encoding fails here as it would on
/// AWS); a test may also set or read <see cref="Records"/> directly.
/// </summary>
public sealed class FakeNetworkStore : INetworkStore
{
    public Dictionary<string, NetworkRecord> Records { get; } = new(StringComparer.Ordinal);

    /// <summary>Every call, in order, as SSM's operation and the network: <c>GetParameter tutorial</c>.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public Task<NetworkRecord?> GetAsync(string networkName, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"GetParameter {networkName}");
        return Task.FromResult(Records.GetValueOrDefault(networkName));
    }

    public Task PutAsync(NetworkRecord record, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"PutParameter {record.NetworkName}");
        Records[record.NetworkName] = NetworkRecordCodec.Decode(NetworkRecordCodec.Encode(record));
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string networkName, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"DeleteParameter {networkName}");
        return Task.FromResult(Records.Remove(networkName));
    }

    public Task<IReadOnlyList<string>> ListNetworkNamesAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("GetParametersByPath");
        return Task.FromResult<IReadOnlyList<string>>([.. Records.Keys.Order(StringComparer.Ordinal)]);
    }
}
