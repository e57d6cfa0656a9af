using Amazon.Runtime;
using Nob.Aws.Protocol;

namespace Nob.Aws.Mq;

/// <summary>
/// An error returned by Amazon MQ. <see cref="Exception.Message"/> is the service's <c>message</c>;
/// <see cref="ErrorAttribute"/> names the offending request member when the service says which.
/// Subclasses map the model's modelled errors (by error code, else by HTTP status).
/// </summary>
public class AmazonMqException : AmazonServiceException
{
    public AmazonMqException(string message)
        : base(message)
    {
    }

    public AmazonMqException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public AmazonMqException(ServiceErrorDetails error, string? errorAttribute)
        : base(error.Message, error.InnerException, ServiceErrorTypes.ForStatus(error.StatusCode), error.ErrorCode, error.RequestId, error.StatusCode)
    {
        ErrorAttribute = errorAttribute;
    }

    /// <summary>The model's <c>errorAttribute</c>: which request member was wrong, if the service said.</summary>
    public string? ErrorAttribute { get; }
}

/// <summary>HTTP 400 <c>BadRequestException</c>: the request is invalid (see <see cref="AmazonMqException.ErrorAttribute"/>).</summary>
public sealed class MqBadRequestException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute);

/// <summary>HTTP 401 <c>UnauthorizedException</c>.</summary>
public sealed class MqUnauthorizedException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute);

/// <summary>HTTP 403 <c>ForbiddenException</c>: not allowed (IAM) or the broker is in a state that forbids it.</summary>
public sealed class MqForbiddenException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute);

/// <summary>HTTP 404 <c>NotFoundException</c>: no such broker, configuration, revision or user.</summary>
public sealed class MqNotFoundException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute);

/// <summary>HTTP 409 <c>ConflictException</c>: e.g. a broker with that name exists, or a concurrent change.</summary>
public sealed class MqConflictException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute);

/// <summary>HTTP 500 <c>InternalServerErrorException</c> (retried by the SDK before it surfaces).</summary>
public sealed class MqInternalServerErrorException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute);

/// <summary>
/// HTTP 429 (throttling; not modelled by Amazon MQ). Marked retryable as throttling so the SDK's retry policy
/// backs off with its throttling delay; surfaces only when the retries are used up.
/// </summary>
public sealed class MqTooManyRequestsException(ServiceErrorDetails error, string? errorAttribute) : AmazonMqException(error, errorAttribute)
{
    public override RetryableDetails Retryable { get; } = new(throttling: true);
}
