using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Transform;
using Amazon.Runtime.Internal.Util;

namespace Nob.Aws.Protocol;

/// <summary>Makes a service's typed exception from an error response it returned.</summary>
/// <param name="bodyMembers">The body members (besides <c>message</c>) the service's errors carry, read into <see cref="JsonErrorBody.Members"/>.</param>
internal abstract class ServiceExceptionFactory(params string[] bodyMembers)
{
    public IReadOnlyList<string> BodyMembers => bodyMembers;

    public abstract AmazonServiceException Create(JsonErrorBody error, HttpStatusCode statusCode, Exception innerException);
}

/// <summary>
/// An error response of a JSON protocol: what the SDK's JSON error unmarshaller found (the code from
/// <c>x-amzn-ErrorType</c> / <c>__type</c> / <c>code</c>, the message, the request id) and the body's own members.
/// </summary>
/// <param name="SdkCode">The code as the SDK read it.</param>
/// <param name="Message">The body's <c>message</c> (or <c>Message</c>), else the SDK's message.</param>
/// <param name="RequestId">The request id.</param>
/// <param name="Members">The asked-for string members of the body (absent when the body is not a JSON object).</param>
internal sealed record JsonErrorBody(string? SdkCode, string? Message, string? RequestId, IReadOnlyDictionary<string, string?> Members)
{
    public string? Member(string name) => Members.GetValueOrDefault(name);

    public static JsonErrorBody Read(JsonUnmarshallerContext context, IReadOnlyList<string> members)
    {
        var reader = new StreamingUtf8JsonReader(context.Stream, AWSConfigs.StreamingUtf8JsonReaderBufferSize ?? 4096, context.JsonMaxDepth);
        var error = JsonErrorResponseUnmarshaller.GetInstance().Unmarshall(context, ref reader);

        string? message = null;
        var found = new Dictionary<string, string?>(StringComparer.Ordinal);
        try
        {
            var body = context.GetResponseBodyBytes();
            if (body is { Length: > 0 })
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    message = document.RootElement.Str("message") ?? document.RootElement.Str("Message");
                    foreach (var name in members)
                    {
                        found[name] = document.RootElement.Str(name);
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON (e.g. a proxy's HTML page): keep what the SDK found.
        }

        return new JsonErrorBody(error.Code, message ?? error.Message, error.RequestId, found);
    }
}

/// <summary>The SDK's error type for an HTTP status: 5xx the service's fault, 4xx the caller's.</summary>
internal static class ServiceErrorTypes
{
    public static ErrorType ForStatus(HttpStatusCode statusCode)
        => (int)statusCode >= 500 ? ErrorType.Receiver : (int)statusCode >= 400 ? ErrorType.Sender : ErrorType.Unknown;
}
