using System.Net;
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

    public AmazonStepFunctionsException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
        : base(message, innerException, ServiceErrorTypes.ForStatus(statusCode), errorCode, requestId, statusCode)
    {
    }
}

/// <summary><c>ExecutionAlreadyExists</c>: the name belongs to a closed execution, or to a running one with other input.</summary>
public sealed class ExecutionAlreadyExistsException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>ExecutionDoesNotExist</c>.</summary>
public sealed class ExecutionDoesNotExistException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>StateMachineDoesNotExist</c>.</summary>
public sealed class StateMachineDoesNotExistException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>InvalidName</c>: an execution name that is too long or uses forbidden characters.</summary>
public sealed class InvalidNameException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>InvalidExecutionInput</c>: the input is not JSON or is too large.</summary>
public sealed class InvalidExecutionInputException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>InvalidArn</c>.</summary>
public sealed class InvalidArnException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>InvalidToken</c>: a <c>nextToken</c> the service did not issue, or one that expired.</summary>
public sealed class InvalidTokenException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary><c>ValidationException</c>: a member outside its constraints (e.g. StopExecution of a Map Run's child execution).</summary>
public sealed class StepFunctionsValidationException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode);

/// <summary>
/// Throttling (<c>ThrottlingException</c>, or HTTP 429; not modelled). Marked retryable as throttling so the SDK's retry
/// policy backs off with its throttling delay; surfaces only when the retries are used up.
/// </summary>
public sealed class StepFunctionsThrottlingException(string message, Exception? innerException, string? errorCode, string? requestId, HttpStatusCode statusCode)
    : AmazonStepFunctionsException(message, innerException, errorCode, requestId, statusCode)
{
    public override RetryableDetails Retryable { get; } = new(throttling: true);
}
