using System.Net;
using Amazon.Runtime;
using Nob.Aws.Protocol;

namespace Nob.Aws.StepFunctions.Internal;

/// <summary>Turns Step Functions error responses (awsJson 1.0: <c>{"__type": "…#Code", "message": "…"}</c>) into typed exceptions.</summary>
internal sealed class SfnErrors() : ServiceExceptionFactory("__type")
{
    public static SfnErrors Instance { get; } = new();

    public override AmazonServiceException Create(JsonErrorBody error, HttpStatusCode statusCode, Exception innerException)
        => Create(ShortCode(error.SdkCode) ?? ShortCode(error.Member("__type")), error.Message, error.RequestId, statusCode, innerException);

    /// <summary>"com.amazonaws.swf.service.v2.model#InvalidName" or "InvalidName:http://…" → "InvalidName".</summary>
    public static string? ShortCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        var hash = code.LastIndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }

    /// <summary>Chooses the exception type by the error code; HTTP 429 without a known code is throttling.</summary>
    public static AmazonStepFunctionsException Create(string? code, string? message, string? requestId, HttpStatusCode statusCode, Exception? innerException)
    {
        var error = new ServiceErrorDetails(
            string.IsNullOrEmpty(message) ? $"Step Functions returned HTTP {(int)statusCode}{(code is null ? "" : " " + code)}." : message,
            code,
            requestId,
            statusCode,
            innerException);
        return code switch
        {
            "ExecutionAlreadyExists" => new ExecutionAlreadyExistsException(error),
            "ExecutionDoesNotExist" => new ExecutionDoesNotExistException(error),
            "StateMachineDoesNotExist" => new StateMachineDoesNotExistException(error),
            "InvalidName" => new InvalidNameException(error),
            "InvalidExecutionInput" => new InvalidExecutionInputException(error),
            "InvalidArn" => new InvalidArnException(error),
            "InvalidToken" => new InvalidTokenException(error),
            "ValidationException" => new StepFunctionsValidationException(error),
            "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded"
                => new StepFunctionsThrottlingException(error),
            _ when statusCode == HttpStatusCode.TooManyRequests => new StepFunctionsThrottlingException(error),
            _ => new AmazonStepFunctionsException(error),
        };
    }
}
