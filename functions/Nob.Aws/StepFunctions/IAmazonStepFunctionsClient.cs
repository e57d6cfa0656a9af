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
}
