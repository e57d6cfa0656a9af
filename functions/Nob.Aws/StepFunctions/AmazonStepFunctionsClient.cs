using Nob.Aws.Internal;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Nob.Aws.StepFunctions.Internal;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.StepFunctions;

/// <summary>
/// Step Functions client on AWSSDK.Core's runtime pipeline (AWSSDK.StepFunctions is not available here): SigV4 signing
/// (<c>states</c>), the default credential chain, the standard retry mode (throttling and 5xx retried with backoff),
/// endpoint resolution through <see cref="RegionalEndpointProvider"/> and awsJson 1.0 marshalling.
/// </summary>
public sealed class AmazonStepFunctionsClient : AmazonServiceClient, IAmazonStepFunctionsClient
{
    private static readonly ServiceMetadata Metadata = new(AmazonStepFunctionsConfig.SfnServiceId);

    /// <summary>Region, endpoint and credentials from the environment / profile (the SDK's default chains).</summary>
    public AmazonStepFunctionsClient()
        : base(new AmazonStepFunctionsConfig())
    {
    }

    public AmazonStepFunctionsClient(RegionEndpoint region)
        : base(new AmazonStepFunctionsConfig { RegionEndpoint = region })
    {
    }

    public AmazonStepFunctionsClient(AmazonStepFunctionsConfig config)
        : base(config)
    {
    }

    public AmazonStepFunctionsClient(AWSCredentials credentials, AmazonStepFunctionsConfig config)
        : base(credentials, config)
    {
    }

    protected override IServiceMetadata ServiceMetadata => Metadata;

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        // As generated AWSSDK v4 clients do: endpoint rules instead of the legacy resolver, and an auth-scheme handler.
        pipeline.RemoveHandler<EndpointResolver>();
        pipeline.AddHandlerAfter<Marshaller>(new RegionalEndpointResolver());
        pipeline.AddHandlerAfter<Marshaller>(new SigV4AuthSchemeHandler());
    }

    public Task<StartExecutionResponse> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnOperations.StartExecution, cancellationToken);

    public Task<DescribeExecutionResponse> DescribeExecutionAsync(DescribeExecutionRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnOperations.DescribeExecution, cancellationToken);

    public Task<ListExecutionsResponse> ListExecutionsAsync(ListExecutionsRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnOperations.ListExecutions, cancellationToken);

    public Task<GetExecutionHistoryResponse> GetExecutionHistoryAsync(GetExecutionHistoryRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnHistoryOperations.GetExecutionHistory, cancellationToken);

    public Task<StopExecutionResponse> StopExecutionAsync(StopExecutionRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnHistoryOperations.StopExecution, cancellationToken);

    public Task<ListStateMachinesResponse> ListStateMachinesAsync(ListStateMachinesRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnHistoryOperations.ListStateMachines, cancellationToken);

    public Task<DescribeStateMachineResponse> DescribeStateMachineAsync(DescribeStateMachineRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, SfnHistoryOperations.DescribeStateMachine, cancellationToken);

    private Task<TResponse> Invoke<TRequest, TResponse>(TRequest request, SfnOperation<TRequest, TResponse> operation, CancellationToken cancellationToken)
        where TRequest : AmazonStepFunctionsRequest
        where TResponse : AmazonWebServiceResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync<TResponse>(request, operation.InvokeOptions(), cancellationToken);
    }
}
