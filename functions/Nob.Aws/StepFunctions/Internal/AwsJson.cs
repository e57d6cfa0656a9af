using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Nob.Aws.Protocol;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.StepFunctions.Internal;

/// <summary>
/// Marshaller for one awsJson 1.0 operation: <c>POST /</c>, <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>,
/// <c>Content-Type: application/x-amz-json-1.0</c>, the input members as a JSON object written with <see cref="Utf8JsonWriter"/>.
/// </summary>
internal sealed class AwsJsonMarshaller<TRequest>(string operation, Action<TRequest, Utf8JsonWriter> writeBody) : IMarshaller<IRequest, AmazonWebServiceRequest>
    where TRequest : AmazonStepFunctionsRequest
{
    public string Target => $"{AmazonStepFunctionsConfig.TargetPrefix}.{operation}";

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var publicRequest = (TRequest)input;
        IRequest request = new DefaultRequest(publicRequest, AmazonStepFunctionsConfig.Identity.ServiceId)
        {
            HttpMethod = "POST",
            ResourcePath = "/",
        };
        request.Headers["X-Amz-Target"] = Target;
        request.WriteJsonBody(AmazonStepFunctionsConfig.ContentType, writer => writeBody(publicRequest, writer));
        return request;
    }
}

/// <summary>One awsJson operation of Step Functions; its errors become <see cref="AmazonStepFunctionsException"/>s (<see cref="SfnErrors"/>).</summary>
internal sealed class SfnOperation<TRequest, TResponse>(string name, Action<TRequest, Utf8JsonWriter> writeBody, Func<JsonElement, TResponse> read)
    : ServiceOperation<TRequest, TResponse>(name, new AwsJsonMarshaller<TRequest>(name, writeBody), new JsonOperationUnmarshaller<TResponse>(read, SfnErrors.Instance))
    where TRequest : AmazonStepFunctionsRequest
    where TResponse : AmazonWebServiceResponse;
