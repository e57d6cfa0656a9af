using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.StepFunctions;

/// <summary>The Step Functions operations this project uses. Errors surface as <see cref="AmazonStepFunctionsException"/> subclasses.</summary>
public interface IAmazonStepFunctionsClient : IDisposable
{
    /// <summary>Same name and input as a running execution → that execution; a closed one, or other input → <see cref="ExecutionAlreadyExistsException"/>.</summary>
    Task<StartExecutionResponse> StartExecutionAsync(StartExecutionRequest request, CancellationToken cancellationToken = default);

    Task<DescribeExecutionResponse> DescribeExecutionAsync(DescribeExecutionRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page, newest first; see <see cref="AmazonStepFunctionsClientExtensions.ListExecutionsPaginatedAsync"/>.</summary>
    Task<ListExecutionsResponse> ListExecutionsAsync(ListExecutionsRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of events, oldest first; a page without <c>nextToken</c> is the last one so far.</summary>
    Task<GetExecutionHistoryResponse> GetExecutionHistoryAsync(GetExecutionHistoryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Ends a running execution ABORTED; an execution already ended is left as it ended.</summary>
    Task<StopExecutionResponse> StopExecutionAsync(StopExecutionRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of the account's state machines in the region.</summary>
    Task<ListStateMachinesResponse> ListStateMachinesAsync(ListStateMachinesRequest request, CancellationToken cancellationToken = default);

    Task<DescribeStateMachineResponse> DescribeStateMachineAsync(DescribeStateMachineRequest request, CancellationToken cancellationToken = default);
}
