using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Nob.Aws.Mq.Model;
using Nob.Aws.Protocol;

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
        request.Headers["x-amz-api-version"] = AmazonMqConfig.Identity.ApiVersion;
        if (httpMethod == "GET")
        {
            request.UseQueryString = true;
        }

        bind?.Invoke(publicRequest, request);

        if (writeBody is not null)
        {
            request.WriteJsonBody("application/json", writer => writeBody(publicRequest, writer));
        }

        return request;
    }
}

/// <summary>One rest-json operation of Amazon MQ; its HTTP errors become <see cref="AmazonMqException"/>s (<see cref="MqErrors"/>).</summary>
internal sealed class MqOperation<TRequest, TResponse>(string name, RestJsonMarshaller<TRequest> marshaller, Func<JsonElement, TResponse> read)
    : ServiceOperation<TRequest, TResponse>(name, marshaller, new JsonOperationUnmarshaller<TResponse>(read, MqErrors.Instance))
    where TRequest : AmazonMqRequest
    where TResponse : AmazonWebServiceResponse;

/// <summary>Helpers for binding path and query members.</summary>
internal static class RestJsonBinding
{
    /// <summary>Adds a path resource (the SDK URL-encodes it when composing and signing the URL).</summary>
    public static void Path(IRequest request, string label, string? value, string memberName)
    {
        RequestMembers.Require(value, memberName);
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
}
