using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Transform;

namespace Nob.Aws.Protocol;

/// <summary>
/// Unmarshaller for one JSON operation (rest-json or awsJson): the pipeline hands it a <see cref="JsonUnmarshallerContext"/>;
/// the body is parsed with <see cref="JsonDocument"/> (a blank or non-object body reads as <c>{}</c>) and mapped by
/// <paramref name="read"/>. HTTP errors become the service's exceptions through <paramref name="errors"/>.
/// </summary>
internal sealed class JsonOperationUnmarshaller<TResponse>(Func<JsonElement, TResponse> read, ServiceExceptionFactory errors) : JsonResponseUnmarshaller
    where TResponse : AmazonWebServiceResponse
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public override AmazonWebServiceResponse Unmarshall(JsonUnmarshallerContext input)
    {
        using var buffer = new MemoryStream();
        if (!input.IsEmptyResponse)
        {
            input.Stream.CopyTo(buffer);
        }

        if (buffer.GetBuffer().AsSpan(0, (int)buffer.Length).Trim(" \t\r\n"u8).IsEmpty)
        {
            return read(EmptyObject);
        }

        buffer.Position = 0;
        using var document = JsonDocument.Parse(buffer, new JsonDocumentOptions { MaxDepth = input.JsonMaxDepth });
        return read(document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement : EmptyObject);
    }

    public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
        => errors.Create(JsonErrorBody.Read(input, errors.BodyMembers), statusCode, innerException);
}
