using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nob.LocalCloud.Http;
using Nob.StepFunctions;

namespace Nob.LocalCloud.Api;

/// <summary>
/// A REST API of the template (the networks API) served by the endpoint as API Gateway serves it, each method's
/// <c>aws_proxy</c> integration invoking its Lambda function in this process.
/// <para>
/// URL: <c>http://127.0.0.1:PORT/restapis/{apiId}/{stage}/_user_request_/{path}</c>, LocalStack's scheme for the same
/// thing: the endpoint's other services own every other path (Amazon MQ's rest-json is under <c>/v1/</c>, which is also
/// our stage's name), a user of LocalStack recognises it, and the part after <c>_user_request_</c> is the path exactly as
/// on <c>https://{apiId}.execute-api.{region}.amazonaws.com/{stage}</c>. Requests are SigV4-signed for
/// <c>execute-api</c>.
/// </para>
/// <para>
/// What API Gateway does, in its order, and what this does (each answer a JSON <c>{"message": …}</c> with
/// <c>x-amzn-ErrorType</c>, as API Gateway's default gateway responses):
/// a path or method the API does not define: 403 <c>Missing Authentication Token</c> (MISSING_AUTHENTICATION_TOKEN,
/// which API Gateway also gives for undefined resources); an IAM method without an <c>Authorization</c> header: the
/// same; a credential scoped to another service: 403 <c>Credential should be scoped to correct service: 'execute-api'. </c>
/// (the signature itself is the endpoint's SigV4 check's); a validator with <c>validateRequestParameters</c> and a required
/// path, query or header parameter absent or blank: 400 <c>Missing required request parameters: [a, b]</c>
/// (BAD_REQUEST_PARAMETERS); a validator with <c>validateRequestBody</c> and a body its model refuses: 400
/// <c>Invalid request body</c> (BAD_REQUEST_BODY; the model is the one for the request's media type, application/json
/// when there is no Content-Type, else <c>$default</c>; no model, no check; an empty body is checked as <c>{}</c>);
/// a function error, an invocation failure or a malformed proxy response: 502 <c>Internal server error</c>; no answer
/// within the integration timeout (29 s, API Gateway's default and maximum for REST APIs): 504
/// <c>Endpoint request timed out</c>. Otherwise the proxy response's status, headers (Content-Type application/json
/// when it gives none) and body, with <c>x-amzn-RequestId</c> and <c>x-amz-apigw-id</c>.
/// Not modelled: throttling (the stage's MethodSettings), IAM policies (any valid signature of the endpoint's credentials
/// is allowed), binary media types (the template declares none), payloads above 10 MB.
/// </para>
/// </summary>
internal sealed class LocalRestApi(RestApiDefinition api, ILambdaFunctions functions, string accountId, TimeProvider? clock = null, TimeSpan? integrationTimeout = null)
{
    public const string Prefix = "/restapis/";

    public const string UserRequestSegment = "_user_request_";

    /// <summary>API Gateway's integration timeout for REST APIs (default and maximum).</summary>
    public static readonly TimeSpan DefaultIntegrationTimeout = TimeSpan.FromSeconds(29);

    /// <summary>Hop-by-hop and framing headers: the server writes its own.</summary>
    static readonly HashSet<string> Unforwarded = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade" };

    readonly TimeProvider time = clock ?? TimeProvider.System;

    public RestApiDefinition Definition => api;

    /// <summary><c>/restapis/{apiId}/{stage}/_user_request_</c>: append a resource path (<c>/networks</c>).</summary>
    public string BasePath => $"{Prefix}{api.Id}/{api.Stage}/{UserRequestSegment}";

