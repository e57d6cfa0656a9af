using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.LocalCloud.Api;

/// <summary>What the endpoint knows of one request when it builds the proxy event.</summary>
internal sealed record ProxyRequest(
    string HttpMethod,
    string Path,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Headers,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Query,
    IReadOnlyDictionary<string, string> PathParameters,
    string? Body,
    string? AccessKeyId,
    string SourceIp,
    string Protocol,
    string RequestId,
    DateTimeOffset Received);

/// <summary>
/// API Gateway's REST API (payload 1.0) Lambda proxy messages: the event it sends and the response it expects.
/// </summary>
internal static class ProxyMessages
{
    /// <summary>
    /// The event: single-value maps keep a name's last value, multi-value maps all of them, and each map is null when
    /// empty (as API Gateway sends them). The body is text (the API declares no binary media types, so
    /// <c>isBase64Encoded</c> is false). The caller is the local credentials' owner, the account itself (as for an
    /// account's root credentials: caller and user are the account id, userArn <c>arn:aws:iam::ACCOUNT:root</c>).
    /// </summary>
    public static JsonObject Event(ProxyRequest request, RestApiRoute route, RestApiDefinition api, string accountId, string domainName)
    {
        var epoch = request.Received.ToUnixTimeMilliseconds();
        return new JsonObject
        {
            ["resource"] = route.ResourcePath,
            ["path"] = request.Path,
            ["httpMethod"] = request.HttpMethod,
            ["headers"] = SingleValues(request.Headers),
            ["multiValueHeaders"] = MultiValues(request.Headers),
            ["queryStringParameters"] = SingleValues(request.Query),
            ["multiValueQueryStringParameters"] = MultiValues(request.Query),
            ["pathParameters"] = request.PathParameters.Count == 0 ? null : new JsonObject(request.PathParameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["stageVariables"] = api.StageVariables.Count == 0 ? null : new JsonObject(api.StageVariables.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = accountId,
                ["apiId"] = api.Id,
                ["resourceId"] = route.ResourceId,
                ["resourcePath"] = route.ResourcePath,
                ["httpMethod"] = request.HttpMethod,
                ["path"] = $"/{api.Stage}{request.Path}",
                ["stage"] = api.Stage,
                ["requestId"] = request.RequestId,
                ["extendedRequestId"] = request.RequestId,
                ["requestTime"] = request.Received.ToUniversalTime().ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                ["requestTimeEpoch"] = epoch,
                ["domainName"] = domainName,
                ["domainPrefix"] = api.Id,
                ["protocol"] = request.Protocol,
                ["identity"] = new JsonObject
                {
                    ["accessKey"] = request.AccessKeyId,
                    ["accountId"] = request.AccessKeyId is null ? null : accountId,
                    ["caller"] = request.AccessKeyId is null ? null : accountId,
                    ["user"] = request.AccessKeyId is null ? null : accountId,
                    ["userArn"] = request.AccessKeyId is null ? null : $"arn:aws:iam::{accountId}:root",
                    ["apiKey"] = null,
                    ["apiKeyId"] = null,
                    ["cognitoIdentityPoolId"] = null,
                    ["cognitoIdentityId"] = null,
                    ["cognitoAuthenticationType"] = null,
                    ["cognitoAuthenticationProvider"] = null,
                    ["principalOrgId"] = null,
                    ["sourceIp"] = request.SourceIp,
                    ["userAgent"] = Last(request.Headers, "User-Agent"),
                },
            },
            ["body"] = request.Body,
            ["isBase64Encoded"] = false,
        };
    }

    static string? Last(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> values, string name) =>
        values.LastOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.LastOrDefault();

    static JsonObject? SingleValues(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> values) =>
        values.Count == 0 ? null : new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value.LastOrDefault())));

    static JsonObject? MultiValues(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> values) =>
        values.Count == 0 ? null : new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)new JsonArray([.. v.Value.Select(s => (JsonNode?)s)]))));

    static readonly HashSet<string> ResponseMembers = new(StringComparer.Ordinal) { "statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded" };

    /// <summary>
    /// Reads the function's output as API Gateway reads a proxy response: a JSON object with only <c>statusCode</c>
    /// (an integer 100–599, or its digits as a string), <c>headers</c> (name → value), <c>multiValueHeaders</c>
    /// (name → values), <c>body</c> (a string) and <c>isBase64Encoded</c>; anything else is malformed (null here, a 502
    /// at the caller). Headers given both ways merge, a value in both appearing once.
    /// </summary>
    public static ProxyResponse? ReadResponse(string? payload)
    {
        JsonObject response;
        try
        {
            if (payload is null || JsonNode.Parse(payload) is not JsonObject parsed) return null;
            response = parsed;
        }
        catch (JsonException)
        {
            return null;
        }
        if (response.Any(m => !ResponseMembers.Contains(m.Key))) return null;

        int status;
        switch (response["statusCode"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n): status = n; break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var n): status = n; break;
            default: return null;
        }
        if (status is < 100 or > 599) return null;

        var headers = new List<KeyValuePair<string, List<string>>>();
        List<string> ValuesOf(string name)
        {
            var found = headers.FindIndex(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            if (found >= 0) return headers[found].Value;
            var created = new List<string>();
            headers.Add(KeyValuePair.Create(name, created));
            return created;
        }
        switch (response["multiValueHeaders"])
        {
            case null: break;
            case JsonObject multi:
                foreach (var (name, values) in multi)
                {
                    if (values is not JsonArray list) return null;
                    foreach (var value in list)
                        if (Scalar(value) is { } text) ValuesOf(name).Add(text);
                        else return null;
                }
                break;
            default: return null;
        }
        switch (response["headers"])
        {
            case null: break;
            case JsonObject single:
                foreach (var (name, value) in single)
                {
                    if (Scalar(value) is not { } text) return null;
                    var values = ValuesOf(name);
                    if (!values.Contains(text, StringComparer.Ordinal)) values.Add(text);
                }
                break;
            default: return null;
        }

        string? body;
        switch (response["body"])
        {
            case null: body = null; break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String: body = v.GetValue<string>(); break;
            default: return null;
        }
        if (response["isBase64Encoded"] is { } flag && flag.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return null;

        return new ProxyResponse(status, headers.Select(h => KeyValuePair.Create(h.Key, (IReadOnlyList<string>)h.Value)).ToList(), body);
    }

    static string? Scalar(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        }
        : null;
}

/// <summary>A proxy response as the gateway passes it on.</summary>
internal sealed record ProxyResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Headers, string? Body);
