using Nob.Aws.Internal;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Nob.Aws.Mq.Model;

namespace Nob.Aws.Mq.Internal;

/// <summary>
/// Marshaller for one rest-json operation: builds the SDK's <see cref="IRequest"/> (method, resource path with
/// path resources that the SDK URL-encodes, query parameters, JSON body written with <see cref="Utf8JsonWriter"/>).
/// </summary>
internal sealed class RestJsonMarshaller<TRequest>(
    string httpMethod,
    string resourcePath,
    Action<TRequest, IRequest>? bind,
    Action<TRequest, Utf8JsonWriter>? writeBody) : IMarshaller<IRequest, AmazonWebServiceRequest>
    where TRequest : AmazonMqRequest
{
    public string HttpMethod => httpMethod;

    public string ResourcePath => resourcePath;

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var publicRequest = (TRequest)input;
        IRequest request = new DefaultRequest(publicRequest, "AmazonMQ")
        {
            HttpMethod = httpMethod,
            ResourcePath = resourcePath,
        };
        request.Headers["x-amz-api-version"] = AmazonMqConfig.ApiVersion;
        if (httpMethod == "GET")
        {
            request.UseQueryString = true;
        }

        bind?.Invoke(publicRequest, request);

        if (writeBody is not null)
        {
            request.Headers["Content-Type"] = "application/json";
            var content = new PooledContentStream();
            request.ContentStream = content;
            using var writer = new Utf8JsonWriter(content.BufferWriter);
            writer.WriteStartObject();
            writeBody(publicRequest, writer);
            writer.WriteEndObject();
            writer.Flush();
        }

        return request;
    }
}

/// <summary>Helpers for binding path and query members.</summary>
internal static class RestJsonBinding
{
    /// <summary>Adds a path resource (the SDK URL-encodes it when composing and signing the URL).</summary>
    public static void Path(IRequest request, string label, string? value, string memberName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The request member {memberName} is required.", memberName);
        }

        request.AddPathResource("{" + label + "}", value);
    }

    public static void Query(IRequest request, string name, string? value)
    {
        if (value is not null)
        {
            request.Parameters.Add(name, value);
        }
    }

    public static void Query(IRequest request, string name, int? value)
    {
        if (value is not null)
        {
            request.Parameters.Add(name, value.Value.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static void Require(string? value, string memberName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The request member {memberName} is required.", memberName);
        }
    }
}

/// <summary>Unmarshaller for one rest-json operation; HTTP errors go to <see cref="MqErrors"/>.</summary>
internal sealed class RestJsonUnmarshaller<TResponse>(Func<JsonElement, TResponse> read) : JsonBodyUnmarshaller<TResponse>(read)
    where TResponse : AmazonWebServiceResponse
{
    public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext input, Exception innerException, HttpStatusCode statusCode)
        => MqErrors.Unmarshall(input, innerException, statusCode);
}