    /// <summary>True for the paths this API answers (the whole <c>/restapis/</c> tree).</summary>
    public static bool Serves(string path) => path.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Checks that every route's function is one the endpoint hosts (at start, not at the first request).</summary>
    public void CheckFunctions()
    {
        foreach (var route in api.Routes)
            if (!functions.Contains(route.FunctionArn))
                throw new StatesDefinitionException($"the API's {route.HttpMethod} {route.ResourcePath} invokes {route.FunctionArn}, which the endpoint does not host");
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var requestId = Guid.NewGuid().ToString();
        var received = time.GetUtcNow();
        var path = request.Path.Value ?? "/";
        if (!(path == BasePath || path.StartsWith(BasePath + "/", StringComparison.Ordinal)))
        {
            await WriteErrorAsync(context, 404, "NotFoundException",
                $"no REST API stage at {path}; the networks API is at {BasePath}/networks", requestId).ConfigureAwait(false);
            return;
        }

        var resourcePath = path.Length == BasePath.Length ? "/" : path[BasePath.Length..];
        if (Match(resourcePath, request.Method) is not var (route, pathParameters))
        {
            await WriteErrorAsync(context, 403, "MissingAuthenticationTokenException", "Missing Authentication Token", requestId).ConfigureAwait(false);
            return;
        }

        string? accessKeyId = null;
        var authorization = request.Headers.Authorization.ToString();
        if (route.IamAuth)
        {
            if (string.IsNullOrWhiteSpace(authorization))
            {
                await WriteErrorAsync(context, 403, "MissingAuthenticationTokenException", "Missing Authentication Token", requestId).ConfigureAwait(false);
                return;
            }
            var scope = SigV4.Parse(authorization, out var problem);
            if (scope is null)
            {
                await WriteErrorAsync(context, 403, "IncompleteSignatureException", problem, requestId).ConfigureAwait(false);
                return;
            }
            if (scope.Service != "execute-api")
            {
                await WriteErrorAsync(context, 403, "IncompleteSignatureException", "Credential should be scoped to correct service: 'execute-api'. ", requestId).ConfigureAwait(false);
                return;
            }
            accessKeyId = scope.AccessKeyId;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.Length == 0 ? null : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var headers = request.Headers.Select(h => KeyValuePair.Create(h.Key, (IReadOnlyList<string>)h.Value.Select(v => v ?? "").ToList())).ToList();
        var query = request.Query.Select(q => KeyValuePair.Create(q.Key, (IReadOnlyList<string>)q.Value.Select(v => v ?? "").ToList())).ToList();

        if (route.ValidateParameters && MissingParameters(route, pathParameters, headers, query) is { Count: > 0 } missing)
        {
            await WriteErrorAsync(context, 400, "BadRequestException", $"Missing required request parameters: [{string.Join(", ", missing)}]", requestId).ConfigureAwait(false);
            return;
        }

        if (route.ValidateBody && ModelFor(route, request.ContentType) is { } model && !model.Accepts(body))
        {
            await WriteErrorAsync(context, 400, "BadRequestException", "Invalid request body", requestId).ConfigureAwait(false);
            return;
        }

        var forwarded = new List<KeyValuePair<string, IReadOnlyList<string>>>(headers);
        var sourceIp = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        AddIfAbsent(forwarded, "X-Forwarded-For", sourceIp);
        AddIfAbsent(forwarded, "X-Forwarded-Port", context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddIfAbsent(forwarded, "X-Forwarded-Proto", request.Scheme);
        var proxyEvent = ProxyMessages.Event(
            new ProxyRequest(request.Method, resourcePath, forwarded, query, pathParameters, body, accessKeyId, sourceIp, request.Protocol, requestId, received),
            route, api, accountId, request.Host.Value ?? "127.0.0.1");

        var invocation = functions.InvokeAsync(route.FunctionArn, proxyEvent.ToJsonString(), context.RequestAborted);
        var timeout = Task.Delay(integrationTimeout ?? DefaultIntegrationTimeout, time, context.RequestAborted);
        if (await Task.WhenAny(invocation, timeout).ConfigureAwait(false) != invocation)
        {
            context.RequestAborted.ThrowIfCancellationRequested();
            await WriteErrorAsync(context, 504, null, "Endpoint request timed out", requestId).ConfigureAwait(false);
            return;
        }

        LambdaInvocationResult result;
        try
        {
            result = await invocation.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result = LambdaInvocationResult.Failure(e.GetType().Name, e.Message, requestId);
        }
        if (result.IsError || ProxyMessages.ReadResponse(result.Payload) is not { } response)
        {
            await WriteErrorAsync(context, 502, "InternalServerErrorException", "Internal server error", requestId).ConfigureAwait(false);
            return;
        }

        var answer = context.Response;
        answer.StatusCode = response.StatusCode;
        foreach (var (name, values) in response.Headers)
            if (!Unforwarded.Contains(name)) answer.Headers.Append(name, values.ToArray());
        if (!answer.Headers.ContainsKey("Content-Type")) answer.ContentType = "application/json";
        answer.Headers["x-amzn-RequestId"] = requestId;
        answer.Headers["x-amz-apigw-id"] = RestApiDefinition.ShortId(requestId);
        if (response.Body is { Length: > 0 } text)
            await answer.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The route for a path and method: segments match literally or as a <c>{name}</c> parameter (which may be empty, so
    /// that the validator reports it missing); a literal match wins over a parameter, as API Gateway prefers the more
    /// specific resource; ANY takes any method the resource does not define.
    /// </summary>
    (RestApiRoute Route, IReadOnlyDictionary<string, string> PathParameters)? Match(string resourcePath, string method)
    {
        var segments = resourcePath == "/" ? [] : resourcePath.TrimStart('/').Split('/');
        (RestApiRoute Route, Dictionary<string, string> Parameters, int Literals)? best = null;
        foreach (var route in api.Routes)
        {
            if (route.Segments.Count != segments.Length || !(route.HttpMethod == method || route.HttpMethod == "ANY")) continue;
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            var literals = 0;
            var matches = true;
            for (var i = 0; i < segments.Length && matches; i++)
            {
                var template = route.Segments[i];
                if (template.StartsWith('{') && template.EndsWith('}')) parameters[template[1..^1]] = segments[i];
                else if (template == segments[i]) literals++;
                else matches = false;
            }
            if (!matches) continue;
            var score = literals * 2 + (route.HttpMethod == method ? 1 : 0);
            if (best is null || score > best.Value.Literals * 2 + (best.Value.Route.HttpMethod == method ? 1 : 0))
                best = (route, parameters, literals);
        }
        return best is { } found ? (found.Route, found.Parameters) : null;
    }

    static List<string> MissingParameters(RestApiRoute route, IReadOnlyDictionary<string, string> pathParameters,
        List<KeyValuePair<string, IReadOnlyList<string>>> headers, List<KeyValuePair<string, IReadOnlyList<string>>> query)
    {
        static bool Present(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> values, string name, StringComparison comparison) =>
            values.Any(v => string.Equals(v.Key, name, comparison) && v.Value.Any(s => !string.IsNullOrWhiteSpace(s)));
        return route.Parameters.Where(p => p.Required && !(p.In switch
        {
            ParameterLocation.Path => pathParameters.TryGetValue(p.Name, out var value) && !string.IsNullOrWhiteSpace(value),
            ParameterLocation.Query => Present(query, p.Name, StringComparison.Ordinal),
            _ => Present(headers, p.Name, StringComparison.OrdinalIgnoreCase),
        })).Select(p => p.Name).ToList();
    }

    static JsonSchemaModel? ModelFor(RestApiRoute route, string? contentType)
    {
        var mediaType = string.IsNullOrWhiteSpace(contentType) ? "application/json" : contentType.Split(';')[0].Trim();
        return route.BodyModels.TryGetValue(mediaType, out var model) ? model
            : route.BodyModels.TryGetValue("$default", out var fallback) ? fallback
            : null;
    }

    static void AddIfAbsent(List<KeyValuePair<string, IReadOnlyList<string>>> headers, string name, string value)
    {
        if (!headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))) headers.Add(KeyValuePair.Create(name, (IReadOnlyList<string>)[value]));
    }

    /// <summary>An API Gateway gateway response: <c>{"message": …}</c>, <c>x-amzn-ErrorType</c> (when given) and the request id.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string? errorType, string message, string requestId)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers["x-amzn-RequestId"] = requestId;
        if (errorType is not null) response.Headers["x-amzn-ErrorType"] = errorType;
        return response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString());
    }
}
