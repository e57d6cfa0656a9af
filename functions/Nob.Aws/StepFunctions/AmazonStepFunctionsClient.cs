using Amazon;
using Amazon.Runtime;
using Nob.Aws.Protocol;
using Nob.Aws.StepFunctions.Internal;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.StepFunctions;

/// <summary>
/// Step Functions client (AWSSDK.StepFunctions is not available here) on the shared <see cref="AwsServiceClient"/>
/// pipeline (SigV4 signing as <c>states</c>, the default credential chain, standard retries, regional endpoints),
/// with awsJson 1.0 marshalling.
/// </summary>
public sealed class AmazonStepFunctionsClient : AwsServiceClient, IAmazonStepFunctionsClient
{

    /// <summary>Region, endpoint and credentials from the environment / profile (the SDK's default chains).</summary>
    public AmazonStepFunctionsClient() : base(new AmazonStepFunctionsConfig()) { }

    public AmazonStepFunctionsClient(RegionEndpoint region) : base(new AmazonStepFunctionsConfig { RegionEndpoint = region }) { }

    public AmazonStepFunctionsClient(AmazonStepFunctionsConfig config) : base(config) { }

    public AmazonStepFunctionsClient(AWSCredentials credentials, AmazonStepFunctionsConfig config) : base(credentials, config) { }

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
}
