using Amazon.Runtime;
using Nob.Aws.Protocol;

namespace Nob.Aws.StepFunctions;

/// <summary>
/// An error returned by Step Functions. <see cref="Exception.Message"/> is the service's <c>message</c> and
/// <see cref="AmazonServiceException.ErrorCode"/> the model's error shape name (without the awsJson namespace prefix).
/// The subclasses are the modelled errors this project handles; other codes surface as this type.
/// </summary>
public class AmazonStepFunctionsException : AmazonServiceException
{
    public AmazonStepFunctionsException(string message)
        : base(message)
    {
    }

    public AmazonStepFunctionsException(ServiceErrorDetails error)
        : base(error.Message, error.InnerException, ServiceErrorTypes.ForStatus(error.StatusCode), error.ErrorCode, error.RequestId, error.StatusCode)
    {
    }
}

/// <summary><c>ExecutionAlreadyExists</c>: the name belongs to a closed execution, or to a running one with other input.</summary>
public sealed class ExecutionAlreadyExistsException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>ExecutionDoesNotExist</c>.</summary>
public sealed class ExecutionDoesNotExistException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>StateMachineDoesNotExist</c>.</summary>
public sealed class StateMachineDoesNotExistException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>InvalidName</c>: an execution name that is too long or uses forbidden characters.</summary>
public sealed class InvalidNameException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>InvalidExecutionInput</c>: the input is not JSON or is too large.</summary>
public sealed class InvalidExecutionInputException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>InvalidArn</c>.</summary>
public sealed class InvalidArnException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>InvalidToken</c>: a <c>nextToken</c> the service did not issue, or one that expired.</summary>
public sealed class InvalidTokenException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary><c>ValidationException</c>: a member outside its constraints (e.g. StopExecution of a Map Run's child execution).</summary>
public sealed class StepFunctionsValidationException(ServiceErrorDetails error) : AmazonStepFunctionsException(error);

/// <summary>
/// Throttling (<c>ThrottlingException</c>, or HTTP 429; not modelled). Marked retryable as throttling so the SDK's retry
/// policy backs off with its throttling delay; surfaces only when the retries are used up.
/// </summary>
public sealed class StepFunctionsThrottlingException(ServiceErrorDetails error) : AmazonStepFunctionsException(error)
{
    public override RetryableDetails Retryable { get; } = new(throttling: true);
}
