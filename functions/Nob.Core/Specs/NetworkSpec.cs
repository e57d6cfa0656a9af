namespace Nob.Core.Specs;

/// <summary>A validated network spec with every broker's defaults already applied.</summary>
public sealed record NetworkSpec(
    string NetworkName,
    Topology Topology,
    IReadOnlyList<BrokerSpec> Brokers,
    UserSpec User,
    IReadOnlyDictionary<string, string> ConnectorOptions,
    PollingSpec Polling,
    VerificationSpec Verification)
{
    public BrokerSpec Broker(string name) =>
        Brokers.FirstOrDefault(b => b.Name == name) ?? throw new KeyNotFoundException($"no broker named \"{name}\" in network \"{NetworkName}\"");
}

public static class DeploymentModes
{
    public const string SingleInstance = "SINGLE_INSTANCE";
    public const string ActiveStandbyMultiAz = "ACTIVE_STANDBY_MULTI_AZ";
    public static readonly IReadOnlyList<string> All = [SingleInstance, ActiveStandbyMultiAz];

    /// <summary>How many broker instances (and subnets) a deployment mode has.</summary>
    public static int InstanceCount(string mode) => mode == ActiveStandbyMultiAz ? 2 : 1;
}

public sealed record BrokerSpec(
    string Name,
    string EngineVersion,
    string HostInstanceType,
    string DeploymentMode,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroups,
    bool PubliclyAccessible)
{
    public int InstanceCount => DeploymentModes.InstanceCount(DeploymentMode);
}

/// <summary>The common user of every broker. Only the SSM parameter's name: the password never enters the spec.</summary>
public sealed record UserSpec(string Username, string PasswordParameter);

/// <summary>How the wait-for-RUNNING loops poll (<see cref="Workflow.PollPlan"/> turns it into a schedule).</summary>
/// <param name="IntervalSeconds">The longest wait between two checks once a broker is past half its expected time.</param>
/// <param name="TimeoutMinutes">How long a broker may take to become RUNNING before the build fails.</param>
/// <param name="ExpectedCreationSeconds">How long Amazon MQ usually takes to create a broker (about 15 minutes).</param>
/// <param name="ExpectedRebootSeconds">How long a reboot usually takes.</param>
/// <param name="LingerSeconds">How long one check may keep polling inside its invocation (sub-second checks; costs Lambda time).</param>
/// <param name="MaxRequestsPerSecond">The DescribeBroker rate all of a build's wait loops together may use (Amazon MQ allows ~15/s per account).</param>
/// <param name="ExpectedDeletionSeconds">How long Amazon MQ usually takes to delete a broker (teardown's wait loops).</param>
public sealed record PollingSpec(
    int IntervalSeconds,
    int TimeoutMinutes,
    int ExpectedCreationSeconds = SpecReader.DefaultExpectedCreationSeconds,
    int ExpectedRebootSeconds = SpecReader.DefaultExpectedRebootSeconds,
    int LingerSeconds = 0,
    int MaxRequestsPerSecond = SpecReader.DefaultPollingMaxRequestsPerSecond,
    int ExpectedDeletionSeconds = SpecReader.DefaultExpectedDeletionSeconds);

/// <param name="MaxConcurrency">How many receivers are checked at once (each with one subscription that all its senders' messages reach).</param>
public sealed record VerificationSpec(bool Enabled, int TimeoutSeconds, int MaxConcurrency = SpecReader.DefaultVerificationMaxConcurrency);

/// <summary>The topology as written in the spec; <see cref="Planning.TopologyLinks"/> turns it into links.</summary>
public abstract record Topology(string Type);

public sealed record SourceSinkTopology(IReadOnlyList<string> Sources, IReadOnlyList<string> Sinks) : Topology(TopologyTypes.SourceSink);

public sealed record HubAndSpokeTopology(string Hub) : Topology(TopologyTypes.HubAndSpoke);

public sealed record MeshTopology() : Topology(TopologyTypes.Mesh);

public sealed record ConcentratorTopology(IReadOnlyList<string> Concentrators) : Topology(TopologyTypes.Concentrator);

public sealed record TreeTopology(IReadOnlyDictionary<string, string> Parents) : Topology(TopologyTypes.Tree);

public sealed record CustomTopology(IReadOnlyList<CustomConnector> Connectors) : Topology(TopologyTypes.Custom);

public sealed record CustomConnector(string From, string To, bool? Duplex);

public static class TopologyTypes
{
    public const string SourceSink = "source-sink";
    public const string HubAndSpoke = "hub-and-spoke";
    public const string Mesh = "mesh";
    public const string Concentrator = "concentrator";
    public const string Tree = "tree";
    public const string Custom = "custom";
    public static readonly IReadOnlyList<string> All = [SourceSink, HubAndSpoke, Mesh, Concentrator, Tree, Custom];
}

/// <summary>One problem in a spec: where (a JSON path such as <c>brokers[1].name</c>) and what is wrong and allowed.</summary>
public sealed record SpecError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
