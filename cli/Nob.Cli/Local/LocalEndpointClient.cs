using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws;
using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Cli.Local.Workflow;
using Nob.Core.Lifecycle;

namespace Nob.Cli.Local;

/// <summary>
/// The CLI's one way to talk to the running local endpoint: its Step Functions API (the template's state machines:
/// start, follow, stop, read an ended execution), its Amazon MQ brokers, the networks stored in its SSM, the common
/// user's password parameter and its admin routes. Every client is configured from the endpoint's <see cref="CloudState"/>
/// alone (its URL, region and key pair), never from this process's environment, so an <c>AWS_ENDPOINT_URL</c>, key or
/// profile of the user's shell cannot send a local command elsewhere.
/// </summary>
public sealed class LocalEndpointClient : IDisposable
{
    /// <summary>The page size of ListBrokers (the local endpoint's maximum).</summary>
    const int BrokerPageSize = 100;

    readonly CloudState cloud;
    readonly AmazonStepFunctionsClient sfn;
    readonly AmazonMqClient mq;
    readonly AmazonSimpleSystemsManagementClient ssm;
    readonly SsmNetworkStore networks;

    public LocalEndpointClient(CloudState cloud, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(time);
        this.cloud = cloud;
        var credentials = Credentials(cloud);
        sfn = new AmazonStepFunctionsClient(credentials, Configure(new AmazonStepFunctionsConfig(), cloud));
        mq = new AmazonMqClient(credentials, Configure(new AmazonMqConfig(), cloud));
        ssm = new AmazonSimpleSystemsManagementClient(credentials, Configure(new AmazonSimpleSystemsManagementConfig(), cloud));
        networks = new SsmNetworkStore(ssm);
        Workflow = new EndpointWorkflow(sfn, time);
    }

    /// <summary>The endpoint's one key pair, as cloud.json records it.</summary>
    public static BasicAWSCredentials Credentials(CloudState cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        return new BasicAWSCredentials(Required(cloud, "AWS_ACCESS_KEY_ID"), Required(cloud, "AWS_SECRET_ACCESS_KEY"));
    }

    /// <summary>A client configuration aimed at the endpoint: its URL (which wins over any <c>AWS_ENDPOINT_URL</c>), its region for signing, nob's retry policy.</summary>
    public static T Configure<T>(T config, CloudState cloud)
        where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(cloud);
        config.ServiceURL = cloud.Endpoint;
        config.AuthenticationRegion = cloud.Region;
        return NobClientDefaults.Apply(config);
    }

    /// <summary>The template's state machines on the endpoint's Step Functions API.</summary>
    public EndpointWorkflow Workflow { get; }

    /// <summary>The ARN the endpoint gives template.yaml's state machine <paramref name="logicalId"/>.</summary>
    public Task<string> StateMachineArnAsync(string logicalId, CancellationToken cancellationToken) =>
        Workflow.StateMachineArnAsync(Path.Combine(LocalHome.RepositoryRoot(), "template.yaml"), logicalId, cloud.Region, cancellationToken);

    /// <summary>An execution that has ended, read whole: its history and those of the executions it started, and its result.</summary>
    public async Task<ExecutionOutcome> ReadEndedExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        var described = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = executionArn }, cancellationToken);
        if (described.Status is null or ExecutionStatuses.Running)
            throw new InvalidOperationException($"{executionArn} has not ended ({described.Status ?? "no status"})");
        var stateMachineArn = described.StateMachineArn ?? throw new InvalidOperationException($"DescribeExecution of {executionArn} named no state machine");
        return await Workflow.FollowAsync(stateMachineArn, executionArn, null, cancellationToken);
    }

    /// <summary>Every broker the endpoint's Amazon MQ has.</summary>
    public Task<IReadOnlyList<BrokerSummary>> ListBrokersAsync(CancellationToken cancellationToken) => mq.ListAllBrokersAsync(BrokerPageSize, cancellationToken);

    public async Task<bool> AnyBrokerLeftAsync(CancellationToken cancellationToken) => (await ListBrokersAsync(cancellationToken)).Count > 0;

    /// <summary>The networks stored by successful builds (their records in the endpoint's SSM).</summary>
    public Task<IReadOnlyList<string>> ListNetworkNamesAsync(CancellationToken cancellationToken) => networks.ListNetworkNamesAsync(cancellationToken);

    public Task<NetworkRecord?> GetNetworkAsync(string networkName, CancellationToken cancellationToken) => networks.GetAsync(networkName, cancellationToken);

    /// <summary>The common user's password as stored (a SecureString parameter), or null when there is none.</summary>
    public async Task<string?> GetPasswordAsync(string parameter, CancellationToken cancellationToken)
    {
        try
        {
            return (await ssm.GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true }, cancellationToken)).Parameter.Value;
        }
        catch (ParameterNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Stores the common user's password as a SecureString parameter (replacing one stored before when <paramref name="overwrite"/>).</summary>
    public Task PutPasswordAsync(string parameter, string password, bool overwrite, CancellationToken cancellationToken) =>
        ssm.PutParameterAsync(new PutParameterRequest { Name = parameter, Value = password, Type = ParameterType.SecureString, Overwrite = overwrite }, cancellationToken);

    /// <summary>Plain HTTP to the endpoint's admin routes (<c>/_localcloud/…</c>), signed with its key.</summary>
    public HttpClient AdminHttp(TimeSpan timeout) => SignedHttp.LocalCloudClient(cloud.Environment, timeout);

    public void Dispose()
    {
        sfn.Dispose();
        mq.Dispose();
        ssm.Dispose();
    }

    static string Required(CloudState cloud, string name) =>
        cloud.Environment.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"the local endpoint's state (cloud.json) has no {name}");
}
