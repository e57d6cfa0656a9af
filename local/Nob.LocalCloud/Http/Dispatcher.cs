using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nob.LocalCloud.Ec2;
using Nob.LocalCloud.Mq;
using Nob.LocalCloud.Ssm;
using Nob.LocalCloud.States;

namespace Nob.LocalCloud.Http;

/// <summary>
/// Verifies each request's SigV4 signature (<see cref="SigV4Verifier"/>; every path, the admin routes too), routes it by
/// its credential scope's service (<c>mq</c>, <c>ssm</c>, <c>ec2</c>, and <c>states</c> for the hosted workflow's state
/// machines), injects the faults in force, and writes answers and errors in that service's wire protocol.
/// <c>/_localcloud/…</c> is the admin API. The one exception to SigV4 is the local console under <c>/console/</c>, which
/// checks its own token (<see cref="Nob.LocalCloud.WebConsole.ConsoleAccess"/>).
/// </summary>
internal sealed class Dispatcher(MqService mq, SsmService ssm, Ec2Service ec2, StatesService states, LocalCloudFaults faults, LocalCloudActivity activity, SigV4Verifier verifier, Action<string> log)
{
    private const string AdminPrefix = "/_localcloud/";

    private static readonly JsonSerializerOptions AdminJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The template's REST API (paths under <c>/restapis/</c>), when the endpoint hosts the workflow; it answers as API Gateway.</summary>
    public Api.LocalRestApi? RestApi { get; init; }

    /// <summary>The schedules the endpoint runs, for <c>GET /_localcloud/schedules</c>.</summary>
    public Func<IReadOnlyList<Schedule.ScheduleStatus>> Schedules { get; set; } = () => [];

