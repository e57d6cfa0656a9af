using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Transform;
using Amazon.Runtime.Internal.Util;
using Nob.Aws.Mq.Internal;

namespace Nob.Aws.StepFunctions.Internal;

/// <summary>Turns Step Functions error responses (awsJson 1.0: <c>{"__type": "…#Code", "message": "…"}</c>) into typed exceptions.</summary>
internal static class SfnErrors
{
    public static AmazonServiceException Unmarshall(JsonUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        var reader = new StreamingUtf8JsonReader(context.Stream, AWSConfigs.StreamingUtf8JsonReaderBufferSize ?? 4096, context.JsonMaxDepth);
        var error = JsonErrorResponseUnmarshaller.GetInstance().Unmarshall(context, ref reader);

        string? code = null;
        string? message = null;
        try
        {
            var body = context.GetResponseBodyBytes();
            if (body is { Length: > 0 })
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code = document.RootElement.Str("__type");
                    message = document.RootElement.Str("message") ?? document.RootElement.Str("Message");
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON (e.g. a proxy's HTML page): keep what the SDK found.
        }

        return Create(ShortCode(error.Code) ?? ShortCode(code), message ?? error.Message, error.RequestId, statusCode, innerException);
    }

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
        message = string.IsNullOrEmpty(message) ? $"Step Functions returned HTTP {(int)statusCode}{(code is null ? "" : " " + code)}." : message;
        return code switch
        {
            "ExecutionAlreadyExists" => new ExecutionAlreadyExistsException(message, innerException, code, requestId, statusCode),
            "ExecutionDoesNotExist" => new ExecutionDoesNotExistException(message, innerException, code, requestId, statusCode),
            "StateMachineDoesNotExist" => new StateMachineDoesNotExistException(message, innerException, code, requestId, statusCode),
            "InvalidName" => new InvalidNameException(message, innerException, code, requestId, statusCode),
            "InvalidExecutionInput" => new InvalidExecutionInputException(message, innerException, code, requestId, statusCode),
            "InvalidArn" => new InvalidArnException(message, innerException, code, requestId, statusCode),
            "InvalidToken" => new InvalidTokenException(message, innerException, code, requestId, statusCode),
            "ValidationException" => new StepFunctionsValidationException(message, innerException, code, requestId, statusCode),
            "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded"
                => new StepFunctionsThrottlingException(message, innerException, code, requestId, statusCode),
            _ when statusCode == HttpStatusCode.TooManyRequests => new StepFunctionsThrottlingException(message, innerException, code, requestId, statusCode),
            _ => new AmazonStepFunctionsException(message, innerException, code, requestId, statusCode),
        };
    }
}
