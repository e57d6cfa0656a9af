using Nob.Aws.Internal;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
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
        IRequest request = new DefaultRequest(publicRequest, AmazonStepFunctionsConfig.SfnServiceId)
        {
            HttpMethod = "POST",
            ResourcePath = "/",
        };
        request.Headers["X-Amz-Target"] = Target;
        request.Headers["Content-Type"] = AmazonStepFunctionsConfig.ContentType;

        var content = new PooledContentStream();
        request.ContentStream = content;
        using var writer = new Utf8JsonWriter(content.BufferWriter);
        writer.WriteStartObject();
        writeBody(publicRequest, writer);
        writer.WriteEndObject();
        writer.Flush();
        return request;
    }
}

/// <summary>Unmarshaller for one awsJson operation; errors go to <see cref="SfnErrors"/>.</summary>
internal sealed class AwsJsonUnmarshaller<TResponse>(Func<JsonElement, TResponse> read) : JsonBodyUnmarshaller<TResponse>(read)
    where TResponse : AmazonWebServiceResponse
{
    public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
        => SfnErrors.Unmarshall(input, innerException, statusCode);
}

/// <summary>One operation: its marshaller and unmarshaller, as the SDK's <see cref="InvokeOptions"/> wants them.</summary>
internal sealed class SfnOperation<TRequest, TResponse>(string name, Action<TRequest, Utf8JsonWriter> writeBody, Func<JsonElement, TResponse> read)
    where TRequest : AmazonStepFunctionsRequest
    where TResponse : AmazonWebServiceResponse
{
    public string Name => name;

    public AwsJsonMarshaller<TRequest> Marshaller { get; } = new(name, writeBody);

    public AwsJsonUnmarshaller<TResponse> Unmarshaller { get; } = new(read);

    public InvokeOptions InvokeOptions() => new() { RequestMarshaller = Marshaller, ResponseUnmarshaller = Unmarshaller };
}