    /// <summary>The local console (<c>/console/</c>): a browser does not sign, so it is routed before SigV4 and checks its own token.</summary>
    public WebConsole.ConsoleHandler? WebConsole { get; init; }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (WebConsole is { } console && Nob.LocalCloud.WebConsole.ConsoleHandler.Serves(path))
        {
            await console.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        var requestId = Guid.NewGuid().ToString();
        var scope = SigV4.Parse(request.Headers.Authorization.ToString(), out var problem);
        var admin = path.StartsWith(AdminPrefix, StringComparison.Ordinal);
        var protocol = admin ? WireProtocol.ApiGateway : scope?.Service switch
        {
            "mq" => WireProtocol.RestJson,
            "ssm" or "states" => WireProtocol.Json11,
            "ec2" => WireProtocol.Ec2Query,
            "execute-api" => WireProtocol.ApiGateway,
            _ => Guess(request),
        };

        // Before anything else, for every path: nothing is read, counted or changed for a request not signed with the endpoint's key.
        if (await verifier.VerifyAsync(context, scope, problem).ConfigureAwait(false) is { } refusal)
        {
            await WriteErrorAsync(context, protocol, SigV4Refusals.ToError(refusal, protocol), requestId).ConfigureAwait(false);
            return;
        }

        if (admin)
        {
            await AdminAsync(context, path[AdminPrefix.Length..]).ConfigureAwait(false);
            return;
        }

        if (RestApi is { } api && Api.LocalRestApi.Serves(path))
        {
            await api.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            if (scope!.Service is "execute-api")
            {
                throw new ServiceError(404, "NotFoundException", $"The local endpoint serves no API at {path}");
            }

            if (scope.Service is not ("mq" or "ssm" or "ec2" or "states"))
            {
                throw new ServiceError(400, protocol == WireProtocol.Ec2Query ? "InvalidAction" : "UnknownOperationException",
                    $"The local endpoint serves mq, ec2, ssm, states and execute-api; this request is signed for \"{scope.Service}\"");
            }

            var operation = await OperationAsync(context, protocol, path).ConfigureAwait(false);
            activity.CountRequest(scope.Service, operation);
            // Step Functions is the workflow's own control plane here: faults reach it only when named.
            var drawn = scope.Service == "states" && !faults.Current.Services.Contains("states", StringComparer.OrdinalIgnoreCase)
                ? InjectedFault.None
                : faults.Draw(scope.Service);
            switch (drawn)
            {
                case InjectedFault.Throttle:
                    throw new ServiceError(429, protocol switch
                    {
                        WireProtocol.RestJson => "TooManyRequestsException",
                        WireProtocol.Json11 => "ThrottlingException",
                        _ => "RequestLimitExceeded",
                    }, protocol == WireProtocol.Ec2Query ? "Request limit exceeded." : "Rate exceeded");
                case InjectedFault.ServerError:
                    throw new ServiceError(500, protocol switch
                    {
                        WireProtocol.RestJson => "InternalServerErrorException",
                        WireProtocol.Json11 => "InternalServerError",
                        _ => "InternalError",
                    }, "We encountered an internal error. Please try again.");
            }

            if (faults.MayLoseResponse(operation))
            {
                await ServeOrLoseAsync(context, protocol, scope.Service, path, requestId, operation).ConfigureAwait(false);
            }
            else
            {
                await ServeAsync(context, protocol, scope.Service, path, requestId).ConfigureAwait(false);
            }
        }
        catch (ServiceError e)
        {
            await WriteErrorAsync(context, protocol, e, requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            log($"{request.Method} {path}: {e.GetType().Name}: {e.Message}");
            var code = protocol switch
            {
                WireProtocol.RestJson => "InternalServerErrorException",
                WireProtocol.Json11 => "InternalServerError",
                _ => "InternalError",
            };
            await WriteErrorAsync(context, protocol, new ServiceError(500, code, "The local endpoint failed to handle the request; see its log."), requestId)
                .ConfigureAwait(false);
        }
    }

    private Task ServeAsync(HttpContext context, WireProtocol protocol, string service, string path, string requestId) => protocol switch
    {
        WireProtocol.RestJson => MqAsync(context, path, requestId),
        WireProtocol.Json11 when service == "states" => StatesAsync(context, requestId),
        WireProtocol.Json11 => SsmAsync(context, requestId),
        _ => Ec2Async(context, requestId),
    };

    /// <summary>
    /// Carries the request out with its answer held back; if the answer is then to be lost (<see cref="FaultSettings.LoseResponseNext"/>),
    /// the client gets a 500 for a change that was made, else the held answer.
    /// </summary>
    private async Task ServeOrLoseAsync(HttpContext context, WireProtocol protocol, string service, string path, string requestId, string operation)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var held = new MemoryStream();
        var holding = new StreamResponseBodyFeature(held, original);
        context.Features.Set<IHttpResponseBodyFeature>(holding);
        try
        {
            await ServeAsync(context, protocol, service, path, requestId).ConfigureAwait(false);
            await holding.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(original);
        }

        if (faults.LoseResponse(operation))
        {
            log($"fault: the answer to {operation} was lost after the request was carried out");
            context.Response.Headers.Clear();
            throw new ServiceError(500, protocol switch
            {
                WireProtocol.RestJson => "InternalServerErrorException",
                WireProtocol.Json11 => "InternalServerError",
                _ => "InternalError",
            }, "We encountered an internal error. Please try again.");
        }

        held.Position = 0;
        await held.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The operation a request names, for counting: Amazon MQ's from method and path, SSM's target, EC2's Action.</summary>
    private static async Task<string> OperationAsync(HttpContext context, WireProtocol protocol, string path)
    {
        var request = context.Request;
        switch (protocol)
        {
            case WireProtocol.RestJson:
                return path.StartsWith("/v1/", StringComparison.Ordinal)
                    ? MqRoutes.OperationName(request.Method, path["/v1/".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
                    : "Unknown";
            case WireProtocol.Json11:
                var target = request.Headers["X-Amz-Target"].ToString();
                return target.StartsWith("AmazonSSM.", StringComparison.Ordinal) ? target["AmazonSSM.".Length..]
                    : target.StartsWith("AWSStepFunctions.", StringComparison.Ordinal) ? target["AWSStepFunctions.".Length..]
                    : "Unknown";
            default:
                if (request.Query.TryGetValue("Action", out var action))
                {
                    return action.ToString();
                }

                // The form is buffered by ASP.NET Core, so Ec2Async reads it again from there.
                return request.HasFormContentType && (await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)).TryGetValue("Action", out var posted)
                    ? posted.ToString()
                    : "Unknown";
        }
    }

    /// <summary>
    /// The protocol a request speaks when its signature does not say which service it is for: JSON with X-Amz-Target,
    /// Amazon MQ under /v1/, EC2's query at the root, and API Gateway's under any other path (the API's own prefix).
    /// </summary>
    private static WireProtocol Guess(HttpRequest request) =>
        request.Headers.ContainsKey("X-Amz-Target") ? WireProtocol.Json11
        : (request.Path.Value ?? "").StartsWith("/v1/", StringComparison.Ordinal) ? WireProtocol.RestJson
        : (request.Path.Value ?? "/") is "/" or "" ? WireProtocol.Ec2Query
        : WireProtocol.ApiGateway;

    // ---- services ------------------------------------------------------------------------------------------

    private async Task MqAsync(HttpContext context, string path, string requestId)
    {
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            throw new ServiceError(404, "NotFoundException", $"The local Amazon MQ endpoint has no resource {path}");
        }

        var body = Json.ParseObject(await ReadBodyAsync(context).ConfigureAwait(false));
        var query = context.Request.Query;
        var segments = path["/v1/".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var response = mq.Handle(context.Request.Method, segments, name => query.TryGetValue(name, out var v) ? v.ToString() : null, body);
        await WriteJsonAsync(context, requestId, "application/json", response).ConfigureAwait(false);
    }

    private async Task SsmAsync(HttpContext context, string requestId)
    {
        var operation = JsonOperation(context.Request, "AmazonSSM.");
        var body = Json.ParseObject(await ReadBodyAsync(context).ConfigureAwait(false));
        if (operation == "GetParameter" && Json.String(body, "Name") is { } name && faults.IsMissingParameter(name))
        {
            throw new ServiceError(400, "ParameterNotFound", "");
        }

        var response = ssm.Handle(operation, body);
        await WriteJsonAsync(context, requestId, "application/x-amz-json-1.1", response).ConfigureAwait(false);
    }

    private async Task StatesAsync(HttpContext context, string requestId)
    {
        var operation = JsonOperation(context.Request, "AWSStepFunctions.");
        var body = Json.ParseObject(await ReadBodyAsync(context).ConfigureAwait(false));
        var response = await states.HandleAsync(operation, body).ConfigureAwait(false);
        await WriteJsonAsync(context, requestId, "application/x-amz-json-1.0", response).ConfigureAwait(false);
    }

    /// <summary>The operation a JSON-protocol request names in <c>X-Amz-Target</c> (<paramref name="prefix"/> + name); 400 for anything else.</summary>
    private static string JsonOperation(HttpRequest request, string prefix)
    {
        var target = request.Headers["X-Amz-Target"].ToString();
        if (request.Method != "POST" || !target.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ServiceError(400, "UnknownOperationException", $"Expected POST with X-Amz-Target: {prefix}<Operation>, got \"{target}\"");
        }

        return target[prefix.Length..];
    }

    /// <summary>A 200 answer with a JSON body in the service's content type.</summary>
    private static async Task WriteJsonAsync(HttpContext context, string requestId, string contentType, JsonNode response)
    {
        context.Response.StatusCode = 200;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task Ec2Async(HttpContext context, string requestId)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Request.Query)
        {
            values[key] = value.ToString();
        }

        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            foreach (var (key, value) in form)
            {
                values[key] = value.ToString();
            }
        }

        var parameters = new QueryParams(values);
        var action = parameters.Get("Action") ?? throw new ServiceError(400, "MissingAction", "The request must contain the parameter Action");
        var response = ec2.Handle(action, parameters, requestId);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        await context.Response.WriteAsync(Xml(response), context.RequestAborted).ConfigureAwait(false);
    }

    // ---- errors --------------------------------------------------------------------------------------------

    private static Task WriteErrorAsync(HttpContext context, WireProtocol protocol, ServiceError error, string requestId)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        switch (protocol)
        {
            case WireProtocol.RestJson or WireProtocol.ApiGateway:
                response.Headers["x-amzn-RequestId"] = requestId;
                response.Headers["x-amzn-ErrorType"] = error.Code;
                response.ContentType = "application/json";
                var body = new JsonObject { ["message"] = error.Message };
                if (error.ErrorAttribute is { } attribute)
                {
                    body["errorAttribute"] = attribute;
                }

                return response.WriteAsync(body.ToJsonString());
            case WireProtocol.Json11:
                response.Headers["x-amzn-RequestId"] = requestId;
                // Step Functions speaks awsJson 1.0, SSM 1.1; the error shape is the same.
                response.ContentType = context.Request.Headers["X-Amz-Target"].ToString().StartsWith("AWSStepFunctions.", StringComparison.Ordinal)
                    ? "application/x-amz-json-1.0"
                    : "application/x-amz-json-1.1";
                return response.WriteAsync(new JsonObject { ["__type"] = error.Code, ["message"] = error.Message }.ToJsonString());
            default:
                response.ContentType = "text/xml;charset=UTF-8";
                return response.WriteAsync(Xml(new XElement("Response",
                    new XElement("Errors", new XElement("Error", new XElement("Code", error.Code), new XElement("Message", error.Message))),
                    new XElement("RequestID", requestId))));
        }
    }

    // ---- admin ---------------------------------------------------------------------------------------------

    private async Task AdminAsync(HttpContext context, string path)
    {
        var method = context.Request.Method;
        var response = context.Response;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["health"])
        {
            await response.WriteAsync("ok\n").ConfigureAwait(false);
            return;
        }

        if (segments is ["console", var brokerId, var instance] && method == "GET"
            && int.TryParse(instance, System.Globalization.CultureInfo.InvariantCulture, out var n) && mq.ConsoleText(brokerId, n) is { } text)
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(text).ConfigureAwait(false);
            return;
        }

        if (segments is ["brokers", var crashedId, "stop"])
        {
            if (method != "POST")
            {
                response.StatusCode = 405;
                return;
            }

            var stopped = await mq.CrashAsync(crashedId).ConfigureAwait(false);
            response.StatusCode = stopped is null ? 404 : 200;
            response.ContentType = "application/json";
            await response.WriteAsync(JsonSerializer.Serialize(new { brokerId = crashedId, found = stopped is not null, stopped = stopped == true }, AdminJson)).ConfigureAwait(false);
            return;
        }

        if (segments is ["schedules"] && method == "GET")
        {
            response.ContentType = "application/json";
            await response.WriteAsync(JsonSerializer.Serialize(new { schedules = Schedules() }, AdminJson)).ConfigureAwait(false);
            return;
        }

        if (segments is ["activity"])
        {
            switch (method)
            {
                case "GET":
                    response.ContentType = "application/json";
                    await response.WriteAsync(JsonSerializer.Serialize(new { requests = activity.Requests, brokerStates = activity.BrokerStates }, AdminJson))
                        .ConfigureAwait(false);
                    return;
                case "DELETE":
                    activity.Reset();
                    response.StatusCode = 204;
                    return;
                default:
                    response.StatusCode = 405;
                    return;
            }
        }

        if (segments is ["faults"])
        {
            switch (method)
            {
                case "GET":
                    break;
                case "PUT" or "POST":
                    try
                    {
                        var settings = JsonSerializer.Deserialize<FaultSettings>(await ReadBodyAsync(context).ConfigureAwait(false), AdminJson)
                            ?? FaultSettings.None;
                        faults.Set(settings);
                    }
                    catch (Exception e) when (e is JsonException or ArgumentException)
                    {
                        response.StatusCode = 400;
                        await response.WriteAsync($"bad fault settings: {e.Message}\n").ConfigureAwait(false);
                        return;
                    }

                    log($"faults set: {JsonSerializer.Serialize(faults.Current, AdminJson)}");
                    break;
                case "DELETE":
                    faults.Reset();
                    break;
                default:
                    response.StatusCode = 405;
                    return;
            }

            response.ContentType = "application/json";
            await response.WriteAsync(JsonSerializer.Serialize(new { settings = faults.Current, throttled = faults.Throttled, serverErrors = faults.ServerErrors, responsesLost = faults.ResponsesLost }, AdminJson))
                .ConfigureAwait(false);
            return;
        }

        response.StatusCode = 404;
        await response.WriteAsync("admin endpoints: GET /_localcloud/health, GET|PUT|DELETE /_localcloud/faults, GET|DELETE /_localcloud/activity, GET /_localcloud/schedules, POST /_localcloud/brokers/{brokerId}/stop, GET /_localcloud/console/{brokerId}/{n}\n")
            .ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static string Xml(XElement root) => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting);
}
